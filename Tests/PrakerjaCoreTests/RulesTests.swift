import Foundation
import PrakerjaCore
import PrakerjaTesting
import Testing

/// Every programme rule, on the pure flows, for both rule profiles.
@Suite struct RulesTests {
    static let profiles: [RulesProfile] = [.y2021, .y2023]
    let catalog = TestWorld.catalog
    let start = TestWorld.start

    struct Fixture {
        var flow: PurchaseFlow
        var training: TrainingFlow
        var participant: Participant
        var rules: RulesProfile
    }

    func fixture(_ rules: RulesProfile, videos: Int = 3) -> Fixture {
        let p = ParticipantFactory(rules: rules).make(ParticipantDraft(videosWatched: videos), number: ParticipantNumber(ordinal: 1, epoch: 0), entropy: EntropySource(seed: 9), now: start)
        return Fixture(
            flow: PurchaseFlow(catalog: catalog, rules: rules, entropy: EntropySource(seed: 1)),
            training: TrainingFlow(catalog: catalog, rules: rules), participant: p, rules: rules
        )
    }

    var cheap: Course { catalog.courses(platform: "tokopedia", type: .selfPaced).min { $0.price < $1.price }! }

    func request(_ p: Participant, _ course: Course, account: String = "acct") -> ChargeRequest {
        ChargeRequest(cardNumber: p.cardNumber, courseID: course.id, platformOrderID: UUID().uuidString, accountID: account)
    }

    /// Creates and pays a charge at `now`; returns the workspace after payment.
    func pay(_ f: Fixture, _ p: Participant, _ course: Course, at now: Date) throws -> Workspace {
        var ws = Workspace(now: now, participant: p)
        let charge = try f.flow.create(&ws, request: request(p, course), platformID: "tokopedia")
        var pay = Workspace(now: now, participant: ws.participant, charge: charge)
        _ = try f.flow.confirm(&pay, otp: charge.otp).get()
        return pay
    }

    func code(_ body: () throws -> some Any) -> GatewayError.Code? {
        do {
            _ = try body()
            return nil
        } catch let e as GatewayError { return e.code } catch { return nil }
    }

    @Test(arguments: profiles) func balanceComesFromTheProfile(_ rules: RulesProfile) {
        #expect(fixture(rules).participant.balance == (rules.name == .y2021 ? 1_000_000 : 3_500_000))
    }

    @Test(arguments: profiles) func guidanceVideosComeFirst(_ rules: RulesProfile) {
        let f = fixture(rules, videos: 2)
        var ws = Workspace(now: start, participant: f.participant)
        #expect(code { try f.flow.create(&ws, request: request(f.participant, cheap), platformID: "tokopedia") } == .videosNotWatched)
    }

    @Test(arguments: profiles) func firstPurchaseDeadlineRevokesAndBlacklists(_ rules: RulesProfile) throws {
        let f = fixture(rules)
        let justInTime = start + rules.firstPurchaseWindow
        #expect(throws: Never.self) { _ = try pay(f, f.participant, cheap, at: justInTime) }
        var ws = Workspace(now: justInTime + 1, participant: f.participant)
        #expect(code { try f.flow.create(&ws, request: request(f.participant, cheap), platformID: "tokopedia") } == .firstPurchaseDeadlinePassed)
        Eligibility.applyDeadlines(&ws, rules: rules)
        #expect(ws.participant.status == .revoked && ws.participant.balance == 0)
        #expect(ws.blacklistedNIK == f.participant.nik)
        #expect(ws.ledger.map(\.kind) == [.forfeit])
    }

