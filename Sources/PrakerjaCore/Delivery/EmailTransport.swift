import Foundation

/// How the delivery engine hands a voucher e-mail to a real mail system (besides the simulator's own
/// mailbox). The real one speaks SMTP (`PrakerjaClient.SMTPMailer`); the core only knows this shape.
public protocol EmailTransport: Sendable {
    /// Where mail goes, in words (`SMTP 127.0.0.1:1025`), for the timeline.
    var name: String { get }
    func send(_ email: OutgoingEmail) async -> EmailSendResult
}

/// One e-mail as it leaves the gateway.
public struct OutgoingEmail: Sendable, Equatable {
    public var to: String
    public var subject: String
    public var body: String
    /// The event's id: the same `Message-ID` on every attempt and on a duplicate, as a mail system would see
    /// one message sent again.
    public var eventID: String
    public var chargeID: String
    /// Business time of the attempt: the message's `Date`.
    public var date: Date

    public init(to: String, subject: String, body: String, eventID: String, chargeID: String, date: Date) {
        self.to = to
        self.subject = subject
        self.body = body
        self.eventID = eventID
        self.chargeID = chargeID
        self.date = date
    }
}

/// What the mail system did with one message.
public enum EmailSendResult: Sendable, Equatable {
    /// Accepted (SMTP `250` after the data): `reply` is the server's last line.
    case accepted(reply: String)
    /// Not now (a `4xx` reply, refused, reset, timed out): worth another attempt on the retry schedule.
    case transient(reason: String)
    /// Never (a `5xx` reply: unknown mailbox, relay denied): dead-lettered.
    case permanent(reason: String)
}
