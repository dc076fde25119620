import Foundation
import PrakerjaCore

/// The behaviour every ``GatewayStore`` must show, as named checks: a backend's test runs each one
/// (`@Test(arguments: StoreConformance.checks)`) against fresh stores of that backend.
package enum StoreConformance {
    package typealias Check = ConformanceCheck<any GatewayStore>

    package static let checks: [Check] = [
        Check(name: "participants round-trip; a bad batch inserts none and uses up no number", run: participantsRoundTrip),
        Check(name: "a purchase writes charge, voucher, ledger, outbox and timeline", run: purchaseWritesEverything),
        Check(name: "a refused command writes nothing", run: refusedCommandWritesNothing),
        Check(name: "a wrong OTP is counted and locks at three", run: wrongOTPIsCounted),
        Check(name: "a platform order id is used once", run: duplicateOrderRefused),
        Check(name: "one account binds one card, both ways", run: bindingsEnforced),
        Check(name: "idempotency keys commit with their command: run, replay, mismatch, per platform, kept refusals", run: idempotencyKeysCommitWithTheCommand),
        Check(name: "200 concurrent confirms of one charge debit once", run: concurrentConfirms),
        Check(name: "200 concurrent charges for different courses pay once", run: concurrentChargesPayOnce),
        Check(name: "the daily OTP cap holds under 40 concurrent charges", run: dailyOTPCapUnderConcurrency),
        Check(name: "cancellation refunds exactly once", run: cancellationRefundsOnce),
        Check(name: "clock offset persists; reset empties the store", run: clockAndReset),
        Check(name: "outbox filters by recipient and position", run: outboxFilters),
        Check(name: "the deadline sweep revokes, forfeits and blacklists", run: deadlineSweep),
        Check(name: "deliveries: due order, one recording per attempt, redelivery, webhook endpoints", run: deliveryBookkeeping),
        Check(name: "console reads: messages and charges by any key, the change mark, counts", run: consoleReads),
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
        // A batch with a duplicate card inserts nothing and uses up no number of the sequence.
        twin.cardNumber = p.cardNumber
        let duplicate = twin
        try await expectCode(.duplicateParticipant) { try await store.insertParticipants(count: 2, onlyIntoEmptyStore: false) { $0.ordinal == 1 ? p : duplicate } }
        try expect(try await store.participantCount() == 0, "a failed batch left rows behind")
        let made = try await store.insertParticipants(count: 2, onlyIntoEmptyStore: true) { number in
            var q = number.ordinal == 1 ? p : fresh
            q.name = "ordinal \(number.ordinal)"
            return q
        }
        try expect(made.map(\.name) == ["ordinal 1", "ordinal 2"], "a failed batch used up numbers: \(made.map(\.name))")
        try expect(try await store.participantCount() == 2, "batch insert count")
        let page = try await store.participants(offset: 1, limit: 10)
        try expect(page.map(\.id) == [fresh.id], "paging by insertion order")
        // The sequence goes on from where it was, never handing a number out twice.
        let next = try await store.insertParticipants(count: 1, onlyIntoEmptyStore: false) { number in
            var q = fresh
            (q.id, q.nik, q.cardNumber, q.name) = ("ptc_next", "3100000000000003", "5100000000000003", "ordinal \(number.ordinal)")
            return q
        }
        try expect(next.map(\.name) == ["ordinal 3"], "the sequence restarted: \(next.map(\.name))")
        // Into a store that has participants, a population is not inserted again.
        try expect(try await store.insertParticipants(count: 5, onlyIntoEmptyStore: true) { _ in fresh }.isEmpty, "populated twice")
        try expect(try await store.participantCount() == 3, "count after a refused population")
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
        // The voucher e-mail is queued with the payment (the outbox) and sent by the delivery engine.
        try expect(try await store.outbox(channel: .email, recipient: p.email, afterID: 0, limit: 10).isEmpty, "e-mailed before delivery")
        let queued = try await store.deliveries(chargeID: charge.id)
        try expect(queued.map(\.channel) == [.email] && queued[0].status == .pending && queued[0].eventType == .voucherIssued, "deliveries \(queued)")
        try expect(try await world.gateway.delivery.runDue() == 1, "one attempt due")
        let mail = try await store.outbox(channel: .email, recipient: p.email, afterID: 0, limit: 10)
        try expect(sms.count == 1 && mail.count == 1 && mail[0].body.contains(voucher.code), "outbox: \(sms.count) SMS, \(mail.count) e-mails")
        let sent = try await store.delivery(id: queued[0].id)
        try expect(sent?.status == .delivered && sent?.attempts == 1 && sent?.nextAttemptAt == nil, "delivery after sending: \(String(describing: sent))")
        try expect(try await store.deliveryAttempts(deliveryID: queued[0].id).map(\.result) == [.delivered], "attempts")
        try expect(try await world.gateway.delivery.runDue() == 0, "a delivered e-mail was sent again")
        let events = try await store.chargeEvents(chargeID: charge.id).map(\.kind)
        try expect(events == ["created", "otp_sent", "paid", "voucher_issued", "email_queued", "voucher_emailed"], "timeline \(events)")
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
        let course = try sharedCourse(world)
        _ = try await world.gateway.createCharge(platform: world.platform(), request: world.request(a, course: course, order: "ORD-1"))
        try await expectCode(.duplicateOrder) {
            try await world.gateway.createCharge(platform: world.platform(), request: world.request(a, course: course, order: "ORD-1"))
        }
        // The same order id on another platform is another order.
        let other = try otherPlatform(course)
        let elsewhere = try await world.gateway.createCharge(platform: other, request: world.request(a, course: course, order: "ORD-1"))
        try expect(elsewhere.platformOrderID == "ORD-1" && elsewhere.platformID == other.id, "the same order id on \(other.id)")
    }

    static func bindingsEnforced(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let a = try await world.participant()
        let b = try await world.participant()
        let course = try sharedCourse(world)
        _ = try await world.gateway.createCharge(platform: world.platform(), request: world.request(a, course: course, account: "shared"))
        try await expectCode(.accountBoundToOtherCard) {
            try await world.gateway.createCharge(platform: world.platform(), request: world.request(b, course: course, account: "shared"))
        }
        try await expectCode(.cardBoundToOtherAccount) {
            try await world.gateway.createCharge(platform: world.platform(), request: world.request(a, course: course, account: "second"))
        }
        // Bindings are per platform.
        let other = try otherPlatform(course)
        let bound = try await world.gateway.createCharge(platform: other, request: world.request(b, course: course, account: "shared"))
        try expect(bound.cardNumber == b.cardNumber, "binding on \(other.id)")
    }

    /// A claim keeping `201 ok` for a success and `status CODE` for a refusal (none, if `keepRefusals` is off).
    package static func claim<T: Sendable>(_ platform: String, _ key: String, _ fingerprint: String, keepRefusals: Bool = true) -> IdempotencyClaim<T> {
        IdempotencyClaim(platformID: platform, key: key, fingerprint: fingerprint) { outcome in
            switch outcome {
            case .success: StoredResponse(status: 201, body: Array("ok".utf8))
            case .failure(let e): keepRefusals ? StoredResponse(status: e.httpStatus, body: Array(e.code.rawValue.utf8)) : nil
            }
        }
    }

    static func idempotencyKeysCommitWithTheCommand(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let g = world.gateway
        let p = try await world.participant()
        let course = try sharedCourse(world)
        let request = world.request(p, course: course)
        let ok = StoredResponse(status: 201, body: Array("ok".utf8))
        let smsCount = { try await store.outbox(channel: .sms, recipient: nil, afterID: 0, limit: 1000).count }

        guard case .ran(let charge, let kept) = try await g.createCharge(platform: world.platform(), request: request, idempotency: claim("tokopedia", "k1", "f1")) else {
            throw TestFailure("a fresh key was replayed")
        }
        try expect(kept == ok, "the response was not kept with the command")
        guard case .replay(let replayed) = try await g.createCharge(platform: world.platform(), request: request, idempotency: claim("tokopedia", "k1", "f1")) else {
            throw TestFailure("a used key ran its command again")
        }
        let sent = try await smsCount()
        try expect(replayed == ok && sent == 1, "a replay must send the kept response and run nothing")
        try await expectCode(.idempotencyKeyReused) {
            try await g.createCharge(platform: world.platform(), request: request, idempotency: claim("tokopedia", "k1", "f2"))
        }
        try expect(try await smsCount() == 1, "a mismatched key ran its command")
        // Keys are per platform: the same key on another platform is another key.
        let other = try otherPlatform(course).id
        var elsewhere = world.request(p, course: course)
        elsewhere.accountID = "acct-other"
        guard case .ran = try await g.createCharge(platform: world.platform(other), request: elsewhere, idempotency: claim(other, "k1", "f1")) else {
            throw TestFailure("a key of tokopedia was replayed on \(other)")
        }

        // A kept refusal that changed state (a wrong OTP counts an attempt) commits once and is replayed.
        let right = try await world.otp(charge)
        let wrong = right == "000000" ? "111111" : "000000"
        try await expectCode(.otpInvalid) {
            try await g.confirmCharge(platform: world.platform(), chargeID: charge.id, otp: wrong, idempotency: claim("tokopedia", "c1", "w"))
        }
        guard case .replay(let refusal) = try await g.confirmCharge(platform: world.platform(), chargeID: charge.id, otp: wrong, idempotency: claim("tokopedia", "c1", "w")) else {
            throw TestFailure("a kept refusal was not replayed")
        }
        try expect(refusal.status == GatewayError(.otpInvalid).httpStatus && refusal.body == Array("OTP_INVALID".utf8), "kept refusal \(refusal)")
        try expect(try await store.charge(id: charge.id)?.otpAttempts == 1, "a replayed refusal counted another attempt")
        // A refusal that is not kept still commits what it changed, and leaves the key free.
        try await expectCode(.otpInvalid) {
            try await g.confirmCharge(platform: world.platform(), chargeID: charge.id, otp: wrong, idempotency: claim("tokopedia", "c2", "w", keepRefusals: false))
        }
        try expect(try await store.charge(id: charge.id)?.otpAttempts == 2, "the attempt of an unkept refusal was lost")
        guard case .ran(let paid, let keptPaid) = try await g.confirmCharge(platform: world.platform(), chargeID: charge.id, otp: right, idempotency: claim("tokopedia", "c2", "w")) else {
            throw TestFailure("an unkept refusal's key was not free")
        }
        try expect(paid.0.status == .paid && keptPaid == ok, "payment under a freed key")
        // A plain refusal (nothing changed) under a claim keeps its response and writes nothing else.
        let before = try await store.participant(card: p.cardNumber)
        try await expectCode(.unknownCharge) {
            try await g.confirmCharge(platform: world.platform(), chargeID: "ch_missing", otp: right, idempotency: claim("tokopedia", "c3", "x"))
        }
        guard case .replay(let missing) = try await g.confirmCharge(platform: world.platform(), chargeID: "ch_missing", otp: right, idempotency: claim("tokopedia", "c3", "x")) else {
            throw TestFailure("a kept plain refusal was not replayed")
        }
        let after = try await store.participant(card: p.cardNumber)
        try expect(missing.status == 404 && after == before, "plain refusal")
        try expect(try await store.audit().ok, "audit")
    }

    static func otherPlatform(_ course: Course) throws -> Platform {
        guard let id = course.platforms.first(where: { $0 != "tokopedia" }), let platform = TestWorld.catalog.platform(id) else {
            throw TestFailure("\(course.id) is sold on Tokopedia only")
        }
        return platform
    }

    /// A self-paced course on sale on Tokopedia and at least one other platform.
    static func sharedCourse(_ world: TestWorld) throws -> Course {
        guard let course = world.courses().first(where: { $0.platforms.count > 1 }) else {
            throw TestFailure("the catalog has no course on two platforms")
        }
        return course
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
        // No daily OTP cap here, so that all 200 charges exist (the cap has its own check).
        var policy = PaymentPolicy()
        policy.otpDailyLimit = 1000
        let world = try await TestWorld(store: store, policy: policy)
        let p = try await world.participant()
        let courses = world.courses(type: nil)
        // 200 charges for different courses (cycling through those on sale), created concurrently.
        let charges = try await withThrowingTaskGroup(of: Charge.self) { group in
            for i in 0..<200 {
                group.addTask {
                    try await world.gateway.createCharge(platform: world.platform(), request: world.request(p, course: courses[i % courses.count]))
                }
            }
            var all: [Charge] = []
            for try await c in group { all.append(c) }
            return all
        }
        try expect(charges.count == 200 && Set(charges.map(\.id)).count == 200, "\(Set(charges.map(\.id)).count) distinct charges of 200")
        var otps: [String: String] = [:]
        for c in charges { otps[c.id] = try await world.otp(c) }
        let codes = otps
        // Each of the 200 pending charges confirmed twice, all at once: one training may be bought.
        let outcomes = await withTaskGroup(of: GatewayError.Code?.self) { group in
            for c in charges {
                for _ in 0..<2 {
                    group.addTask { await gatewayErrorCode { try await world.gateway.confirmCharge(platform: world.platform(), chargeID: c.id, otp: codes[c.id]!) } }
                }
            }
            var all: [GatewayError.Code?] = []
            for await o in group { all.append(o) }
            return all
        }
        try expect(outcomes.filter { $0 == nil }.count == 2, "\(outcomes.filter { $0 == nil }.count) confirms succeeded; one charge, confirmed twice, should")
        try expect(Set(outcomes.compactMap { $0 }).isSubset(of: [.previousTrainingUnfinished, .insufficientBalance]), "unexpected errors \(Set(outcomes.compactMap { $0 }))")
        let after = try await store.participant(card: p.cardNumber)!
        let ledger = try await store.ledger(participantID: p.id)
        let debits = ledger.filter { $0.kind == .debit }
        try expect(debits.count == 1, "\(debits.count) debits")
        try expect(after.balance >= 0 && p.balance - after.balance == debits.map(\.amount).reduce(0, +), "sum(debits) ≠ initial − current")
        try expect(try await store.audit().ok, "audit")
    }

    static func dailyOTPCapUnderConcurrency(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let p = try await world.participant()
        let courses = world.courses(type: nil)
        let outcomes = await withTaskGroup(of: GatewayError.Code?.self) { group in
            for i in 0..<40 {
                group.addTask {
                    await gatewayErrorCode { try await world.gateway.createCharge(platform: world.platform(), request: world.request(p, course: courses[i % courses.count])) }
                }
            }
            var all: [GatewayError.Code?] = []
            for await o in group { all.append(o) }
            return all
        }
        let cap = PaymentPolicy().otpDailyLimit
        try expect(outcomes.filter { $0 == nil }.count == cap, "\(outcomes.filter { $0 == nil }.count) charges got an OTP; the cap is \(cap)")
        try expect(outcomes.filter { $0 == .otpDailyLimit }.count == 40 - cap, "the others must be refused by the cap: \(outcomes)")
        try expect(try await store.outbox(channel: .sms, recipient: p.phone, afterID: 0, limit: 100).count == cap, "SMS sent past the cap")
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
        let (before, voucherBefore) = try await world.buy(try await world.participant(), course: world.courses()[0])
        try await store.reset()
        let count = try await store.participantCount()
        let offset = try await store.clockOffset()
        try expect(count == 0 && offset == nil, "reset left state")
        let audit = try await store.audit()
        try expect(audit.paidCharges == 0 && audit.vouchers == 0 && audit.totalDebited == 0, "reset left money")
        // The same requests after a reset make the same kind of things under ids never issued before: a
        // platform that still remembers the old charge cannot confuse it with a new one.
        let again = try await TestWorld(store: store)
        let (after, voucherAfter) = try await again.buy(try await again.participant(), course: again.courses()[0])
        try expect(after.id != before.id && voucherAfter.code != voucherBefore.code && voucherAfter.redeemCode != voucherBefore.redeemCode, "ids repeated after a reset")
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
        let blacklisted = again
        try await expectCode(.blacklisted) { try await store.insertParticipants(count: 1, onlyIntoEmptyStore: false) { _ in blacklisted } }
    }

    static func deliveryBookkeeping(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        // Without an endpoint nothing is queued for the platform; with one, each event gets a webhook.
        _ = try await store.setWebhookEndpoint(platformID: "tokopedia", url: "http://127.0.0.1:9/hook", now: TestWorld.start)
        try expect(try await store.webhookEndpoints().map(\.url) == ["http://127.0.0.1:9/hook"], "endpoint saved")
        let a = try await world.participant()
        let b = try await world.participant()
        let (first, _) = try await world.buy(a, course: world.courses()[0])
        world.advance(days: 0.001)
        let (second, _) = try await world.buy(b, course: world.courses()[0])
        let hooks = try await store.deliveries(chargeID: first.id).filter { $0.channel == .webhook }
        try expect(hooks.map(\.eventType) == [.chargePaid, .voucherIssued], "webhooks queued with the payment: \(hooks.map(\.eventType))")
        try expect(Set(hooks.map(\.eventID)).count == 2 && hooks.allSatisfy { $0.payload.contains(first.id) }, "one event id per event")
        // Due in order of due time, then id; the limit holds.
        let due = try await store.dueDeliveries(until: world.gateway.clock.now(), limit: 100)
        try expect(due.count == 6 && due.map(\.nextAttemptAt!) == due.map(\.nextAttemptAt!).sorted(), "due order \(due.map(\.chargeID))")
        try expect(due.prefix(3).allSatisfy { $0.chargeID == first.id }, "the earlier payment's deliveries first")
        try expect(try await store.dueDeliveries(until: world.gateway.clock.now(), limit: 2).count == 2, "limit")
        try expect(try await store.dueDeliveries(until: TestWorld.start - 1, limit: 100).isEmpty, "nothing due before it was queued")
        // An attempt is recorded once: a second runner that made the same attempt is told so and writes nothing.
        var delivery = hooks[1]
        var (attempt, events) = world.gateway.purchases.delivery.record(&delivery, .failed(httpStatus: 500, detail: "HTTP 500", retryAfter: nil), at: TestWorld.start)
        attempt.requestHeaders = [HeaderField("webhook-id", delivery.eventID), HeaderField("webhook-signature", "v1,abc=")]
        attempt.faults = ["webhook.reset"]
        try expect(try await store.recordAttempt(delivery, attempt, outbox: [], events: events), "first recording")
        try expect(!(try await store.recordAttempt(delivery, attempt, outbox: [], events: events)), "the same attempt recorded twice")
        try expect(try await store.deliveryAttempts(deliveryID: delivery.id) == [attempt], "the attempt, its request headers and faults stored as made")
        try expect(try await store.deliveries(status: .pending, platformID: "tokopedia", channel: .webhook, limit: 100).count == 4, "pending webhooks")
        try expect(try await store.deliveries(status: nil, platformID: nil, channel: .email, limit: 100).count == 2, "e-mail deliveries")
        try expect(try await store.delivery(id: delivery.id)?.nextAttemptAt == TestWorld.start + 15 * 60, "retry scheduled")
        // By hand: by id, and by creation range and status.
        let again = try await store.redeliver(ids: [delivery.id], createdIn: nil, statuses: [.pending, .exhausted], platformID: nil, now: TestWorld.start + 60)
        try expect(again.map(\.id) == [delivery.id] && again[0].nextAttemptAt == TestWorld.start + 60, "redeliver by id")
        let range = try await store.redeliver(
            ids: nil, createdIn: TestWorld.start...(TestWorld.start + 1), statuses: [.pending], platformID: "tokopedia", now: TestWorld.start + 120
        )
        try expect(Set(range.map(\.chargeID)) == [first.id], "redeliver by range: \(range.map(\.chargeID))")
        _ = second
        // Disabling and removing an endpoint.
        try await store.disableWebhookEndpoint(platformID: "tokopedia", now: TestWorld.start)
        try expect(try await store.webhookEndpoints().first?.enabled == false, "disabled")
        _ = try await store.setWebhookEndpoint(platformID: "tokopedia", url: nil, now: TestWorld.start)
        try expect(try await store.webhookEndpoints().isEmpty, "removed")
    }

    static func consoleReads(_ store: any GatewayStore) async throws {
        let world = try await TestWorld(store: store)
        let empty = try await store.changeMark()
        let a = try await world.participant()
        let b = try await world.participant()
        let populated = try await store.changeMark()
        try expect(populated != empty && populated.participants == empty.participants + 2, "new participants move the change mark")
        let (charge, voucher) = try await world.buy(a, course: world.courses()[0])
        try await world.gateway.delivery.runDue()
        world.advance(days: 0.001)
        let (other, _) = try await world.buy(b, course: world.courses()[1])
        let bought = try await store.changeMark()
        try expect(bought.lastChargeID > populated.lastChargeID && bought.lastMessageID > populated.lastMessageID, "purchases move it: \(bought)")
        try expect(bought.lastEventID > populated.lastEventID && bought.lastAttemptID > populated.lastAttemptID, "timeline entries and attempts move it")
        try expect(try await store.changeMark() == bought, "it stands still while nothing happens")

        // Messages: newest first; a's OTP text and voucher e-mail, b's OTP text (its e-mail is not sent yet).
        let all = try await store.messages(MessageSearch(limit: 50))
        let ids = all.compactMap(\.message.id)
        try expect(all.count == 3 && ids == ids.sorted(by: >), "newest first: \(ids)")
        for (key, count) in [(a.cardNumber, 2), (a.phone, 1), (a.email, 1), (voucher.code, 2), (charge.id, 2)] {
            let found = try await store.messages(MessageSearch(text: key, limit: 50))
            try expect(found.count == count && found.allSatisfy { $0.message.participantID == a.id }, "by \(key): \(found.count) messages")
        }
        let mail = try await store.messages(MessageSearch(channel: .email, limit: 50))
        try expect(mail.count == 1 && mail[0].cardNumber == a.cardNumber && mail[0].voucherCode == voucher.code, "e-mail with its card and voucher")
        try expect(try await store.messages(MessageSearch(beforeID: ids[0], limit: 1)).map(\.message.id) == [ids[1]], "the next page")
        try expect(try await store.messages(MessageSearch(text: "no-such-thing", limit: 50)).isEmpty, "no match")

        // Charges: newest first; found by id, order id, card, voucher and redeem code.
        try expect(try await store.charges(matching: nil, limit: 10).map(\.id) == [other.id, charge.id], "latest first")
        for key in [charge.id, charge.platformOrderID, a.cardNumber, voucher.code, voucher.redeemCode] {
            try expect(try await store.charges(matching: key, limit: 10).map(\.id) == [charge.id], "charge by \(key)")
        }
        try expect(try await store.charges(matching: "no-such-thing", limit: 10).isEmpty, "no charge")

        let counts = try await store.counts()
        try expect(
            counts == SimulationCounts(
                participants: 2, charges: ["pending": 0, "paid": 2, "expired": 0, "locked": 0, "refunded": 0], vouchers: 2,
                messages: ["sms": 2, "email": 1], deliveries: ["pending": 1, "delivered": 1, "exhausted": 0], deliveryAttempts: 1
            ), "counts \(counts)"
        )
        try expect(try await store.events(kind: "paid", limit: 10).map(\.chargeID) == [other.id, charge.id], "events of a kind, newest first")
        let one = try await store.events(kind: "paid", limit: 1), none = try await store.events(kind: "fault", limit: 10)
        try expect(one.count == 1 && none.isEmpty, "limit, none")
        try await store.saveClockOffset(42)
        let moved = try await store.changeMark()
        try expect(moved.clockOffset == 42, "a clock move moves the mark")
        _ = try await store.setWebhookEndpoint(platformID: "bukalapak", url: "http://127.0.0.1:9/x", now: TestWorld.start + 5)
        let subscribed = try await store.changeMark()
        try await store.disableWebhookEndpoint(platformID: "bukalapak", now: TestWorld.start + 6)
        let disabled = try await store.changeMark()
        try expect(subscribed != moved && disabled != subscribed, "setting and disabling an endpoint move the mark")
        try expect(bought.lastLedgerID > populated.lastLedgerID, "ledger entries move the mark")
        try await store.reset()
        let reset = try await store.changeMark()
        try expect(reset.epoch != bought.epoch && reset.lastChargeID == 0, "a reset moves the mark: \(reset)")
        try expect(try await store.counts().participants == 0, "counts after reset")
    }
}
