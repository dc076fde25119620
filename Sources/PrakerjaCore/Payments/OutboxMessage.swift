import Foundation

/// A message the gateway "sent": SMS with an OTP, or an e-mail with a voucher.
public struct OutboxMessage: Codable, Sendable, Equatable {
    public enum Channel: String, Codable, Sendable, CaseIterable { case sms, email }
    public var id: Int64?
    public var channel: Channel
    public var participantID: String
    public var recipient: String
    public var subject: String
    public var body: String
    public var chargeID: String?
    public var createdAt: Date

    public init(id: Int64? = nil, channel: Channel, participantID: String, recipient: String, subject: String, body: String, chargeID: String? = nil, createdAt: Date) {
        self.id = id
        self.channel = channel
        self.participantID = participantID
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.chargeID = chargeID
        self.createdAt = createdAt
    }
}
