import Foundation

/// A storefront's own state: its accounts (each bound to one card) and its orders. The gateway holds the
/// money; a storefront remembers what it sold and which charge paid for it.
public protocol StorefrontStore: Sendable {
    /// Finds or creates `username` on `platformID` and binds `cardNumber` to it, atomically.
    /// Throws ``BuyerError`` `.accountBoundToOtherCard` or `.cardBoundToOtherAccount` on a conflict.
    /// `makeID` turns the account's sequence number into the platform's account id.
    func bind(platformID: String, username: String, cardNumber: String, now: Date, makeID: @Sendable (Int64) -> String) async throws -> StorefrontAccount

    func account(platformID: String, id: String) async throws -> StorefrontAccount?

    /// Inserts a new order; `makeID` turns its sequence number into the platform's order id.
    func createOrder(_ draft: StorefrontOrder, makeID: @Sendable (Int64) -> String) async throws -> StorefrontOrder

    func order(platformID: String, id: String) async throws -> StorefrontOrder?

    /// Saves `order`. A paid or refunded order never goes back to an unpaid state, and a known voucher is
    /// never forgotten, whatever order concurrent saves arrive in.
    func save(_ order: StorefrontOrder) async throws
}

public struct StorefrontAccount: Sendable, Hashable {
    public var platformID: String
    public var id: String
    public var username: String
    public var cardNumber: String
    public var createdAt: Date

    public init(platformID: String, id: String, username: String, cardNumber: String, createdAt: Date) {
        self.platformID = platformID
        self.id = id
        self.username = username
        self.cardNumber = cardNumber
        self.createdAt = createdAt
    }

    public var buyer: BuyerAccount { BuyerAccount(id: id, username: username, cardNumber: cardNumber) }
}

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
    public var voucher: Voucher?
    public var createdAt: Date
    public var updatedAt: Date

    /// The gateway's voucher, as the storefront keeps it.
    public struct Voucher: Sendable, Hashable {
        public var code: String
        public var redeemCode: String
        public var invoiceCode: String
        public var providerID: String

        public init(code: String, redeemCode: String, invoiceCode: String, providerID: String) {
            self.code = code
            self.redeemCode = redeemCode
            self.invoiceCode = invoiceCode
            self.providerID = providerID
        }
    }

    public init(
        platformID: String, id: String = "", accountID: String, courseID: String, amount: Rupiah, status: OrderStatus = .created,
        chargeID: String? = nil, refusedAttempts: Int = 0, otpExpiresAt: Date? = nil, voucher: Voucher? = nil, createdAt: Date, updatedAt: Date
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
