/// A voucher e-mail as rendered when the event happened, kept in its delivery until it is sent.
public struct EmailMessage: Codable, Sendable, Equatable {
    public var to: String
    public var subject: String
    public var body: String

    public init(to: String, subject: String, body: String) {
        self.to = to
        self.subject = subject
        self.body = body
    }
}
