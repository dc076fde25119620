import Foundation

/// Delivery decisions as pure functions: which deliveries an event makes, and what an attempt's outcome
/// does to its delivery (delivered, retried on the schedule, or exhausted and dead-lettered).
public struct DeliveryFlow: Sendable {
    public let schedule: RetrySchedule
    public let entropy: EntropySource

    public init(schedule: RetrySchedule = .xendit, entropy: EntropySource) {
        self.schedule = schedule
        self.entropy = entropy
    }

    /// What one attempt got.
    public enum Outcome: Sendable, Equatable {
        case delivered(httpStatus: Int?, detail: String)
        /// Worth another attempt; `retryAfter` is the receiver's `Retry-After`, if it gave one.
        case failed(httpStatus: Int?, detail: String, retryAfter: TimeInterval?)
        /// The endpoint is gone (410) or not configured: no more attempts.
        case disabled(httpStatus: Int?, detail: String)
        /// Held back until `until` (an injected delay); not a failure.
        case deferred(detail: String, until: Date)
    }

    /// The stable ids of an event and of its delivery on a channel.
    public func eventID(chargeID: String, kind: WebhookEvent.Kind) -> String {
        var rng = entropy.generator(.event, chargeID, kind.rawValue)
        return "msg_" + rng.string(24, from: Self.idAlphabet)
    }

    public func deliveryID(eventID: String, channel: DeliveryChannel) -> String {
        var rng = entropy.generator(.delivery, eventID, channel.rawValue)
        return "dlv_" + rng.string(20, from: Self.idAlphabet)
    }

    static let idAlphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// Queues an event about the workspace's charge: its webhook when the platform has an endpoint, and the
    /// e-mail when one is given. Both are due at once; the engine delivers them after the commit.
    public func emit(_ ws: inout Workspace, _ kind: WebhookEvent.Kind, email: EmailMessage? = nil) {
        guard let charge = ws.charge else { return }
        let event = WebhookEvent(type: kind, at: ws.now, data: .init(charge: charge, voucher: ws.voucher))
        let eventID = eventID(chargeID: charge.id, kind: kind)
        func queue(_ channel: DeliveryChannel, _ payload: String) {
            ws.queue(
                Delivery(
                    id: deliveryID(eventID: eventID, channel: channel), eventID: eventID, eventType: kind, chargeID: charge.id,
                    platformID: charge.platformID, participantID: charge.participantID, channel: channel, nextAttemptAt: ws.now, payload: payload,
                    createdAt: ws.now
                )
            )
        }
        if let email {
            queue(.email, (try? String(decoding: Self.payloadEncoder.encode(email), as: UTF8.self)) ?? "{}")
            ws.record("email_queued", "\(kind.rawValue) to \(email.to)")
        }
        if ws.webhookSubscribed {
            queue(.webhook, event.body)
            ws.record("webhook_queued", "\(kind.rawValue) \(eventID)")
        }
    }

    /// Message payloads as stored: keys sorted, so a payload is the same in every run. Made once (it is used
    /// inside the command that queues the delivery).
    static let payloadEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// Holds a text message back until `until` (a late OTP SMS): a delivery on the SMS channel.
    public func hold(_ ws: inout Workspace, sms: EmailMessage, send: Int, until: Date) {
        guard let charge = ws.charge else { return }
        var rng = entropy.generator(.delivery, charge.id, "sms", String(send))
        ws.queue(
            Delivery(
                id: "dlv_" + rng.string(20, from: Self.idAlphabet), eventID: "sms_\(charge.id)_\(send)", eventType: .chargePaid, chargeID: charge.id,
                platformID: charge.platformID, participantID: charge.participantID, channel: .sms, nextAttemptAt: until,
                payload: (try? String(decoding: Self.payloadEncoder.encode(sms), as: UTF8.self)) ?? "{}", createdAt: ws.now
            )
        )
    }

    /// Applies an attempt's outcome to `delivery`; returns the attempt and the timeline entries it adds.
    public func record(_ delivery: inout Delivery, _ outcome: Outcome, at: Date, latency: Duration? = nil) -> (DeliveryAttempt, [ChargeEvent]) {
        delivery.attempts += 1
        let number = delivery.attempts
        let what = "\(delivery.channel.rawValue) \(delivery.eventType.rawValue)"
        var attempt = DeliveryAttempt(
            deliveryID: delivery.id, number: number, at: at, result: .delivered, detail: "",
            latencyMilliseconds: latency.map { Int($0.microseconds / 1000) }
        )
        var events: [ChargeEvent] = []
        let chargeID = delivery.chargeID
        func event(_ kind: String, _ detail: String) { events.append(ChargeEvent(chargeID: chargeID, kind: kind, detail: detail, at: at)) }
        switch outcome {
        case .delivered(let status, let detail):
            (attempt.httpStatus, attempt.detail) = (status, detail)
            delivery.status = .delivered
            delivery.deliveredAt = at
            delivery.nextAttemptAt = nil
            event(delivery.channel == .email ? "voucher_emailed" : "\(delivery.channel.rawValue)_delivered", "\(what), attempt \(number): \(detail)")
        case .failed(let status, let detail, let retryAfter):
            (attempt.result, attempt.httpStatus, attempt.detail) = (.failed, status, detail)
            if let delay = schedule.delay(after: number) {
                let next = at + max(delay, retryAfter ?? 0)
                delivery.nextAttemptAt = next
                attempt.nextAttemptAt = next
                event("\(delivery.channel.rawValue)_failed", "\(what), attempt \(number): \(detail); next attempt at \(Timestamps.iso8601(next))")
            } else {
                exhaust(&delivery, "attempt \(number) of \(schedule.attempts): \(detail)", event)
            }
        case .disabled(let status, let detail):
            (attempt.result, attempt.httpStatus, attempt.detail) = (.disabled, status, detail)
            exhaust(&delivery, "attempt \(number): \(detail)", event)
        case .deferred(let detail, let until):
            (attempt.result, attempt.detail, attempt.nextAttemptAt) = (.delayed, detail, until)
            delivery.nextAttemptAt = until
            event("\(delivery.channel.rawValue)_delayed", "\(what): \(detail); goes out at \(Timestamps.iso8601(until))")
        }
        delivery.lastOutcome = attempt.detail
        return (attempt, events)
    }

    private func exhaust(_ delivery: inout Delivery, _ why: String, _ event: (String, String) -> Void) {
        delivery.status = .exhausted
        delivery.nextAttemptAt = nil
        event("voucher.delivery_exhausted", "\(delivery.channel.rawValue) \(delivery.eventType.rawValue) dead-lettered after \(why)")
    }
}
