/// How much the simulation holds, at a glance.
public struct SimulationCounts: Codable, Sendable, Equatable {
    public var participants: Int
    /// By status: pending, paid, expired, locked, refunded (every status present, zero when none).
    public var charges: [String: Int]
    public var vouchers: Int
    /// By channel: sms, email.
    public var messages: [String: Int]
    /// By status: pending, delivered, exhausted.
    public var deliveries: [String: Int]
    public var deliveryAttempts: Int

    public init(participants: Int, charges: [String: Int], vouchers: Int, messages: [String: Int], deliveries: [String: Int], deliveryAttempts: Int) {
        self.participants = participants
        self.charges = charges
        self.vouchers = vouchers
        self.messages = messages
        self.deliveries = deliveries
        self.deliveryAttempts = deliveryAttempts
    }
}
