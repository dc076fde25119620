import Foundation
import PrakerjaCore
import Testing

@Suite struct ParticipantFactoryTests {
    let now = Date(timeIntervalSince1970: 1_634_259_600)

    @Test func populationIsDeterministicWithUniqueCardsAndNIKs() {
        let factory = ParticipantFactory(rules: .y2021)
        let a = factory.population(count: 5000, entropy: EntropySource(seed: 21), now: now)
        #expect(a == factory.population(count: 5000, entropy: EntropySource(seed: 21), now: now))
        #expect(a != factory.population(count: 5000, entropy: EntropySource(seed: 22), now: now))
        // Member i does not depend on how many were made: a bigger population starts with the same people.
        #expect(Array(factory.population(count: 6000, entropy: EntropySource(seed: 21), now: now).prefix(5000)) == a)
        #expect(Set(a.map(\.cardNumber)).count == 5000 && Set(a.map(\.nik)).count == 5000 && Set(a.map(\.id)).count == 5000)
        #expect(a.allSatisfy { $0.cardNumber.count == 16 && $0.nik.count == 16 && $0.balance == 1_000_000 })
        #expect(a.allSatisfy { now.timeIntervalSince($0.acceptedAt) <= 20 * 86_400 })
        let watched = a.filter { $0.videosWatched == 3 }.count
        #expect((3600...4400).contains(watched))  // about 80 %
    }

    @Test func draftFieldsWinAndTheRestIsValid() throws {
        let draft = ParticipantDraft(nik: "3174010101900001", cardNumber: "5000000000000042", videosWatched: 2, acceptedDaysAgo: 3)
        try draft.validate(rules: .y2021)
        let p = ParticipantFactory(rules: .y2023).make(draft, number: ParticipantNumber(ordinal: 5001, epoch: 0), entropy: EntropySource(seed: 1), now: now)
        #expect(p.nik == draft.nik && p.cardNumber == draft.cardNumber && p.videosWatched == 2)
        #expect(p.acceptedAt == now - 3 * 86_400 && p.balance == 3_500_000)
        #expect(p.phone.hasPrefix("08") && p.email.contains("@"))
        #expect(throws: GatewayError.self) { try ParticipantDraft(cardNumber: "50000000000000ab").validate(rules: .y2021) }
        #expect(throws: GatewayError.self) { try ParticipantDraft(videosWatched: 4).validate(rules: .y2021) }
    }

    @Test func participantsMadeFromLaterOrdinalsNeverRepeatThePopulation() {
        let factory = ParticipantFactory(rules: .y2021)
        let entropy = EntropySource(seed: 21)
        let population = factory.population(count: 2000, entropy: entropy, now: now)
        let later = (2001...4000).map { factory.make(ParticipantDraft(), number: ParticipantNumber(ordinal: $0, epoch: 0), entropy: entropy, now: now) }
        let all = population + later
        #expect(Set(all.map(\.cardNumber)).count == all.count && Set(all.map(\.id)).count == all.count && Set(all.map(\.nik)).count == all.count)
        // The same ordinal gives the same person, whatever process or restart asks.
        #expect(factory.make(ParticipantDraft(), number: ParticipantNumber(ordinal: 2001, epoch: 0), entropy: entropy, now: now) == later[0])
    }

    @Test func aNewEpochMakesTheSamePeopleUnderNewIds() {
        let factory = ParticipantFactory(rules: .y2021)
        let entropy = EntropySource(seed: 21)
        let before = factory.population(count: 50, epoch: 0, entropy: entropy, now: now)
        let after = factory.population(count: 50, epoch: 1, entropy: entropy, now: now)
        #expect(before.map(\.cardNumber) == after.map(\.cardNumber) && before.map(\.name) == after.map(\.name))
        #expect(Set(before.map(\.id)).isDisjoint(with: after.map(\.id)))
    }
}
