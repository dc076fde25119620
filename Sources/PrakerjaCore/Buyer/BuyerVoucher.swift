import Foundation

/// A voucher as a platform shows it.
public struct BuyerVoucher: Sendable, Hashable, Codable {
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
