import Foundation
import PrakerjaCore

/// A charge as a platform sees it: no OTP.
struct ChargeView: Codable {
    var id: String
    var status: String
    var cardNumber: String
    var platformId: String
    var platformOrderId: String
    var accountId: String
    var courseId: String
    var amount: Rupiah
    var otpExpiresAt: Date
    var otpAttemptsRemaining: Int
    var otpSends: Int
    var createdAt: Date
    var expiresAt: Date
    var paidAt: Date?
    var refundedAt: Date?
    var voucher: VoucherView?

    init(_ c: Charge, voucher: Voucher?, policy: PaymentPolicy) {
        id = c.id
        status = c.status.rawValue
        cardNumber = c.cardNumber
        platformId = c.platformID
        platformOrderId = c.platformOrderID
        accountId = c.accountID
        courseId = c.courseID
        amount = c.amount
        otpExpiresAt = c.otpExpiresAt
        otpAttemptsRemaining = max(0, policy.maxOTPAttempts - c.otpAttempts)
        otpSends = c.otpSends
        createdAt = c.createdAt
        expiresAt = c.expiresAt
        paidAt = c.paidAt
        refundedAt = c.refundedAt
        self.voucher = voucher.map(VoucherView.init)
    }
}
