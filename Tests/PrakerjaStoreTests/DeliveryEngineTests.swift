import Foundation
import PrakerjaCore
import PrakerjaSQLite
import PrakerjaTesting
import Synchronization
import Testing

/// A webhook receiver that answers each event from a script — the n-th request with one `webhook-id` gets
/// the n-th answer, the last one repeated — and keeps every request it got.
final class ScriptedReceiver: WebhookTransport {
    struct Request: Sendable {
        var url: String
        var headers: [(String, String)]
        var body: [UInt8]
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
    }

    private let script: [WebhookResponse]
    private let state = Mutex<[Request]>([])

    init(_ script: [WebhookResponse]) { self.script = script }

    var requests: [Request] { state.withLock { $0 } }

    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async -> WebhookResponse {
        let request = Request(url: url, headers: headers, body: body)
        let seen = state.withLock { requests in
            requests.append(request)
            return requests.filter { $0.header("webhook-id") == request.header("webhook-id") }.count
        }
        return script[min(seen, script.count) - 1]
    }
}

extension WebhookResponse {
    static func status(_ code: Int, _ headers: [(String, String)] = []) -> WebhookResponse {
        .answered(status: code, headers: headers, latency: .milliseconds(3))
    }
}

@Suite struct DeliveryEngineTests {
    /// A gateway on a real SQLite file whose webhooks go to `receiver`; Tokopedia is subscribed.
    func world(_ path: String, _ receiver: ScriptedReceiver, schedule: RetrySchedule = .xendit) async throws -> TestWorld {
        let world = try await TestWorld(store: try SQLiteStore(path: path), webhookTransport: receiver, retrySchedule: schedule)
        _ = try await world.gateway.store.setWebhookEndpoint(platformID: "tokopedia", url: "http://127.0.0.1:9/hooks", now: TestWorld.start)
        return world
    }

    func webhook(_ world: TestWorld, _ charge: Charge, _ kind: WebhookEvent.Kind = .voucherIssued) async throws -> Delivery {
        try #require(try await world.gateway.store.deliveries(chargeID: charge.id).first { $0.channel == .webhook && $0.eventType == kind })
    }

    /// A worker learns when to look again from the run itself: the earliest attempt still pending, or none.
    @Test func aRunSaysWhenTheNextAttemptFallsDue() async throws {
        try await withDatabaseFile { path in
            let w = try await world(path, ScriptedReceiver([.status(500), .status(204)]))
            let (charge, _) = try await w.buy(try await w.participant(), course: w.courses()[0])
            let t0 = w.gateway.clock.now()
            let first = try await w.gateway.delivery.runDueAndFindNext()
            #expect(first.made >= 2, "both webhooks of the payment were attempted: \(first.made)")
            #expect(first.next == t0 + 15 * 60, "the retries are next, 15 min on: \(String(describing: first.next))")
            let again = try await w.gateway.delivery.runDueAndFindNext()
            #expect(again.made == 0 && again.next == t0 + 15 * 60, "nothing due yet, the same next attempt")
            _ = try await w.gateway.advanceClock(by: 15 * 60)
            let done = try await w.gateway.delivery.runDueAndFindNext()
            #expect(done.made == 0 && done.next == nil, "everything delivered: nothing to wait for")
            #expect(try await w.gateway.store.deliveries(chargeID: charge.id).allSatisfy { $0.status == .delivered })
        }
    }

