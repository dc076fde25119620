import Foundation

/// A platform's request to take a course's price from a participant's balance, paid with an OTP.
public struct Charge: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Waiting for the OTP.
        case pending
        /// Debited; a voucher was issued.
        case paid
        /// Not paid in time; holds nothing.
        case expired
        /// Too many wrong OTPs; holds nothing.
        case locked
        /// Paid, then the transaction was cancelled and the amount returned to the balance.
        case refunded
    }

    public var id: String
    public var participantID: String
    public var cardNumber: String
    public var platformID: String
    public var platformOrderID: String
    public var accountID: String
    public var courseID: String
    public var amount: Rupiah
    public var status: Status
    /// The OTP currently valid for this charge. Visible only through the simulation API's SMS outbox.
    public var otp: String
    public var otpExpiresAt: Date
    public var otpAttempts: Int
    public var otpSends: Int
    public var otpLastSentAt: Date
    public var createdAt: Date
    public var expiresAt: Date
    public var paidAt: Date?
    public var voucherCode: String?
    public var refundedAt: Date?
    /// When the platform's view of the charge starts showing its voucher (nil: at once). Set by `page.lag`.
    public var voucherVisibleAt: Date?

    /// Whether the platform sees the voucher at `now`.
    public func showsVoucher(at now: Date) -> Bool { voucherVisibleAt.map { now >= $0 } ?? true }

    public init(id: String, participantID: String, cardNumber: String, platformID: String, platformOrderID: String, accountID: String, courseID: String, amount: Rupiah, status: Status, otp: String, otpExpiresAt: Date, otpAttempts: Int, otpSends: Int, otpLastSentAt: Date, createdAt: Date, expiresAt: Date, paidAt: Date? = nil, voucherCode: String? = nil, refundedAt: Date? = nil, voucherVisibleAt: Date? = nil) {
        self.id = id
        self.participantID = participantID
        self.cardNumber = cardNumber
        self.platformID = platformID
        self.platformOrderID = platformOrderID
        self.accountID = accountID
        self.courseID = courseID
        self.amount = amount
        self.status = status
        self.otp = otp
        self.otpExpiresAt = otpExpiresAt
        self.otpAttempts = otpAttempts
        self.otpSends = otpSends
        self.otpLastSentAt = otpLastSentAt
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.paidAt = paidAt
        self.voucherCode = voucherCode
        self.refundedAt = refundedAt
        self.voucherVisibleAt = voucherVisibleAt
    }
}