    @Test(arguments: profiles) func oneTrainingAtATimeUntilRated(_ rules: RulesProfile) throws {
        let f = fixture(rules)
        let paid = try pay(f, f.participant, cheap, at: start)
        var p = paid.participant
        var ws = Workspace(now: start, participant: p)
        #expect(code { try f.flow.create(&ws, request: request(p, cheap), platformID: "tokopedia") } == .previousTrainingUnfinished)
        // Redeem, complete and rate; then buying is allowed again.
        var v = Workspace(now: start, participant: p, charge: paid.charge, voucher: paid.voucher)
        let provider = catalog.provider(cheap.providerID)!
        #expect(code { try f.training.rate(&v, rating: 5) } == .trainingNotCompleted)
        #expect(code { try f.training.complete(&v) } == .trainingNotRedeemed)
        _ = try f.training.commit(&v, provider: provider, sequence: 1)
        _ = try f.training.complete(&v)
        _ = try f.training.rate(&v, rating: 4)
        #expect(code { try f.training.rate(&v, rating: 4) } == .trainingAlreadyRated)
        p = v.participant
        #expect(p.openVoucherCode == nil && p.completedTrainings == 1)
        #expect(p.incentiveTotal == (rules.name == .y2021 ? 2_400_000 : 600_000))
        #expect(throws: Never.self) { _ = try pay(f, p, cheap, at: start + 86_400) }
    }

    @Test(arguments: profiles) func nextPurchaseWindowOnlyIn2023(_ rules: RulesProfile) throws {
        let f = fixture(rules)
        var p = f.participant
        p.lastCompletedAt = start
        p.firstPurchaseAt = start
        let late = start + 16 * 86_400
        var ws = Workspace(now: late, participant: p)
        let result = code { try f.flow.create(&ws, request: request(p, cheap), platformID: "tokopedia") }
        #expect(result == (rules.name == .y2023 ? .nextPurchaseDeadlinePassed : nil))
    }

    @Test(arguments: profiles) func priceMustFitTheBalance(_ rules: RulesProfile) {
        var f = fixture(rules)
        f.participant.balance = cheap.price - 1
        var ws = Workspace(now: start, participant: f.participant)
        #expect(code { try f.flow.create(&ws, request: request(f.participant, cheap), platformID: "tokopedia") } == .insufficientBalance)
        f.participant.balance = cheap.price
        #expect(throws: Never.self) { _ = try pay(f, f.participant, cheap, at: start) }
    }

    @Test(arguments: profiles) func accountAndCardBindOneToOne(_ rules: RulesProfile) {
        let f = fixture(rules)
        var ws = Workspace(now: start, participant: f.participant)
        ws.accountOwnerCard = "5000000000000000"
        #expect(code { try f.flow.create(&ws, request: request(f.participant, cheap), platformID: "tokopedia") } == .accountBoundToOtherCard)
        ws.accountOwnerCard = nil
        ws.cardAccount = "another-account"
        #expect(code { try f.flow.create(&ws, request: request(f.participant, cheap), platformID: "tokopedia") } == .cardBoundToOtherAccount)
        ws.cardAccount = "acct"
        ws.accountOwnerCard = f.participant.cardNumber
        #expect(throws: Never.self) { _ = try f.flow.create(&ws, request: request(f.participant, cheap), platformID: "tokopedia") }
        #expect(ws.newBinding == nil)  // already bound to this very account
    }

    @Test(arguments: profiles) func courseMustBeSoldOnThePlatform(_ rules: RulesProfile) {
        let f = fixture(rules)
        let course = catalog.courses.first { !$0.platforms.contains("tokopedia") }!
        var ws = Workspace(now: start, participant: f.participant)
        #expect(code { try f.flow.create(&ws, request: request(f.participant, course), platformID: "tokopedia") } == .courseNotSoldOnPlatform)
        #expect(code { try f.flow.create(&ws, request: request(f.participant, cheap), platformID: "tokopedia") } == nil)
    }

    @Test(arguments: profiles) func manuallyRevokedParticipantCannotBuy(_ rules: RulesProfile) {
        var f = fixture(rules)
        f.participant.status = .revoked
        f.participant.revocationReason = .manual
        var ws = Workspace(now: start, participant: f.participant)
        #expect(code { try f.flow.create(&ws, request: request(f.participant, cheap), platformID: "tokopedia") } == .participantRevoked)
    }
}

@Suite struct OTPTests {
    let catalog = TestWorld.catalog
    let start = TestWorld.start
    let flow = PurchaseFlow(catalog: TestWorld.catalog, rules: .y2021, entropy: EntropySource(seed: 3))

