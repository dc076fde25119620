/// Where the store's story has got to: it changes whenever a message, a timeline entry, a delivery attempt, a
/// charge, a ledger entry or a participant is added, when a webhook endpoint is set, changed or removed, when
/// the clock is advanced, and on a reset. (A change to a participant alone — videos watched, a revocation —
/// does not move it.) Cheap to read, so a live view can poll it
/// and fetch only when it moved — from any process on the same database.
public struct ChangeMark: Codable, Sendable, Equatable {
    public var epoch: Int64
    public var clockOffset: Double
    public var lastMessageID: Int64
    public var lastEventID: Int64
    public var lastAttemptID: Int64
    public var lastChargeID: Int64
    /// Participants ever created (the participant sequence).
    public var participants: Int64
    public var lastLedgerID: Int64
    /// Changes whenever a webhook endpoint is set, disabled or removed.
    public var endpoints: Int64

    public init(
        epoch: Int64, clockOffset: Double, lastMessageID: Int64, lastEventID: Int64, lastAttemptID: Int64, lastChargeID: Int64, participants: Int64,
        lastLedgerID: Int64, endpoints: Int64
    ) {
        self.participants = participants
        self.lastLedgerID = lastLedgerID
        self.endpoints = endpoints
        self.epoch = epoch
        self.clockOffset = clockOffset
        self.lastMessageID = lastMessageID
        self.lastEventID = lastEventID
        self.lastAttemptID = lastAttemptID
        self.lastChargeID = lastChargeID
    }
}
