import Foundation
import PrakerjaCore
import PrakerjaTesting
import Testing

@Suite struct EntropySourceTests {
    func first(_ source: EntropySource, _ purpose: EntropySource.Purpose, _ key: String...) -> UInt64 {
        var g = source.generator(purpose, key[0], key[1])
        return g.next()
    }

    @Test func aValueIsAFunctionOfSeedPurposeAndKey() {
        let a = EntropySource(seed: 21)
        let reference = first(a, .charge, "ptc_1", "1")
        #expect(first(EntropySource(seed: 21), .charge, "ptc_1", "1") == reference)
        #expect(first(EntropySource(seed: 22), .charge, "ptc_1", "1") != reference)
        #expect(first(a, .otp, "ptc_1", "1") != reference)
        #expect(first(a, .charge, "ptc_1", "2") != reference)
        #expect(first(a, .charge, "ptc_11", "") != reference)  // parts are length-prefixed
    }

    @Test func chargeIdsAndOTPsAreKeyedByTheParticipantsCounter() throws {
        let flow = PurchaseFlow(catalog: TestWorld.catalog, rules: .y2021, entropy: EntropySource(seed: 5))
        let p = ParticipantFactory(rules: .y2021).make(ParticipantDraft(videosWatched: 3), number: ParticipantNumber(ordinal: 1, epoch: 0), entropy: EntropySource(seed: 5), now: TestWorld.start)
        let course = TestWorld.catalog.courses(platform: "tokopedia", type: .selfPaced)[0]
        func create(_ participant: Participant, order: String) throws -> (Charge, Participant) {
            var ws = Workspace(now: TestWorld.start, participant: participant)
            let charge = try flow.create(&ws, request: ChargeRequest(cardNumber: participant.cardNumber, courseID: course.id, platformOrderID: order, accountID: "a"), platformID: "tokopedia")
            return (charge, ws.participant)
        }
        let (first, after1) = try create(p, order: "o1")
        // A retried transaction starts from the same rows and draws the same values.
        let (retried, _) = try create(p, order: "o1")
        #expect(retried.id == first.id && retried.otp == first.otp)
        // The next charge of the same participant gets another id, whatever its request.
        let (second, after2) = try create(after1, order: "o1")
        #expect(second.id != first.id && after2.chargesCreated == 2)
        #expect(first.id.hasPrefix("ch_") && first.id.count == 27)
    }
}
