import Foundation

/// One try at delivering, as the timeline shows it.
public struct DeliveryAttempt: Codable, Sendable, Equatable {
    public enum Result: String, Codable, Sendable {
        case delivered
        /// Worth another attempt (5xx, timeout, connection refused, 429).
        case failed
        /// The endpoint said it is gone (410): no more attempts until it is configured again.
        case disabled
        /// Held back by an injected delay; it goes out at `nextAttemptAt`.
        case delayed
    }

    public var deliveryID: String
    /// 1 for the first attempt.
    public var number: Int
    /// Business time of the attempt.
    public var at: Date
    public var result: Result
    /// The receiver's HTTP status, when it answered.
    public var httpStatus: Int?
    /// What happened, in words: `HTTP 500`, `connection refused`, `no endpoint configured`, …
    public var detail: String
    /// Round-trip time of a webhook request, in milliseconds of real time.
    public var latencyMilliseconds: Int?
    /// When the next attempt is due (business time), if there is one.
    public var nextAttemptAt: Date?
    /// The headers of the request this attempt sent (a webhook's signature among them); empty when it sent
    /// no request.
    public var requestHeaders: [HeaderField]
    /// The injected faults that fired on this attempt, by name (`webhook.5xx`).
    public var faults: [String]

    public init(
        deliveryID: String, number: Int, at: Date, result: Result, httpStatus: Int? = nil, detail: String, latencyMilliseconds: Int? = nil,
        nextAttemptAt: Date? = nil, requestHeaders: [HeaderField] = [], faults: [String] = []
    ) {
        self.deliveryID = deliveryID
        self.number = number
        self.at = at
        self.result = result
        self.httpStatus = httpStatus
        self.detail = detail
        self.latencyMilliseconds = latencyMilliseconds
        self.nextAttemptAt = nextAttemptAt
        self.requestHeaders = requestHeaders
        self.faults = faults
    }
}
