import Foundation

/// Integer rupiah. Money never appears as a floating-point number anywhere in PrakerjaSim.
public typealias Rupiah = Int64

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

public enum CourseType: String, Codable, Sendable, CaseIterable {
    case webinar
    case selfPaced = "self_paced"
    case offline
}

/// A webinar session: attendance `sequence` N is redeemed during session N (±1 h of its start).
public struct WebinarSession: Codable, Sendable, Hashable {
    public var sequence: Int
    public var startsAt: Date

    enum CodingKeys: String, CodingKey {
        case sequence
        case startsAt = "starts_at"
    }
}

public struct Course: Codable, Sendable, Hashable {
    public var id: String
    public var title: String
    public var providerID: String
    public var type: CourseType
    public var price: Rupiah
    public var durationHours: Int
    /// Ids of the platforms that sell this course.
    public var platforms: [String]
    /// Webinar sessions in order; empty for self-paced and offline courses.
    public var sessions: [WebinarSession]

    enum CodingKeys: String, CodingKey {
        case id, title, type, price, platforms, sessions
        case providerID = "provider_id"
        case durationHours = "duration_hours"
    }
}
