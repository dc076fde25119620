import Foundation

/// What a buyer does on any of the seven platforms, whatever its dialect: sign in and bind the Prakerja
/// card to the platform account, browse the platform's courses, place an order, pay with the card number
/// and an OTP, and read the order and its voucher from the transaction page.
///
/// Every method throws ``BuyerError`` only. Implementations translate; they hold no platform logic.
public protocol PlatformAdapter: Sendable {
    /// The platform's id in the catalog (`tokopedia`, `sisnaker`, …).
    var platformID: String { get }

    /// Signs `username` in (creating the account on first use) and binds `cardNumber` to it.
    /// Signing in again with the same pair is harmless.
    func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount

    /// The platform's courses, cheapest first, optionally of one type.
    func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [StoreCourse]

    /// Creates an unpaid order for one course.
    func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> StoreOrder

    /// Starts paying: the gateway texts an OTP to the participant's phone. Asking again while an OTP is
    /// outstanding returns the order unchanged (use ``resendOTP(account:orderID:)`` for a new code).
    func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder

    /// A new OTP for the order's payment (the old one stops working).
    func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder

    /// Pays with `otp`. Repeating it with the same `idempotencyKey` repeats the first outcome: one debit,
    /// the same voucher. Platforms that deliver the voucher later return the order without it.
    func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> StoreOrder

    /// The order as the transaction page shows it now.
    func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder

    /// The order's voucher, or ``BuyerError/Kind/voucherNotReady`` while the platform has none.
    func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreVoucher
}

/// A platform account with a bound card.
public struct BuyerAccount: Sendable, Hashable, Codable {
    /// The platform's own id for the account (its format differs per platform).
    public var id: String
    public var username: String
    public var cardNumber: String

    public init(id: String, username: String, cardNumber: String) {
        self.id = id
        self.username = username
        self.cardNumber = cardNumber
    }
}

/// A course as a platform lists it.
public struct StoreCourse: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
    public var providerID: String
    public var type: CourseType
    public var price: Rupiah

    public init(id: String, title: String, providerID: String, type: CourseType, price: Rupiah) {
        self.id = id
        self.title = title
        self.providerID = providerID
        self.type = type
        self.price = price
    }

    public init(_ course: Course) {
        self.init(id: course.id, title: course.title, providerID: course.providerID, type: course.type, price: course.price)
    }
}

/// An order's state on the transaction page.
public enum OrderStatus: String, Sendable, Codable, CaseIterable {
    /// Placed, payment not started.
    case created
    /// An OTP was sent; waiting for the buyer to confirm.
    case awaitingOTP = "awaiting_otp"
    /// Paid; the voucher may still be on its way (platforms that learn it later).
    case paid
    /// Too many wrong OTPs.
    case locked
    /// Not paid in time.
    case expired
    /// Paid, then the voucher was cancelled and the amount refunded.
    case refunded
}

public struct StoreOrder: Sendable, Hashable, Codable {
    public var id: String
    public var accountID: String
    public var courseID: String
    public var amount: Rupiah
    public var status: OrderStatus
    /// When the outstanding OTP stops working (awaiting OTP only).
    public var otpExpiresAt: Date?
    public var voucher: StoreVoucher?

    public init(id: String, accountID: String, courseID: String, amount: Rupiah, status: OrderStatus, otpExpiresAt: Date?, voucher: StoreVoucher?) {
        self.id = id
        self.accountID = accountID
        self.courseID = courseID
        self.amount = amount
        self.status = status
        self.otpExpiresAt = otpExpiresAt
        self.voucher = voucher
    }
}

/// A voucher as a platform shows it.
public struct StoreVoucher: Sendable, Hashable, Codable {
    /// The gateway's voucher code (`PRK-XXXX-XXXX-XXXX`), recovered from the platform's display format.
    public var code: String
    /// How the platform prints the code to its buyer.
    public var displayCode: String
    /// The code the training provider redeems (a UUID).
    public var redeemCode: String
    public var invoiceCode: String
    public var courseID: String
    public var providerID: String

    public init(code: String, displayCode: String, redeemCode: String, invoiceCode: String, courseID: String, providerID: String) {
        self.code = code
        self.displayCode = displayCode
        self.redeemCode = redeemCode
        self.invoiceCode = invoiceCode
        self.courseID = courseID
        self.providerID = providerID
    }
}

/// How a platform learns that an order was paid and what its voucher is.
public enum VoucherDelivery: String, Sendable, Codable {
    /// The voucher is in the response to the OTP confirmation.
    case synchronous
    /// The confirmation only says "processing"; the transaction page shows the voucher once the platform
    /// has fetched it from the gateway.
    case polling
}
