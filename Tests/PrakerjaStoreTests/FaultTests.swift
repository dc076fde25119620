import Foundation
import PrakerjaCore
import PrakerjaSQLite
import PrakerjaTesting
import Testing

/// The fault catalogue, fired by magic card numbers, on a real SQLite file, in business time.
@Suite struct FaultTests {
    func world(_ path: String, _ receiver: ScriptedReceiver = ScriptedReceiver([.status(204)]), faults: FaultPlan = .none) async throws -> TestWorld {
        let w = try await TestWorld(store: try SQLiteStore(path: path), webhookTransport: receiver, faults: faults)
        _ = try await w.gateway.store.setWebhookEndpoint(platformID: "tokopedia", url: "http://127.0.0.1:9/hooks", now: TestWorld.start)
        return w
    }

    /// A participant whose card ends in `suffix`.
    func magic(_ w: TestWorld, _ suffix: String) async throws -> Participant {
        try await w.gateway.createParticipant(ParticipantDraft(cardNumber: "50000000000" + "0" + suffix, videosWatched: 3))
    }

    func mail(_ w: TestWorld, _ p: Participant) async throws -> [OutboxMessage] {
        try await w.gateway.store.outbox(channel: .email, recipient: nil, afterID: 0, limit: 100).filter { $0.participantID == p.id }
    }

    /// A magic-card purchase whose confirm "crashes" after the debit: the participant, the charge, its OTP.
    func crashedPurchase(_ w: TestWorld) async throws -> (Participant, Charge, String) {
        let p = try await magic(w, "4009")
        let charge = try await w.gateway.createCharge(platform: w.platform(), request: w.request(p, course: w.courses()[0]))
        let otp = try await w.otp(charge)
        await #expect(throws: GatewayError(.simulatedCrash)) { try await w.gateway.confirmCharge(platform: w.platform(), chargeID: charge.id, otp: otp) }
        return (p, charge, otp)
    }

    func faultsFired(_ w: TestWorld, _ charge: Charge) async throws -> [String] {
        try await w.gateway.store.chargeEvents(chargeID: charge.id).filter { $0.kind == "fault" }.map(\.detail)
    }

    @Test func emailFaults() async throws {
        try await withDatabaseFile { path in
            let w = try await world(path)
            let lost = try await magic(w, "4001"), late = try await magic(w, "4002"), twice = try await magic(w, "4003"), stale = try await magic(w, "4004")
            var charges: [String: Charge] = [:]
            for p in [lost, late, twice, stale] { charges[p.id] = try await w.buy(p, course: w.courses()[0]).0 }
            try await w.gateway.delivery.runDue()
            let lostFaults = try await faultsFired(w, charges[lost.id]!)
            #expect(try await mail(w, lost).isEmpty && lostFaults.first?.hasPrefix("email.lost") == true)
            #expect(try await mail(w, late).isEmpty, "a delayed e-mail is not there yet")
            #expect(try await mail(w, twice).count == 2)
            let staleMail = try await mail(w, stale)
            #expect(staleMail.count == 1 && staleMail[0].recipient != stale.email && staleMail[0].recipient.contains("@old-"))
            _ = try await w.gateway.advanceClock(by: 2 * 3600)
            let arrived = try await mail(w, late)
            #expect(arrived.count == 1 && arrived[0].createdAt == TestWorld.start + 2 * 3600, "the delayed e-mail arrives two hours late")
            // A participant without a magic card gets exactly one e-mail, on time.
            let plain = try await w.participant()
            _ = try await w.buy(plain, course: w.courses()[0])
            try await w.gateway.delivery.runDue()
            #expect(try await mail(w, plain).count == 1)
        }
    }

