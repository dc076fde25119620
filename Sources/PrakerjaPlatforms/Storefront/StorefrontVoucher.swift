import Foundation

/// The gateway's voucher, as the storefront keeps it.
public struct StorefrontVoucher: Sendable, Hashable {
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
