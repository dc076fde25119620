import Foundation

/// One of the seven digital platforms that sell Prakerja training.
public struct Platform: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    /// Customer-service contact from the seed article.
    public var customerService: CustomerService
    /// Shared secret for signing partner-API requests (HMAC-SHA256). Mock credentials only.
    public var partnerSecret: String

    public struct CustomerService: Codable, Sendable, Hashable {
        /// `phone`, `whatsapp` or `web`.
        public var channel: String
        public var contact: String
    }

    enum CodingKeys: String, CodingKey {
        case id, name
        case customerService = "customer_service"
        case partnerSecret = "partner_secret"
    }
}
