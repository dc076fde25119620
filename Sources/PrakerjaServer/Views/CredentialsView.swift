import Foundation
import PrakerjaCore

struct CredentialsView: Codable {
    struct PlatformCredential: Codable {
        var platformId: String
        var secret: String
        /// Standard Webhooks signing secret (`whsec_…`) of the platform's webhooks.
        var webhookSecret: String
    }
    struct ProviderCredential: Codable {
        var providerId: String
        var clientCode: String
        var signKey: String
    }
    var platforms: [PlatformCredential]
    var providers: [ProviderCredential]
}
