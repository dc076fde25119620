import Foundation
import PrakerjaCore

/// An order as the storefront keeps it: what was sold, and the charge and voucher that paid for it.
public struct StorefrontOrder: Sendable, Hashable {
    public var platformID: String
    /// Empty until the store assigns it.
    public var id: String
    public var accountID: String
    public var courseID: String
    public var amount: Rupiah
    public var status: OrderStatus
    /// The gateway charge paying for the order, once payment started.
    public var chargeID: String?
    /// Charge attempts the gateway refused (each retry after a refusal uses a fresh idempotency key).
    public var refusedAttempts: Int
    public var otpExpiresAt: Date?
    public var voucher: StorefrontVoucher?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        platformID: String, id: String = "", accountID: String, courseID: String, amount: Rupiah, status: OrderStatus = .created,
        chargeID: String? = nil, refusedAttempts: Int = 0, otpExpiresAt: Date? = nil, voucher: StorefrontVoucher? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.platformID = platformID
        self.id = id
        self.accountID = accountID
        self.courseID = courseID
        self.amount = amount
        self.status = status
        self.chargeID = chargeID
        self.refusedAttempts = refusedAttempts
        self.otpExpiresAt = otpExpiresAt
        self.voucher = voucher
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
