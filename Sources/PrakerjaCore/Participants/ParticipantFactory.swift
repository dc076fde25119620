import Foundation

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
    public func population(count: Int, epoch: Int = 0, entropy: EntropySource, now: Date) -> [Participant] {
        (0..<max(count, 0)).map { populationMember(ParticipantNumber(ordinal: $0 + 1, epoch: epoch), entropy: entropy, now: now) }
    }

    /// Member `ordinal` of the seeded population: accepted within the 20 days before `now`; most (80 %)
    /// have watched the three guidance videos.
    public func populationMember(_ number: ParticipantNumber, entropy: EntropySource, now: Date) -> Participant {
        var rng = entropy.generator(.participant, "population", String(number.ordinal))
        let draft = ParticipantDraft(
            wave: 21,
            videosWatched: Int.random(in: 0..<10, using: &rng) < 8 ? rules.requiredVideos : Int.random(in: 0..<rules.requiredVideos, using: &rng),
            acceptedDaysAgo: Int.random(in: 0...20, using: &rng)
        )
        return make(draft, number: number, entropy: entropy, now: now)
    }

    /// Participant number `ordinal`: the draft's fields, the rest derived from the seed and the ordinal.
    /// Ordinals come from the store's participant sequence, which never hands one out twice, so generated
    /// card numbers (which end in the ordinal) are unique by construction, across restarts and processes.
    /// After a reset (a new epoch) the same numbers make the same people, under new ids, so that nothing
    /// keyed by a participant's id (charges, OTPs, vouchers) repeats what the previous epoch issued.
    public func make(_ draft: ParticipantDraft, number: ParticipantNumber, entropy: EntropySource, now: Date) -> Participant {
        var rng = entropy.generator(.participant, String(number.ordinal))
        var idGenerator = entropy.generator(.participant, "id", String(number.epoch), String(number.ordinal))
        let serial = number.ordinal
        let given = Self.givenNames.randomElement(using: &rng)!
        let family = Self.familyNames.randomElement(using: &rng)!
        let name = draft.name ?? "\(given) \(family)"
        // NIK: province/city/district code, birth date, serial. Card: 5-prefixed, ordinal in the tail.
        let nik = draft.nik ?? (rng.digits(6) + rng.digits(6) + String(format: "%04d", serial % 10_000))
        let card = draft.cardNumber ?? ("5" + rng.digits(7) + String(format: "%08d", serial % 100_000_000))
        // Phone: an operator prefix, and the ordinal in the tail, so that no two participants share a number (and
        // so never read each other's OTPs).
        let phone = draft.phone ?? ("08" + ["11", "12", "13", "21", "52", "57", "77", "81", "95"].randomElement(using: &rng)! + String(format: "%08d", serial % 100_000_000))
        let email = draft.email ?? "\(given.lowercased()).\(family.lowercased()).\(serial)@mail.example.id"
        let accepted = now - TimeInterval(draft.acceptedDaysAgo ?? 0) * 86_400
        return Participant(
            id: "ptc_" + idGenerator.string(16, from: Array("0123456789abcdef")), nik: nik, name: name, cardNumber: card,
            phone: phone, email: email, wave: draft.wave ?? 21, acceptedAt: accepted,
            videosWatched: draft.videosWatched ?? 0, balance: rules.trainingBalance
        )
    }
}
