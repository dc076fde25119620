import Foundation

public struct BuyerOrder: Sendable, Hashable, Codable {
    public var id: String
    public var accountID: String
    public var courseID: String
    public var amount: Rupiah
    public var status: OrderStatus
    /// When the outstanding OTP stops working (awaiting OTP only).
    public var otpExpiresAt: Date?
    public var voucher: BuyerVoucher?

    public init(id: String, accountID: String, courseID: String, amount: Rupiah, status: OrderStatus, otpExpiresAt: Date?, voucher: BuyerVoucher?) {
        self.id = id
        self.accountID = accountID
        self.courseID = courseID
        self.amount = amount
        self.status = status
        self.otpExpiresAt = otpExpiresAt
        self.voucher = voucher
    }
}
