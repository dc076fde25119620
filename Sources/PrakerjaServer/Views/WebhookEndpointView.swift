import Foundation
import PrakerjaCore

struct WebhookEndpointView: Codable {
    var platformId: String
    var url: String
    var enabled: Bool
    var updatedAt: Date
    /// The `whsec_…` secret the platform verifies signatures with.
    var secret: String

    init(_ e: WebhookEndpoint, secret: String) {
        platformId = e.platformID
        url = e.url
        enabled = e.enabled
        updatedAt = e.updatedAt
        self.secret = secret
    }
}
