import Foundation

/// Makes the delivery attempts that fall due: the voucher e-mail into the mailbox, webhooks to the
/// platforms' endpoints, on the retry schedule, in business time.
///
/// By default one engine runs attempts one at a time, earliest due first, so the order of a run depends only
/// on the due times (`reproduce` and `replay` rely on it); with `parallelism` above 1 (`serve`), attempts for
/// different charges overlap, each charge's in due order. `advance(to:)` steps business time to each attempt's instant, which is how three days of
/// retries take seconds without sleeping. Deliveries are durable: whatever was pending when a process died
/// is attempted when the next one runs (at least once; receivers de-duplicate by `webhook-id`).
public actor DeliveryEngine {
    let store: any GatewayStore
    let clock: VirtualClock
    let flow: DeliveryFlow
    let catalog: Catalog
    let transport: any WebhookTransport
    /// Real time, for `webhook-timestamp` (receivers check it against their own clocks).
    let wallClock: any TimeSource
    let timeout: Duration
    /// Injected failures of the e-mail and webhook channels.
    let faults: FaultPlan
    /// Also sends the voucher e-mails to a real mail system (SMTP), when set.
    let mailer: (any EmailTransport)?
    /// Attempts made at once (1: one at a time, in due order).
    let parallelism: Int
    private var waiter: CheckedContinuation<Void, Never>?
    private var woken = false
    /// Runs take turns: an actor lets calls interleave at every `await`, and two runs reading the same due
    /// rows would both send the same webhook.
    private var running = false
    private var queue: [CheckedContinuation<Void, Never>] = []
    /// With `parallelism` above 1: the attempts running now (delivery ids), the charge-and-channel lanes they hold
    /// (one attempt per lane at a time, so a charge's events on one channel go out in due order), how many
    /// recorded so far, the first error one of them met, and who waits for them all to end.
    private var inFlight: Set<String> = []
    private var busyLanes: Set<String> = []
    private var runningPerReceiver: [String: Int] = [:]
    private var recordedAttempts = 0
    private var attemptError: (any Error)?
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` when no run, advance or attempt is going on, and keeps them waiting until it is done.
    public func whileIdle<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await exclusively {
            await attemptsEnded()
            return try await body()
        }
    }

    private func exclusively<T>(_ body: () async throws -> T) async rethrows -> T {
        while running { await withCheckedContinuation { queue.append($0) } }
        running = true
        defer {
            running = false
            if !queue.isEmpty { queue.removeFirst().resume() }
        }
        return try await body()
    }

    public init(
        store: any GatewayStore, clock: VirtualClock, flow: DeliveryFlow, catalog: Catalog, transport: any WebhookTransport,
        wallClock: any TimeSource, timeout: Duration = .seconds(10), faults: FaultPlan = .none, mailer: (any EmailTransport)? = nil,
        parallelism: Int = 1
    ) {
        self.parallelism = max(1, parallelism)
        self.faults = faults
        self.mailer = mailer
        self.store = store
        self.clock = clock
        self.flow = flow
        self.catalog = catalog
        self.transport = transport
        self.wallClock = wallClock
        self.timeout = timeout
    }

    /// Makes every attempt that is due now; returns how many were made.
    @discardableResult
    public func runDue() async throws -> Int {
        try await exclusively { try await runDueNow().made }
    }

    /// Makes every attempt that is due now; returns how many were made and when the earliest attempt still
    /// pending falls due (for a worker that waits for it), from the same read that found nothing more due.
    ///
    /// With `parallelism` above 1 (the worker in `serve`) it starts the due attempts and returns without waiting
    /// for them: a slow receiver holds up only its own charge's lane, never the attempts that fall due meanwhile.
    /// An attempt that ends wakes the worker, which then starts what its lane or its slot was holding back.
    public func runDueAndFindNext() async throws -> (made: Int, next: Date?) {
        try await exclusively {
            guard parallelism > 1 else { return try await runDueNow() }
            if let error = attemptError {
                attemptError = nil
                throw error
            }
            return try await startDue()
        }
    }

    /// Starts every due attempt whose lane is free, up to `parallelism` running; returns how many it started and
    /// when the earliest pending attempt not running falls due.
    private func startDue() async throws -> (made: Int, next: Date?) {
        let pending = try await store.dueDeliveries(until: .distantFuture, limit: parallelism * 8 + 64)
        let now = clock.now()
        var started = 0
        for delivery in pending where !inFlight.contains(delivery.id) {
            guard let at = delivery.nextAttemptAt, at <= now else { return (started, delivery.nextAttemptAt) }
            let lane = delivery.chargeID + "/" + delivery.channel.rawValue
            let receiver = delivery.platformID + "/" + delivery.channel.rawValue
            // Up to `parallelism` attempts per receiver (a platform's webhook endpoint, the mail system), four times that
            // in all: a receiver that hangs holds up its own deliveries only.
            guard inFlight.count < parallelism * 4, runningPerReceiver[receiver, default: 0] < parallelism, !busyLanes.contains(lane) else { continue }
            inFlight.insert(delivery.id)
            busyLanes.insert(lane)
            runningPerReceiver[receiver, default: 0] += 1
            started += 1
            Task { await self.attemptInLane(delivery, lane: lane, receiver: receiver) }
        }
        return (started, nil)
    }

    private func attemptInLane(_ delivery: Delivery, lane: String, receiver: String) async {
        var recorded = false
        do {
            recorded = try await attempt(delivery)
        } catch {
            attemptError = attemptError ?? error
        }
        if recorded { recordedAttempts += 1 }
        inFlight.remove(delivery.id)
        busyLanes.remove(lane)
        runningPerReceiver[receiver, default: 1] -= 1
        if inFlight.isEmpty {
            let waiters = idleWaiters
            idleWaiters = []
            for waiter in waiters { waiter.resume() }
        }
        // The lane and the slot are free: the worker looks again (not for an attempt another process holds, which
        // it would only start again at once).
        if recorded || attemptError != nil { wake() }
    }

    /// Returns once no attempt is running.
    private func attemptsEnded() async {
        while !inFlight.isEmpty { await withCheckedContinuation { idleWaiters.append($0) } }
    }

    private func runDueNow() async throws -> (made: Int, next: Date?) {
        if parallelism > 1 {
            // Every due attempt made, each lane in due order, before returning (a run by hand, a clock step).
            let before = recordedAttempts
            while true {
                let othersRunning = !inFlight.isEmpty
                let recorded = recordedAttempts
                let (started, next) = try await startDue()
                await attemptsEnded()
                if let error = attemptError {
                    attemptError = nil
                    throw error
                }
                // Done when nothing was left to start (once the worker's attempts ended, their lanes may hold more), or
                // when every attempt started was another process's to make (claimed, on a shared store).
                if (started == 0 && !othersRunning) || (started > 0 && recordedAttempts == recorded) {
                    return (recordedAttempts - before, next)
                }
            }
        }
        var made = 0
        while true {
            // The earliest pending attempts, due or not (in due order): the due ones are made one at a time, and when
            // none is due the first one says when to look again, without another read.
            let pending = try await store.dueDeliveries(until: .distantFuture, limit: 64)
            let now = clock.now()
            let due = Array(pending.prefix { ($0.nextAttemptAt ?? .distantFuture) <= now })
            if due.isEmpty { return (made, pending.first?.nextAttemptAt) }
            var pass = 0
            for delivery in due where try await attempt(delivery) { pass += 1 }
            made += pass
            // Every due one is another process's to make now (claimed, on a shared store): look again later.
            if pass == 0 { return (made, pending.first?.nextAttemptAt) }
        }
    }

    /// Moves business time forward to `target`, making each attempt that falls due on the way at the
    /// instant it is due, in order. Returns how many attempts were made.
    @discardableResult
    public func advance(to target: Date, alsoDue: @Sendable (Date) async throws -> Date? = { _ in nil }, atEachStep: @Sendable () async throws -> Void = {})
        async throws -> Int
    {
        try await exclusively {
            var made = try await runDueNow().made
            while true {
                let delivery = try await store.dueDeliveries(until: target, limit: 1).first?.nextAttemptAt
                let other = try await alsoDue(target)
                guard let next = [delivery, other].compactMap({ $0 }).min(), next <= target else { break }
                try await moveClock(to: next)
                try await atEachStep()
                made += try await runDueNow().made
                if delivery == nil, other == next, try await alsoDue(target) == next { break }  // the step did not clear it
            }
            try await moveClock(to: target)
            return made
        }
    }

    /// Tells a waiting worker that work may be due (after a payment, a redelivery, a clock move).
    public func wake() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            woken = true
        }
    }

    /// Returns when woken, or when `sleep` returns (a worker passes a sleep on its clock until the next
    /// attempt is due), whichever comes first. For one worker at a time.
    public func waitForWork(_ sleep: @escaping @Sendable () async -> Void) async {
        if woken {
            woken = false
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await sleep()
                await self.wake()
            }
            await withCheckedContinuation { waiter = $0 }
            group.cancelAll()
        }
        woken = false
    }

    /// Moves business time to `instant`, or leaves it where it is if it is already there or later (in
    /// `serve` it flows with real time, so it may have passed `instant` meanwhile).
    private func moveClock(to instant: Date) async throws {
        let step = instant.timeIntervalSince(clock.now())
        guard step > 0 else { return }
        clock.advance(by: step)
        try await store.saveClockOffset(clock.currentOffset)
    }

    /// One attempt; false when another runner had already made it.
    private func attempt(_ delivery: Delivery) async throws -> Bool {
        let now = clock.now()
        let number = delivery.attempts + 1
        // With several gateway processes on one store, one of them makes each attempt. A claim lasts twice the
        // attempt's timeout and five seconds more, in real time: then a process that died holding it holds it no
        // longer, and another makes the attempt.
        let claimedAt = wallClock.now()
        let lease = Double(timeout.components.seconds) * 2 + 5
        guard try await store.claimAttempt(deliveryID: delivery.id, number: number, now: claimedAt, until: claimedAt + lease) else { return false }
        let card = try await store.charge(id: delivery.chargeID)?.cardNumber ?? ""
        var fired: [ChargeEvent] = []
        var firedNames: [String] = []
        let faults = faults
        func fires(_ fault: Fault, _ what: String) -> Bool {
            guard faults.fires(fault, chargeID: delivery.chargeID, cardNumber: card, attempt: number) else { return false }
            fired.append(ChargeEvent(chargeID: delivery.chargeID, kind: "fault", detail: "\(fault.rawValue): \(what)", at: now))
            firedNames.append(fault.rawValue)
            return true
        }
        var outbox: [OutboxMessage] = []
        var latency: Duration?
        var requestHeaders: [HeaderField] = []
        let outcome: DeliveryFlow.Outcome
        switch delivery.channel {
        case .page:
            outcome = .delivered(httpStatus: nil, detail: "shown on the transaction page")
        case .sms:
            if let sms = try? Self.payloadDecoder.decode(EmailMessage.self, from: Data(delivery.payload.utf8)) {
                outbox.append(
                    OutboxMessage(
                        channel: .sms, participantID: delivery.participantID, recipient: sms.to, subject: sms.subject, body: sms.body,
                        chargeID: delivery.chargeID, createdAt: now
                    )
                )
                outcome = .delivered(httpStatus: nil, detail: "the held-back text reaches \(sms.to)")
            } else {
                outcome = .disabled(httpStatus: nil, detail: "the text could not be read back from its delivery")
            }
        case .email:
            guard let email = try? Self.payloadDecoder.decode(EmailMessage.self, from: Data(delivery.payload.utf8)) else {
                outcome = .disabled(httpStatus: nil, detail: "the e-mail could not be read back from its delivery")
                break
            }
            if number == 1, fires(.emailDelayed, "the voucher e-mail is held back \(Int(faults.emailDelay / 60)) min") {
                outcome = .deferred(detail: "held back by an injected delay", until: now + faults.emailDelay)
            } else if fires(.emailLost, "the voucher e-mail to \(email.to) was lost on the way") {
                outcome = .delivered(httpStatus: nil, detail: "handed over for \(email.to), never arrived")
            } else {
                var to = email.to
                if fires(.emailStaleAddress, "sent to the participant's old address") { to = Self.staleAddress(email.to) }
                let message = OutboxMessage(
                    channel: .email, participantID: delivery.participantID, recipient: to, subject: email.subject, body: email.body,
                    chargeID: delivery.chargeID, createdAt: now
                )
                // The duplicate is on the timeline only if it did arrive (a mail system may take one copy, not both).
                let twice = faults.fires(.emailDuplicated, chargeID: delivery.chargeID, cardNumber: card, attempt: number)
                (outcome, outbox) = await mail(message, copies: twice ? 2 : 1, delivery: delivery, at: now)
                if outbox.count == 2 { _ = fires(.emailDuplicated, "the voucher e-mail arrives twice") }
            }
        case .webhook where number == 1 && delivery.eventType == .chargePaid && fires(.webhookReordered, "charge.paid held back a minute, so voucher.issued arrives first"):
            outcome = .deferred(detail: "held back so the events arrive out of order", until: now + 60)
        case .webhook:
            if fires(.webhookServerError, "attempt \(number) answered 503 before reaching the platform") {
                outcome = .failed(httpStatus: 503, detail: "HTTP 503 (injected)", retryAfter: nil)
            } else if fires(.webhookTimeout, "attempt \(number) timed out before reaching the platform") {
                outcome = .failed(httpStatus: nil, detail: "timed out (injected)", retryAfter: nil)
            } else {
                var sent: DeliveryFlow.Outcome
                (sent, latency, requestHeaders) = await sendWebhook(delivery)
                if case .delivered = sent, fires(.webhookReset, "attempt \(number) reached the platform, then the connection was reset") {
                    sent = .failed(httpStatus: nil, detail: "connection reset after the platform got it (injected)", retryAfter: nil)
                } else if case .delivered(let status, let detail) = sent, fires(.webhookDuplicated, "the webhook is sent twice") {
                    _ = await sendWebhook(delivery)
                    sent = .delivered(httpStatus: status, detail: detail + ", sent twice (injected)")
                }
                outcome = sent
            }
        }
        var updated = delivery
        var (attempt, events) = flow.record(&updated, outcome, at: now, latency: latency)
        attempt.requestHeaders = requestHeaders
        attempt.faults = firedNames
        let recorded = try await store.recordAttempt(updated, attempt, outbox: outbox, events: fired + events)
        if recorded, case .disabled(let status, _) = outcome, status == 410 {
            try await store.disableWebhookEndpoint(platformID: delivery.platformID, now: now)
        }
        return recorded
    }

    private static let payloadDecoder = JSONDecoder()

    /// The address a participant used before: `budi.santoso.7@mail.example.id` → `budi.santoso.7@old-mail.example.id`.
    static func staleAddress(_ address: String) -> String {
        guard let at = address.firstIndex(of: "@") else { return "old." + address }
        return String(address[..<at]) + "@old-" + String(address[address.index(after: at)...])
    }

    /// Puts the e-mail in the participant's mailbox (`copies` times) — through the mail system first, when
    /// there is one: a message it did not accept never reached the participant.
    private func mail(_ message: OutboxMessage, copies: Int, delivery: Delivery, at now: Date) async -> (DeliveryFlow.Outcome, [OutboxMessage]) {
        let twice = copies > 1 ? ", twice" : ""
        guard let mailer else { return (.delivered(httpStatus: nil, detail: "to \(message.recipient)\(twice)"), Array(repeating: message, count: copies)) }
        let email = OutgoingEmail(
            to: message.recipient, subject: message.subject, body: message.body, eventID: delivery.eventID, chargeID: delivery.chargeID, date: now
        )
        var accepted: [String] = []
        var duplicateRefused = ""
        for copy in 0..<copies {
            switch await mailer.send(email) {
            case .accepted(let reply): accepted.append(reply)
            case .transient(let reason) where copy == 0:
                return (.failed(httpStatus: nil, detail: "\(mailer.name): \(reason)", retryAfter: nil), [])
            case .permanent(let reason) where copy == 0:
                return (.disabled(httpStatus: nil, detail: "\(mailer.name) refused it for good: \(reason)"), [])
            case .transient(let reason), .permanent(let reason):
                duplicateRefused = "; the injected second copy was refused: \(reason)"  // the first copy arrived
            }
        }
        let detail = "to \(message.recipient) through \(mailer.name) (\(accepted[0]))" + (accepted.count > 1 ? ", twice" : "") + duplicateRefused
        return (.delivered(httpStatus: nil, detail: detail), Array(repeating: message, count: accepted.count))
    }

    private func sendWebhook(_ delivery: Delivery) async -> (DeliveryFlow.Outcome, Duration?, [HeaderField]) {
        let endpoint = try? await store.webhookEndpoints().first { $0.platformID == delivery.platformID }
        guard let endpoint, endpoint.enabled else {
            return (.disabled(httpStatus: nil, detail: endpoint == nil ? "no webhook endpoint configured" : "the endpoint is disabled (it answered 410)"), nil, [])
        }
        guard let platform = catalog.platform(delivery.platformID) else { return (.disabled(httpStatus: nil, detail: "unknown platform"), nil, []) }
        let body = Array(delivery.payload.utf8)
        let headers = [("Content-Type", "application/json")]
            + StandardWebhooks.headers(
                secret: StandardWebhooks.secret(for: platform), id: delivery.eventID, timestamp: Int64(wallClock.now().timeIntervalSince1970), body: body
            )
        let sent = headers.map { HeaderField($0.0, $0.1) }
        switch await transport.post(url: endpoint.url, headers: headers, body: body, timeout: timeout) {
        case .unreachable(let reason, let latency):
            return (.failed(httpStatus: nil, detail: reason, retryAfter: nil), latency, sent)
        case .answered(let status, let responseHeaders, let latency):
            switch status {
            case 200..<300: return (.delivered(httpStatus: status, detail: "HTTP \(status)"), latency, sent)
            case 410: return (.disabled(httpStatus: status, detail: "HTTP 410: the endpoint is gone; disabled until it is set again"), latency, sent)
            case 429:
                // Delay-seconds only (an HTTP-date is ignored), at most a week: a receiver cannot push an attempt out of range.
                let after = responseHeaders.first { $0.0.lowercased() == "retry-after" }
                    .flatMap { Int($0.1.trimmingCharacters(in: .whitespaces)) }.map { TimeInterval(min(max($0, 0), 7 * 86_400)) }
                return (.failed(httpStatus: status, detail: "HTTP 429" + (after.map { ", Retry-After \(Int($0)) s" } ?? ""), retryAfter: after), latency, sent)
            default: return (.failed(httpStatus: status, detail: "HTTP \(status)", retryAfter: nil), latency, sent)
            }
        }
    }
}
