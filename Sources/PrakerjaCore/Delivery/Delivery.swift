import Foundation

/// One event on its way through one channel: the transactional outbox's row. The command that caused the
/// event (a payment, a refund) writes it in its own transaction; the delivery engine then makes attempts on
/// the retry schedule until one succeeds or the schedule is exhausted.
public struct Delivery: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Waiting for its next attempt at `nextAttemptAt`.
        case pending
        case delivered
        /// Every scheduled attempt failed (or the endpoint was disabled): dead-lettered, resent only by hand.
        case exhausted
    }

    /// `dlv_…`, derived from the event id and the channel.
    public var id: String
    /// The event's id (`msg_…`), the same on every channel and every attempt: the `webhook-id` a receiver
    /// de-duplicates by.
    public var eventID: String
    public var eventType: WebhookEvent.Kind
    public var chargeID: String
    public var platformID: String
    public var participantID: String
    public var channel: DeliveryChannel
    public var status: Status
    /// Attempts made so far.
    public var attempts: Int
    /// Business time of the next attempt (nil once delivered or exhausted).
    public var nextAttemptAt: Date?
    /// The event body, exactly as a webhook sends it (`{"data","timestamp","type"}`, keys sorted).
    public var payload: String
    public var createdAt: Date
    public var deliveredAt: Date?
    /// What the last attempt got, for people reading the timeline.
    public var lastOutcome: String?

    public init(
        id: String, eventID: String, eventType: WebhookEvent.Kind, chargeID: String, platformID: String, participantID: String,
        channel: DeliveryChannel, status: Status = .pending, attempts: Int = 0, nextAttemptAt: Date?, payload: String, createdAt: Date,
        deliveredAt: Date? = nil, lastOutcome: String? = nil
    ) {
        self.id = id
        self.eventID = eventID
        self.eventType = eventType
        self.chargeID = chargeID
        self.platformID = platformID
        self.participantID = participantID
        self.channel = channel
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.payload = payload
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
        self.lastOutcome = lastOutcome
    }
}
