import Foundation

/// Fields a caller may give when creating a participant; the rest are drawn from the seeded generator.
public struct ParticipantDraft: Codable, Sendable, Equatable {
    public var nik: String?
    public var name: String?
    public var cardNumber: String?
    public var phone: String?
    public var email: String?
    public var wave: Int?
    public var videosWatched: Int?
    /// Days before now that the participant was accepted (default 0: accepted now).
    public var acceptedDaysAgo: Int?

    public init(
        nik: String? = nil, name: String? = nil, cardNumber: String? = nil, phone: String? = nil, email: String? = nil,
        wave: Int? = nil, videosWatched: Int? = nil, acceptedDaysAgo: Int? = nil
    ) {
        self.nik = nik
        self.name = name
        self.cardNumber = cardNumber
        self.phone = phone
        self.email = email
        self.wave = wave
        self.videosWatched = videosWatched
        self.acceptedDaysAgo = acceptedDaysAgo
    }

    enum CodingKeys: String, CodingKey {
        case nik, name, phone, email, wave
        case cardNumber = "card_number"
        case videosWatched = "videos_watched"
        case acceptedDaysAgo = "accepted_days_ago"
    }

    /// Checks the given fields' formats.
    public func validate(rules: RulesProfile) throws(GatewayError) {
        func digits(_ value: String?, _ count: Int, _ field: String) throws(GatewayError) {
            guard let value else { return }
            guard Digits.check(value, count: count) else {
                throw .field(field, "must be exactly \(count) digits")
            }
        }
        try digits(nik, 16, "nik")
        try digits(cardNumber, 16, "card_number")
        if let phone, !(phone.hasPrefix("08") && (10...13).contains(phone.count) && Digits.check(phone, count: phone.utf8.count)) {
            throw .field("phone", "must be an Indonesian mobile number such as 081234567890")
        }
        if let email, !(email.contains("@") && email.count <= 254 && !email.contains(" ")) {
            throw .field("email", "must be an e-mail address")
        }
        if let name, name.isEmpty || name.count > 200 { throw .field("name", "must have 1 to 200 characters") }
        if let wave, !(1...100).contains(wave) { throw .field("wave", "must be between 1 and 100") }
        if let v = videosWatched, !(0...rules.requiredVideos).contains(v) {
            throw .field("videos_watched", "must be between 0 and \(rules.requiredVideos)")
        }
        if let d = acceptedDaysAgo, !(0...3650).contains(d) { throw .field("accepted_days_ago", "must be between 0 and 3650") }
    }
}