    @Test func webhookFaults() async throws {
        try await withDatabaseFile { path in
            let receiver = ScriptedReceiver([.status(204)])
            let w = try await world(path, receiver)
            let failing = try await magic(w, "4005"), reset = try await magic(w, "4007")
            let (a, _) = try await w.buy(failing, course: w.courses()[0])
            let (b, _) = try await w.buy(reset, course: w.courses()[0])
            _ = try await w.gateway.advanceClock(by: 86_400)
            func received(_ c: Charge) -> [ScriptedReceiver.Request] {
                receiver.requests.filter { String(decoding: $0.body, as: UTF8.self).contains(c.id) }
            }
            // 5xx on the first two attempts: only the third reaches the platform, once per event.
            #expect(received(a).count == 2, "one request per event, on the third attempt")
            let hooks = try await w.gateway.store.deliveries(chargeID: a.id).filter { $0.channel == .webhook }
            #expect(hooks.allSatisfy { $0.status == .delivered && $0.attempts == 3 })
            // Reset after the platform got it: it gets each event twice, with the same webhook-id.
            let got = received(b)
            #expect(got.count == 6 && Set(got.compactMap { $0.header("webhook-id") }).count == 2, "three tries of two events, two ids")
            #expect(try await faultsFired(w, b).filter { $0.hasPrefix("webhook.reset") }.count == 4)
            // Each attempt keeps the faults that fired on it and the request it sent, if it sent one.
            let paid = hooks.first { $0.eventType == .chargePaid }!
            let tried = try await w.gateway.store.deliveryAttempts(deliveryID: paid.id)
            #expect(tried.map(\.faults) == [["webhook.5xx"], ["webhook.5xx"], []])
            #expect(tried[0].requestHeaders.isEmpty, "an injected 5xx never sent the request")
            let sent = Dictionary(uniqueKeysWithValues: tried[2].requestHeaders.map { ($0.name, $0.value) })
            #expect(sent["webhook-id"] == paid.eventID && sent["webhook-signature"]?.hasPrefix("v1,") == true && sent["webhook-timestamp"] != nil)
            let resetHook = try await w.gateway.store.deliveries(chargeID: b.id).first { $0.channel == .webhook }!
            let resetTries = try await w.gateway.store.deliveryAttempts(deliveryID: resetHook.id)
            #expect(resetTries.prefix(2).allSatisfy { $0.faults == ["webhook.reset"] && !$0.requestHeaders.isEmpty }, "reset after sending: request kept")
        }
    }

    @Test func aCrashBetweenDebitAndVoucherIsRepairedByReconciliationOnce() async throws {
        try await withDatabaseFile { path in
            let w = try await world(path)
            let (p, charge, otp) = try await crashedPurchase(w)
            // Debited, no voucher: the audit sees it, and a retry of the confirm shows the charge paid without one.
            #expect(try await w.gateway.participant(card: p.cardNumber).balance == p.balance - charge.amount)
            #expect(try await !w.gateway.store.audit().ok)
            let (retried, none) = try await w.gateway.confirmCharge(platform: w.platform(), chargeID: charge.id, otp: otp)
            #expect(retried.status == .paid && none == nil)
            // Not yet overdue: nothing repaired. Fifteen minutes on, exactly one voucher.
            #expect(try await w.gateway.reconcile().isEmpty)
            _ = try await w.gateway.advanceClock(by: 15 * 60)
            let vouchers = try await w.gateway.store.vouchers(participantID: p.id)
            let repairedCharge = try await w.gateway.store.charge(id: charge.id)
            #expect(vouchers.count == 1 && repairedCharge?.voucherCode == vouchers.first?.code)
            #expect(try await w.gateway.store.audit().ok)
            #expect(try await w.gateway.reconcile(after: 0).isEmpty, "reconciliation is idempotent")
            let timeline = try await w.gateway.store.chargeEvents(chargeID: charge.id).map(\.kind)
            #expect(timeline.contains("fault") && timeline.contains("reconciled") && timeline.filter { $0 == "voucher_issued" }.count == 1)
            #expect(try await mail(w, p).count == 1, "the repaired voucher is e-mailed")
        }
    }

    @Test func aCrashedChargeIsRefundedWhenTheParticipantCannotTakeTheTraining() async throws {
        try await withDatabaseFile { path in
            let w = try await world(path)
            let (p, charge, _) = try await crashedPurchase(w)
            _ = try await w.gateway.revoke(card: p.cardNumber)
            let repaired = try await w.gateway.reconcile(after: 0)
            #expect(repaired.map(\.chargeID) == [charge.id] && repaired.map(\.repair) == [.refunded])
            #expect(try await w.gateway.store.charge(id: charge.id)?.status == .refunded)
            #expect(try await w.gateway.store.vouchers(participantID: p.id).isEmpty, "a refund, not a voucher too")
            #expect(try await w.gateway.store.participant(card: p.cardNumber)?.balance == p.balance)
            #expect(try await w.gateway.store.audit().ok)
            #expect(try await w.gateway.reconcile(after: 0).isEmpty)
        }
    }

    @Test func theMagicOTPIsAnsweredAsExpiredWithoutCountingAnAttempt() async throws {
        try await withDatabaseFile { path in
            let w = try await world(path)
            let p = try await w.participant()
            let charge = try await w.gateway.createCharge(platform: w.platform(), request: w.request(p, course: w.courses()[0]))
            let otp = try await w.otp(charge)
            try #require(otp != PurchaseFlow.magicExpiredOTP)
            await #expect(throws: GatewayError(.otpExpired)) { try await w.gateway.confirmCharge(platform: w.platform(), chargeID: charge.id, otp: "222001") }
            #expect(try await w.gateway.store.charge(id: charge.id)?.otpAttempts == 0)
            let (paid, voucher) = try await w.gateway.confirmCharge(platform: w.platform(), chargeID: charge.id, otp: otp)
            #expect(paid.status == .paid && voucher != nil)
        }
    }

