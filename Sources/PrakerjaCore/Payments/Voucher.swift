import Foundation

/// Proof of a paid training: the voucher code shown to the participant and the redeem code the training
/// provider checks and commits through the redeem-code API.
public struct Voucher: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case active
        /// The redeem code was cancelled (and the amount refunded).
        case cancelled
        /// The transaction behind it was cancelled (and the amount refunded).
        case transactionCancelled = "transaction_cancelled"
    }

    public var code: String
    public var redeemCode: String
    public var invoiceCode: String
    public var chargeID: String
    public var participantID: String
    public var courseID: String
    public var providerID: String
    public var platformID: String
    public var amount: Rupiah
    public var status: Status
    public var issuedAt: Date
    /// First commit at the provider (sequence 1 or later).
    public var redeemedAt: Date?
    /// Sequences committed at the provider, ascending.
    public var attendedSequences: [Int]
    public var completedAt: Date?
    public var rating: Int?

    public init(code: String, redeemCode: String, invoiceCode: String, chargeID: String, participantID: String, courseID: String, providerID: String, platformID: String, amount: Rupiah, status: Status, issuedAt: Date, redeemedAt: Date? = nil, attendedSequences: [Int], completedAt: Date? = nil, rating: Int? = nil) {
        self.code = code
        self.redeemCode = redeemCode
        self.invoiceCode = invoiceCode
        self.chargeID = chargeID
        self.participantID = participantID
        self.courseID = courseID
        self.providerID = providerID
        self.platformID = platformID
        self.amount = amount
        self.status = status
        self.issuedAt = issuedAt
        self.redeemedAt = redeemedAt
        self.attendedSequences = attendedSequences
        self.completedAt = completedAt
        self.rating = rating
    }
}

/// A movement of training balance. `amount` is always positive; `kind` says which way it went.
public struct LedgerEntry: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case debit
        case refund
        /// Balance lost on revocation.
        case forfeit
    }

    public var participantID: String
    public var chargeID: String?
    public var kind: Kind
    public var amount: Rupiah
    public var balanceAfter: Rupiah
    public var at: Date

    public init(participantID: String, chargeID: String? = nil, kind: Kind, amount: Rupiah, balanceAfter: Rupiah, at: Date) {
        self.participantID = participantID
        self.chargeID = chargeID
        self.kind = kind
        self.amount = amount
        self.balanceAfter = balanceAfter
        self.at = at
    }
}

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

/// One step in a charge's life, in order: its timeline.
public struct ChargeEvent: Codable, Sendable, Equatable {
    public var chargeID: String
    public var kind: String
    public var detail: String
    public var at: Date

    public init(chargeID: String, kind: String, detail: String, at: Date) {
        self.chargeID = chargeID
        self.kind = kind
        self.detail = detail
        self.at = at
    }
}