    func created() throws -> (Participant, Charge) {
        let p = ParticipantFactory(rules: .y2021).make(ParticipantDraft(videosWatched: 3), number: ParticipantNumber(ordinal: 1, epoch: 0), entropy: EntropySource(seed: 4), now: start)
        let course = catalog.courses(platform: "tokopedia", type: .selfPaced)[0]
        var ws = Workspace(now: start, participant: p)
        let charge = try flow.create(&ws, request: ChargeRequest(cardNumber: p.cardNumber, courseID: course.id, platformOrderID: "o", accountID: "a"), platformID: "tokopedia")
        #expect(charge.otp.count == 6 && charge.otpExpiresAt == start + 300)
        #expect(ws.outbox.count == 1 && ws.outbox[0].channel == .sms && ws.outbox[0].body.contains(charge.otp))
        return (ws.participant, charge)
    }

    @Test func otpExpiresAfterFiveMinutes() throws {
        let (p, charge) = try created()
        var ws = Workspace(now: start + 300, participant: p, charge: charge)
        #expect(try flow.confirm(&ws, otp: charge.otp) == .failure(GatewayError(.otpExpired)))
        var early = Workspace(now: start + 299, participant: p, charge: charge)
        #expect((try? flow.confirm(&early, otp: charge.otp).get())?.status == .paid)
    }

    @Test func resendIsThrottledAndReplacesTheOTP() throws {
        let (p, charge) = try created()
        var ws = Workspace(now: start + 30, participant: p, charge: charge)
        #expect(throws: GatewayError.self) { try flow.resendOTP(&ws) }
        var later = Workspace(now: start + 60, participant: p, charge: charge)
        let resent = try flow.resendOTP(&later)
        #expect(resent.otpSends == 2 && resent.otpExpiresAt == start + 360)
        var old = Workspace(now: start + 61, participant: later.participant, charge: resent)
        if resent.otp != charge.otp {
            #expect(try flow.confirm(&old, otp: charge.otp) == .failure(GatewayError(.otpInvalid, details: ["attempts_remaining": "2"])))
        }
    }

    @Test func dailyOTPCapResetsOnTheNextJakartaDay() throws {
        var (p, charge) = try created()
        var now = start
        for _ in 1..<PaymentPolicy().otpDailyLimit {
            now += 60
            var ws = Workspace(now: now, participant: p, charge: charge)
            charge = try flow.resendOTP(&ws)
            p = ws.participant
        }
        now += 60
        var capped = Workspace(now: now, participant: p, charge: charge)
        #expect(throws: GatewayError(.otpDailyLimit, details: ["limit": "5"])) { try flow.resendOTP(&capped) }
        // 2021-10-15 08:00 WIB + 16 h = 2021-10-16 00:00 WIB: a new day, but the charge itself has expired by then.
        var nextDay = Workspace(now: start + 16 * 3600, participant: p, charge: charge)
        #expect(throws: GatewayError(.chargeExpired)) { try flow.resendOTP(&nextDay) }
        #expect(Jakarta.dayNumber(start + 16 * 3600) == Jakarta.dayNumber(start) + 1)
        #expect(Jakarta.dayNumber(start + 16 * 3600 - 1) == Jakarta.dayNumber(start))
    }

    @Test func unpaidChargeExpiresAndHoldsNothing() throws {
        let (p, charge) = try created()
        var ws = Workspace(now: start + PaymentPolicy().chargeTTL, participant: p, charge: charge)
        #expect(try flow.confirm(&ws, otp: charge.otp) == .failure(GatewayError(.chargeExpired)))
        #expect(ws.charge?.status == .expired && ws.participant.balance == p.balance && ws.ledger.isEmpty)
    }

    @Test func confirmingAPaidChargeAgainReturnsTheSameVoucher() throws {
        let (p, charge) = try created()
        var ws = Workspace(now: start + 10, participant: p, charge: charge)
        let paid = try flow.confirm(&ws, otp: charge.otp).get()
        var again = Workspace(now: start + 20, participant: ws.participant, charge: paid, voucher: ws.voucher)
        #expect(try flow.confirm(&again, otp: charge.otp).get() == paid)
        #expect(again.ledger.isEmpty && again.voucherIsNew == false)
        #expect(throws: GatewayError.self) { try flow.confirm(&again, otp: charge.otp == "123456" ? "654321" : "123456") }
    }
}