    @Test func probabilisticFaultsAreAFunctionOfTheSeed() throws {
        let plan = { (seed: UInt64) in FaultPlan(probabilities: [.emailLost: 0.3, .webhookServerError: 0.5], seed: seed) }
        func pattern(_ p: FaultPlan) -> [Bool] {
            (0..<200).flatMap { i in
                [p.fires(.emailLost, chargeID: "ch_\(i)", cardNumber: "5000000000000000"), p.fires(.webhookServerError, chargeID: "ch_\(i)", cardNumber: "5000000000000000", attempt: 2)]
            }
        }
        #expect(pattern(plan(7)) == pattern(plan(7)), "same seed, same faults")
        #expect(pattern(plan(7)) != pattern(plan(8)), "another seed, another pattern")
        let lost = (0..<2000).filter { plan(7).fires(.emailLost, chargeID: "ch_\($0)", cardNumber: "5000000000000000") }.count
        #expect((500...700).contains(lost), "about 30 %: \(lost)")
        #expect(throws: GatewayError.self) { try FaultPlan(parsing: "email.lost=2", seed: 1) }
        #expect(throws: GatewayError.self) { try FaultPlan(parsing: "disk.full=0.1", seed: 1) }
        #expect(try FaultPlan(parsing: "email.lost=0.02,webhook.5xx=0.1", seed: 3).probabilities == [.emailLost: 0.02, .webhookServerError: 0.1])
    }
}

/// Determinism under concurrency: a dozen participants paying at once, with probabilistic faults on e-mail and
/// webhooks, then three days of retries. Whatever order the purchases and attempts interleave in, every charge's
/// story is the same for the same seed — and another seed tells another one.
@Suite struct ConcurrentDeterminismTests {
    typealias Story = [String: [String]]

    func story(seed: UInt64) async throws -> Story {
        try await withDatabaseFile { path in
            let plan = FaultPlan(probabilities: [.emailLost: 0.3, .webhookServerError: 0.5, .webhookReset: 0.2], seed: seed)
            let w = try await TestWorld(store: try SQLiteStore(path: path), seed: seed, webhookTransport: ScriptedReceiver([.status(204)]), faults: plan)
            _ = try await w.gateway.store.setWebhookEndpoint(platformID: "tokopedia", url: "http://127.0.0.1:9/hooks", now: TestWorld.start)
            var people: [Participant] = []
            for _ in 0..<12 { people.append(try await w.participant()) }
            let course = w.courses()[0]
            let buyers = people
            let charges = try await withThrowingTaskGroup(of: Charge.self) { group in
                for p in buyers {
                    group.addTask {
                        // Order ids from the participant, not random: the story must depend on the seed alone.
                        let request = w.request(p, course: course, order: "order-\(p.cardNumber)")
                        let charge = try await w.gateway.createCharge(platform: w.platform(), request: request)
                        return try await w.gateway.confirmCharge(platform: w.platform(), chargeID: charge.id, otp: try await w.otp(charge)).0
                    }
                }
                return try await group.reduce(into: [Charge]()) { $0.append($1) }
            }
            _ = try await w.gateway.advanceClock(by: 3 * 86_400)
            var story: Story = [:]
            for charge in charges {
                var lines = try await w.gateway.store.chargeEvents(chargeID: charge.id).map { "\(Timestamps.iso8601($0.at)) \($0.kind) \($0.detail)" }
                for d in try await w.gateway.store.deliveries(chargeID: charge.id) {
                    lines += try await w.gateway.store.deliveryAttempts(deliveryID: d.id).map {
                        "\(Timestamps.iso8601($0.at)) \(d.channel.rawValue) \(d.eventType.rawValue) #\($0.number) \($0.result.rawValue) \($0.detail)"
                    }
                }
                story[charge.id] = lines
            }
            #expect(try await w.gateway.store.audit().ok)
            return story
        }
    }

    @Test func concurrentPurchasesTellTheSameStoryForTheSameSeed() async throws {
        let first = try await story(seed: 9)
        let second = try await story(seed: 9)
        let differing = first.keys.sorted().first { first[$0] != second[$0] }
        #expect(first.count == 12 && first == second, "first difference, charge \(differing ?? "-"): \(differing.map { zip(first[$0]!, second[$0]!).first { $0 != $1 }.map { "\($0) ≠ \($1)" } ?? "\(first[$0]!.count) vs \(second[$0]!.count) lines" } ?? "")")
        #expect(first.values.contains { $0.contains { $0.contains("fault") } }, "faults fired")
        let other = try await story(seed: 10)
        #expect(other != first)
    }
}