    @Test func failedWebhooksAreRetriedOnTheScheduleInBusinessTime() async throws {
        try await withDatabaseFile { path in
            let receiver = ScriptedReceiver([.status(500), .unreachable(reason: "connection refused", latency: .zero), .status(204)])
            let w = try await world(path, receiver)
            let (charge, voucher) = try await w.buy(try await w.participant(), course: w.courses()[0])
            let issued = try await webhook(w, charge)
            let t0 = w.gateway.clock.now()
            // The payment's two webhooks are due at once and go in the order they were queued: charge.paid first.
            try await w.gateway.delivery.runDue()
            // Three days of retries in one call, each attempt made at its own business time.
            _ = try await w.gateway.advanceClock(by: 3 * 86_400)
            let attempts = try await w.gateway.store.deliveryAttempts(deliveryID: issued.id)
            #expect(attempts.map(\.result) == [.failed, .failed, .delivered])
            #expect(attempts.map(\.at) == [t0, t0 + 15 * 60, t0 + 60 * 60], "Xendit's 15 min then 45 min")
            #expect(attempts.map(\.httpStatus) == [500, nil, 204] && attempts[1].detail == "connection refused")
            #expect(try await w.gateway.store.delivery(id: issued.id)?.status == .delivered)
            // Every attempt carried the same event id and body, signed the Standard Webhooks way.
            let secret = StandardWebhooks.secret(for: w.platform())
            let sent = receiver.requests.filter { $0.header("webhook-id") == issued.eventID }
            #expect(sent.count == 3 && Set(sent.map(\.body)).count == 1)
            for request in sent {
                #expect(
                    StandardWebhooks.verify(
                        secret: secret, id: request.header("webhook-id")!, timestamp: request.header("webhook-timestamp")!,
                        signatures: request.header("webhook-signature")!, body: request.body, now: Date()
                    )
                )
            }
            let body = try JSONSerialization.jsonObject(with: Data(sent[0].body)) as? [String: Any]
            let data = body?["data"] as? [String: Any]
            #expect(body?["type"] as? String == "voucher.issued" && body?["timestamp"] as? String == Timestamps.iso8601(t0))
            #expect(data?["voucher_code"] as? String == voucher.code && data?["redeem_code"] as? String == voucher.redeemCode)
            #expect(data?["charge_id"] as? String == charge.id && data?["platform_order_id"] as? String == charge.platformOrderID)
            let timeline = try await w.gateway.store.chargeEvents(chargeID: charge.id).map(\.kind)
            #expect(timeline.filter { $0 == "webhook_failed" }.count == 4 && timeline.filter { $0 == "webhook_delivered" }.count == 2, "both webhooks of the payment: \(timeline)")
        }
    }

    @Test func aDeliveryIsDeadLetteredAfterTheLastAttemptAndCanBeResentByHand() async throws {
        try await withDatabaseFile { path in
            let receiver = ScriptedReceiver([.status(503)])
            let w = try await world(path, receiver)
            let (charge, _) = try await w.buy(try await w.participant(), course: w.courses()[0])
            let issued = try await webhook(w, charge)
            _ = try await w.gateway.advanceClock(by: 3 * 86_400)
            let attempts = try await w.gateway.store.deliveryAttempts(deliveryID: issued.id)
            #expect(attempts.count == RetrySchedule.xendit.attempts && attempts.allSatisfy { $0.result == .failed })
            let offsets = attempts.map { Int($0.at.timeIntervalSince(attempts[0].at) / 60) }
            #expect(offsets == [0, 15, 60, 180, 540, 1260, 2700], "minutes after the first attempt: \(offsets)")
            #expect(try await w.gateway.store.delivery(id: issued.id)?.status == .exhausted)
            let timeline = try await w.gateway.store.chargeEvents(chargeID: charge.id)
            #expect(timeline.contains { $0.kind == "voucher.delivery_exhausted" && $0.detail.contains("voucher.issued") })
            // Nothing more happens by itself.
            _ = try await w.gateway.advanceClock(by: 7 * 86_400)
            #expect(try await w.gateway.store.deliveryAttempts(deliveryID: issued.id).count == 7)
            // Resent by hand: due now, one more attempt.
            let resent = try await w.gateway.store.redeliver(ids: [issued.id], createdIn: nil, statuses: [.exhausted], platformID: nil, now: w.gateway.clock.now())
            #expect(resent.count == 1)
            try await w.gateway.delivery.runDue()
            #expect(try await w.gateway.store.deliveryAttempts(deliveryID: issued.id).count == 8)
        }
    }

    @Test func goneDisablesTheEndpointAndRetryAfterIsHonoured() async throws {
        try await withDatabaseFile { path in
            let receiver = ScriptedReceiver([.status(429, [("Retry-After", "7200")]), .status(410)])
            let w = try await world(path, receiver)
            let (charge, _) = try await w.buy(try await w.participant(), course: w.courses()[0])
            let paid = try await webhook(w, charge, .chargePaid)
            let t0 = w.gateway.clock.now()
            try await w.gateway.delivery.runDue()
            // 429 with Retry-After two hours: the next attempt waits two hours, not 15 minutes.
            #expect(try await w.gateway.store.delivery(id: paid.id)?.nextAttemptAt == t0 + 7200)
            _ = try await w.gateway.advanceClock(by: 86_400)
            #expect(try await w.gateway.store.webhookEndpoints().first?.enabled == false, "410 disables the endpoint")
            let all = try await w.gateway.store.deliveries(chargeID: charge.id).filter { $0.channel == .webhook }
            #expect(all.allSatisfy { $0.status == .exhausted })
            // While disabled, new events queue no webhook; set again, they do.
            let (later, _) = try await w.buy(try await w.participant(), course: w.courses()[0])
            let queued = try await w.gateway.store.deliveries(chargeID: later.id)
            #expect(queued.map(\.channel) == [.email], "no webhook queued while the endpoint is disabled")
            // Set again, the next payment's events are queued.
            _ = try await w.gateway.setWebhookEndpoint(platformID: "tokopedia", url: "http://127.0.0.1:9/hooks")
            let (again, _) = try await w.buy(try await w.participant(), course: w.courses()[0])
            #expect(try await w.gateway.store.deliveries(chargeID: again.id).filter { $0.channel == .webhook }.count == 2)
        }
    }

    @Test func pendingDeliveriesSurviveARestart() async throws {
        try await withDatabaseFile { path in
            let down = ScriptedReceiver([.unreachable(reason: "connection refused", latency: .zero)])
            // The first process ends (its store lets go of the file) before the second opens it.
            let charge = try await {
                let first = try await world(path, down)
                let (charge, _) = try await first.buy(try await first.participant(), course: first.courses()[0])
                try await first.gateway.delivery.runDue()
                return charge
            }()
            // A new process on the same file: the pending retry is still there and is made when due.
            let up = ScriptedReceiver([.status(200)])
            let second = try await TestWorld(store: try SQLiteStore(path: path), webhookTransport: up)
            _ = try await second.gateway.advanceClock(by: 15 * 60)
            let hooks = try await second.gateway.store.deliveries(chargeID: charge.id).filter { $0.channel == .webhook }
            #expect(hooks.count == 2 && hooks.allSatisfy { $0.status == .delivered && $0.attempts == 2 })
            #expect(Set(up.requests.compactMap { $0.header("webhook-id") }) == Set(hooks.map(\.eventID)))
        }
    }
}
