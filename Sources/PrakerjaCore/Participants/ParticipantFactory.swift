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

/// Makes participants: a deterministic population from a seed, or one from a draft.
public struct ParticipantFactory: Sendable {
    static let givenNames = [
        "Budi", "Siti", "Agus", "Dewi", "Rina", "Andi", "Putri", "Joko", "Sri", "Wahyu", "Fitri", "Rizky", "Ayu", "Hendra",
        "Nur", "Eko", "Indah", "Bayu", "Lestari", "Yusuf", "Ratna", "Dimas", "Maya", "Fajar", "Wulan", "Arief", "Intan",
    ]
    static let familyNames = [
        "Santoso", "Wijaya", "Saputra", "Lestari", "Hidayat", "Pratama", "Kurniawan", "Sari", "Nugroho", "Siregar",
        "Harahap", "Situmorang", "Rahmawati", "Setiawan", "Gunawan", "Purnomo", "Halim", "Tanjung", "Manurung", "Utami",
    ]

    public let rules: RulesProfile

    public init(rules: RulesProfile) { self.rules = rules }

    /// The seeded population: participants 1 to `count`. The same seed and count give the same people.
    public func population(count: Int, entropy: EntropySource, now: Date) -> [Participant] {
        (0..<max(count, 0)).map { populationMember($0 + 1, entropy: entropy, now: now) }
    }

    /// Member `ordinal` of the seeded population: accepted within the 20 days before `now`; most (80 %)
    /// have watched the three guidance videos.
    public func populationMember(_ ordinal: Int, entropy: EntropySource, now: Date) -> Participant {
        var rng = entropy.generator(.participant, "population", String(ordinal))
        let draft = ParticipantDraft(
            wave: 21,
            videosWatched: Int.random(in: 0..<10, using: &rng) < 8 ? rules.requiredVideos : Int.random(in: 0..<rules.requiredVideos, using: &rng),
            acceptedDaysAgo: Int.random(in: 0...20, using: &rng)
        )
        return make(draft, ordinal: ordinal, entropy: entropy, now: now)
    }

    /// Participant number `ordinal`: the draft's fields, the rest derived from the seed and the ordinal.
    /// Ordinals come from the store's participant sequence, which never hands one out twice, so generated
    /// card numbers (which end in the ordinal) are unique by construction, across restarts and processes.
    public func make(_ draft: ParticipantDraft, ordinal: Int, entropy: EntropySource, now: Date) -> Participant {
        var rng = entropy.generator(.participant, String(ordinal))
        let serial = ordinal
        let given = Self.givenNames.randomElement(using: &rng)!
        let family = Self.familyNames.randomElement(using: &rng)!
        let name = draft.name ?? "\(given) \(family)"
        // NIK: province/city/district code, birth date, serial. Card: 5-prefixed, ordinal in the tail.
        let nik = draft.nik ?? (rng.digits(6) + rng.digits(6) + String(format: "%04d", serial % 10_000))
        let card = draft.cardNumber ?? ("5" + rng.digits(7) + String(format: "%08d", serial % 100_000_000))
        let phone = draft.phone ?? ("08" + ["11", "12", "13", "21", "52", "57", "77", "81", "95"].randomElement(using: &rng)! + rng.digits(8))
        let email = draft.email ?? "\(given.lowercased()).\(family.lowercased()).\(serial)@mail.example.id"
        let accepted = now - TimeInterval(draft.acceptedDaysAgo ?? 0) * 86_400
        return Participant(
            id: "ptc_" + rng.string(16, from: Array("0123456789abcdef")), nik: nik, name: name, cardNumber: card,
            phone: phone, email: email, wave: draft.wave ?? 21, acceptedAt: accepted,
            videosWatched: draft.videosWatched ?? 0, balance: rules.trainingBalance
        )
    }
}
