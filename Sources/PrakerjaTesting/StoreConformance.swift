import Foundation
import PrakerjaCore

/// The behaviour every ``GatewayStore`` must show, as named checks: a backend's test runs each one
/// (`@Test(arguments: StoreConformance.checks)`) against fresh stores of that backend.
package enum StoreConformance {
    package struct Check: Sendable, CustomStringConvertible {
        package let name: String
        package let run: @Sendable (any GatewayStore) async throws -> Void
        package var description: String { name }
    }

    package static let checks: [Check] = [
        Check(name: "participants round-trip; a bad batch inserts none", run: participantsRoundTrip),
        Check(name: "a purchase writes charge, voucher, ledger, outbox and timeline", run: purchaseWritesEverything),
        Check(name: "a refused command writes nothing", run: refusedCommandWritesNothing),
        Check(name: "a wrong OTP is counted and locks at three", run: wrongOTPIsCounted),
        Check(name: "a platform order id is used once", run: duplicateOrderRefused),
        Check(name: "one account binds one card, both ways", run: bindingsEnforced),
        Check(name: "idempotency keys: proceed, in flight, replay, mismatch, per platform", run: idempotencyLifecycle),
        Check(name: "200 concurrent confirms of one charge debit once", run: concurrentConfirms),
        Check(name: "200 concurrent charges for different courses pay once", run: concurrentChargesPayOnce),
        Check(name: "cancellation refunds exactly once", run: cancellationRefundsOnce),
        Check(name: "clock offset persists; reset empties the store", run: clockAndReset),
        Check(name: "outbox filters by recipient and position", run: outboxFilters),
        Check(name: "the deadline sweep revokes, forfeits and blacklists", run: deadlineSweep),
    ]

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw TestFailure(message()) }
    }

    static func expectCode(_ code: GatewayError.Code, _ body: () async throws -> some Any) async throws {
        let got = await gatewayErrorCode(body)
        try expect(got == code, "expected \(code.rawValue), got \(got?.rawValue ?? "no error")")
    }

    // MARK: Checks

    static func participantsRoundTrip(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let p = try await world.participant()
        try expect(try await store.participant(card: p.cardNumber) == p, "participant does not round-trip")
        var twin = try await world.participant()
        let fresh = try await world.participant()
        try await store.reset()
        // A batch with a duplicate card inserts nothing.
        twin.cardNumber = p.cardNumber
        try await expectCode(.duplicateParticipant) { try await store.insertParticipants([p, twin]) }
        try expect(try await store.participantCount() == 0, "a failed batch left rows behind")
        try await store.insertParticipants([p, fresh])
        try expect(try await store.participantCount() == 2, "batch insert count")
        let page = try await store.participants(offset: 1, limit: 10)
        try expect(page.map(\.id) == [fresh.id], "paging by insertion order")
    }

    static func purchaseWritesEverything(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let p = try await world.participant()
        let course = world.courses()[0]
        let (charge, voucher) = try await world.buy(p, course: course)
        try expect(charge.status == .paid && charge.voucherCode == voucher.code, "charge not paid with its voucher")
        try expect(try await store.charge(id: charge.id) == charge, "charge not stored as returned")
        try expect(try await store.voucher(.code(voucher.code)) == voucher, "voucher by code")
        try expect(try await store.voucher(.redeemCode(voucher.redeemCode)) == voucher, "voucher by redeem code")
        try expect(try await store.vouchers(participantID: p.id) == [voucher], "vouchers of participant")
        let after = try await store.participant(card: p.cardNumber)!
        try expect(after.balance == p.balance - course.price, "balance not debited by the price")
        try expect(after.openVoucherCode == voucher.code && after.firstPurchaseAt != nil, "training in progress not recorded")
        let ledger = try await store.ledger(participantID: p.id)
        try expect(ledger.count == 1 && ledger[0].kind == .debit && ledger[0].amount == course.price && ledger[0].balanceAfter == after.balance, "ledger: \(ledger)")
        let sms = try await store.outbox(channel: .sms, recipient: p.phone, afterID: 0, limit: 10)
        let mail = try await store.outbox(channel: .email, recipient: p.email, afterID: 0, limit: 10)
        try expect(sms.count == 1 && mail.count == 1 && mail[0].body.contains(voucher.code), "outbox: \(sms.count) SMS, \(mail.count) e-mails")
        let events = try await store.chargeEvents(chargeID: charge.id).map(\.kind)
        try expect(events == ["created", "otp_sent", "paid", "voucher_issued", "voucher_emailed"], "timeline \(events)")
        let audit = try await store.audit()
        try expect(audit.ok && audit.paidCharges == 1 && audit.vouchers == 1 && audit.totalDebited == course.price, "audit \(audit)")
    }

    static func refusedCommandWritesNothing(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let p = try await world.participant(videos: 0)
        try await expectCode(.videosNotWatched) {
            try await world.gateway.createCharge(platform: world.platform(), request: world.request(p, course: world.courses()[0]))
        }
        try expect(try await store.participant(card: p.cardNumber) == p, "a refused charge changed the participant")
        try expect(try await store.outbox(channel: .sms, recipient: nil, afterID: 0, limit: 10).isEmpty, "a refused charge sent an SMS")
        try expect(try await store.audit().paidCharges == 0, "charges appeared")
    }

    static func wrongOTPIsCounted(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let p = try await world.participant()
        let charge = try await world.gateway.createCharge(platform: world.platform(), request: world.request(p, course: world.courses()[0]))
        let right = try await world.otp(charge)
        let wrong = right == "000000" ? "111111" : "000000"
        try await expectCode(.otpInvalid) { try await world.gateway.confirmCharge(platform: world.platform(), chargeID: charge.id, otp: wrong) }
        try expect(try await store.charge(id: charge.id)?.otpAttempts == 1, "attempt not counted")
        try await expectCode(.otpInvalid) { try await world.gateway.confirmCharge(platform: world.platform(), chargeID: charge.id, otp: wrong) }
        try await expectCode(.otpLocked) { try await world.gateway.confirmCharge(platform: world.platform(), chargeID: charge.id, otp: wrong) }
        try await expectCode(.otpLocked) { try await world.gateway.confirmCharge(platform: world.platform(), chargeID: charge.id, otp: right) }
        try expect(try await store.charge(id: charge.id)?.status == .locked, "charge not locked")
        try expect(try await store.participant(card: p.cardNumber)?.balance == p.balance, "a locked charge moved money")
    }

    static func duplicateOrderRefused(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let a = try await world.participant()
        let course = world.courses()[0]
        _ = try await world.gateway.createCharge(platform: world.platform(), request: world.request(a, course: course, order: "ORD-1"))
        try await expectCode(.duplicateOrder) {
            try await world.gateway.createCharge(platform: world.platform(), request: world.request(a, course: course, order: "ORD-1"))
        }
        // The same order id on another platform is another order.
        let other = world.catalog.platforms.first { $0.id != "tokopedia" && course.platforms.contains($0.id) }
        if let other {
            _ = try await world.gateway.createCharge(platform: other, request: world.request(a, course: course, order: "ORD-1"))
        }
    }

    static func bindingsEnforced(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let a = try await world.participant()
        let b = try await world.participant()
        let course = world.courses()[0]
        _ = try await world.gateway.createCharge(platform: world.platform(), request: world.request(a, course: course, account: "shared"))
        try await expectCode(.accountBoundToOtherCard) {
            try await world.gateway.createCharge(platform: world.platform(), request: world.request(b, course: course, account: "shared"))
        }
        try await expectCode(.cardBoundToOtherAccount) {
            try await world.gateway.createCharge(platform: world.platform(), request: world.request(a, course: course, account: "second"))
        }
        // Bindings are per platform.
        if let other = world.catalog.platforms.first(where: { $0.id != "tokopedia" && course.platforms.contains($0.id) }) {
            _ = try await world.gateway.createCharge(platform: other, request: world.request(b, course: course, account: "shared"))
        }
    }

    static func idempotencyLifecycle(_ store: any GatewayStore) async throws {
        let now = TestWorld.start
        try expect(try await store.beginIdempotent(platformID: "tokopedia", key: "k1", fingerprint: "f1", now: now) == .proceed, "first use")
        try expect(try await store.beginIdempotent(platformID: "tokopedia", key: "k1", fingerprint: "f1", now: now) == .inFlight, "in flight")
        try expect(try await store.beginIdempotent(platformID: "bukalapak", key: "k1", fingerprint: "f9", now: now) == .proceed, "keys are per platform")
        let stored = StoredResponse(status: 201, body: Array(#"{"id":"x"}"#.utf8))
        try await store.completeIdempotent(platformID: "tokopedia", key: "k1", response: stored)
        try expect(try await store.beginIdempotent(platformID: "tokopedia", key: "k1", fingerprint: "f1", now: now) == .replay(stored), "replay")
        try expect(try await store.beginIdempotent(platformID: "tokopedia", key: "k1", fingerprint: "f2", now: now) == .mismatch, "mismatch")
        try await store.abandonIdempotent(platformID: "bukalapak", key: "k1")
        try expect(try await store.beginIdempotent(platformID: "bukalapak", key: "k1", fingerprint: "f3", now: now) == .proceed, "abandoned key is free")
        try await store.abandonIdempotent(platformID: "tokopedia", key: "k1")
        try expect(try await store.beginIdempotent(platformID: "tokopedia", key: "k1", fingerprint: "f1", now: now) == .replay(stored), "a completed key cannot be abandoned")
    }

    static func concurrentConfirms(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let p = try await world.participant()
        let course = world.courses()[0]
        let charge = try await world.gateway.createCharge(platform: world.platform(), request: world.request(p, course: course))
        let otp = try await world.otp(charge)
        let vouchers = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<200 {
                group.addTask { try await world.gateway.confirmCharge(platform: world.platform(), chargeID: charge.id, otp: otp).1?.code }
            }
            var codes: [String?] = []
            for try await code in group { codes.append(code) }
            return codes
        }
        try expect(Set(vouchers).count == 1 && vouchers[0] != nil, "confirms returned \(Set(vouchers).count) different vouchers")
        let ledger = try await store.ledger(participantID: p.id)
        try expect(ledger.filter { $0.kind == .debit }.count == 1, "\(ledger.count) ledger entries for one charge")
        try expect(try await store.participant(card: p.cardNumber)?.balance == p.balance - course.price, "balance")
        try expect(try await store.audit().ok, "audit")
    }

    static func concurrentChargesPayOnce(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let p = try await world.participant()
        let courses = world.courses(type: nil)
        // 200 charges for different courses (cycling through those on sale), created concurrently.
        let charges = try await withThrowingTaskGroup(of: Charge?.self) { group in
            for i in 0..<200 {
                group.addTask {
                    let course = courses[i % courses.count]
                    do {
                        return try await world.gateway.createCharge(platform: world.platform(), request: world.request(p, course: course))
                    } catch let e as GatewayError where e.code == .otpDailyLimit {
                        return nil
                    }
                }
            }
            var all: [Charge] = []
            for try await c in group { if let c { all.append(c) } }
            return all
        }
        // The daily OTP cap lets only a few through; pay them all at once.
        try expect(charges.count == PaymentPolicy().otpDailyLimit, "\(charges.count) charges got an OTP; the cap is \(PaymentPolicy().otpDailyLimit)")
        var otps: [String: String] = [:]
        for c in charges { otps[c.id] = try await world.otp(c) }
        let codes = otps
        let outcomes = await withTaskGroup(of: GatewayError.Code?.self) { group in
            for c in charges {
                for _ in 0..<40 {
                    group.addTask { await gatewayErrorCode { try await world.gateway.confirmCharge(platform: world.platform(), chargeID: c.id, otp: codes[c.id]!) } }
                }
            }
            var all: [GatewayError.Code?] = []
            for await o in group { all.append(o) }
            return all
        }
        try expect(outcomes.count >= 200, "fewer than 200 confirms fired")
        try expect(Set(outcomes.compactMap { $0 }).isSubset(of: [.previousTrainingUnfinished, .insufficientBalance]), "unexpected errors \(Set(outcomes.compactMap { $0 }))")
        let after = try await store.participant(card: p.cardNumber)!
        let ledger = try await store.ledger(participantID: p.id)
        let debits = ledger.filter { $0.kind == .debit }
        try expect(debits.count == 1, "\(debits.count) debits")
        try expect(after.balance >= 0 && p.balance - after.balance == debits.map(\.amount).reduce(0, +), "sum(debits) ≠ initial − current")
        try expect(try await store.audit().ok, "audit")
    }

    static func cancellationRefundsOnce(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let p = try await world.participant()
        let (_, voucher) = try await world.buy(p, course: world.courses()[0])
        let results = await withTaskGroup(of: GatewayError.Code?.self) { group in
            for i in 0..<20 {
                group.addTask { await gatewayErrorCode { try await world.gateway.cancelVoucher(voucherCode: voucher.code, transaction: i % 2 == 0) } }
            }
            var all: [GatewayError.Code?] = []
            for await r in group { all.append(r) }
            return all
        }
        try expect(results.filter { $0 == nil }.count == 1, "\(results.filter { $0 == nil }.count) cancellations succeeded")
        try expect(try await store.participant(card: p.cardNumber)?.balance == p.balance, "refund did not restore the balance")
        try expect(try await store.participant(card: p.cardNumber)?.openVoucherCode == nil, "cancelled training still open")
        let audit = try await store.audit()
        try expect(audit.ok && audit.refundedCharges == 1 && audit.totalRefunded == voucher.amount, "audit \(audit)")
    }

    static func clockAndReset(_ store: any GatewayStore) async throws {
        try expect(try await store.clockOffset() == nil, "fresh store has a clock offset")
        try await store.saveClockOffset(1234.5)
        try expect(try await store.clockOffset() == 1234.5, "clock offset")
        let world = try await TestWorld(store: store)
        _ = try await world.buy(try await world.participant(), course: world.courses()[0])
        try await store.reset()
        let count = try await store.participantCount()
        let offset = try await store.clockOffset()
        try expect(count == 0 && offset == nil, "reset left state")
        let audit = try await store.audit()
        try expect(audit.paidCharges == 0 && audit.vouchers == 0 && audit.totalDebited == 0, "reset left money")
    }

    static func outboxFilters(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let a = try await world.participant()
        let b = try await world.participant()
        let course = world.courses()[0]
        for p in [a, b, a] {
            _ = try? await world.gateway.createCharge(platform: world.platform(), request: world.request(p, course: course))
        }
        let all = try await store.outbox(channel: .sms, recipient: nil, afterID: 0, limit: 100)
        try expect(all.count == 3 && all.compactMap(\.id) == all.compactMap(\.id).sorted(), "all SMS in order")
        let toA = try await store.outbox(channel: .sms, recipient: a.phone, afterID: 0, limit: 100)
        try expect(toA.count == 2 && toA.allSatisfy { $0.recipient == a.phone }, "SMS to a")
        let later = try await store.outbox(channel: .sms, recipient: a.phone, afterID: toA[0].id!, limit: 100)
        try expect(later.map(\.id) == [toA[1].id], "after id")
        try expect(try await store.outbox(channel: .email, recipient: nil, afterID: 0, limit: 100).isEmpty, "no e-mail before payment")
    }

    static func deadlineSweep(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let late = try await world.participant(acceptedDaysAgo: 29)
        let buyer = try await world.participant(acceptedDaysAgo: 29)
        _ = try await world.buy(buyer, course: world.courses()[0])
        try expect(try await store.overdueParticipantCards(acceptedBefore: world.gateway.clock.now() - 30 * 86_400).isEmpty, "nobody overdue yet")
        _ = try await world.gateway.advanceClock(by: 2 * 86_400)
        let revoked = try await store.participant(card: late.cardNumber)!
        try expect(revoked.status == .revoked && revoked.balance == 0 && revoked.revocationReason == .firstPurchaseDeadline, "not revoked: \(revoked)")
        try expect(try await store.isBlacklisted(nik: late.nik), "not blacklisted")
        try expect(try await store.participant(card: buyer.cardNumber)?.status == .active, "a buyer was revoked")
        let audit = try await store.audit()
        try expect(audit.ok && audit.totalForfeited == late.balance, "audit \(audit)")
        var again = late
        again.id = "ptc_again"
        again.cardNumber = "5999999999999999"
        try await expectCode(.blacklisted) { try await store.insertParticipants([again]) }
    }
}
