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
    func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [BuyerCourse]

    /// Creates an unpaid order for one course.
    func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> BuyerOrder

    /// Starts paying: the gateway texts an OTP to the participant's phone. Asking again while an OTP is
    /// outstanding returns the order unchanged (use ``resendOTP(account:orderID:)`` for a new code).
    func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder

    /// A new OTP for the order's payment (the old one stops working).
    func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder

    /// Pays with `otp`. Repeating it with the same `idempotencyKey` repeats the first outcome: one debit,
    /// the same voucher. Platforms that deliver the voucher later return the order without it.
    func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> BuyerOrder

    /// The order as the transaction page shows it now.
    func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder

    /// The order's voucher, or ``BuyerError/Kind/voucherNotReady`` while the platform has none.
    func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerVoucher
}
