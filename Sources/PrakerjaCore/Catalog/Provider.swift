import Foundation

/// A training provider (lembaga pelatihan) with its credentials for the redeem-code API.
public struct Provider: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var city: String
    public var clientCode: String
    public var signKey: String

    enum CodingKeys: String, CodingKey {
        case id, name, city
        case clientCode = "client_code"
        case signKey = "sign_key"
    }
}
