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
