import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

// PijarMahir's wire types: the JSON (or form) shapes its storefront and adapter exchange.
extension PijarMahir {
    struct Envelope<T: Codable>: Codable {
        var success: Bool
        var message: String
        var data: T?
    }
    struct BindRequest: Codable {
        var username: String
        var cardNumber: String
    }
    struct Account: Codable {
        var accountId: String
        var username: String
        var cardNumber: String
    }
    struct Course: Codable {
        var courseCode: String
        var courseName: String
        var providerId: String
        var courseType: String
        var price: Int64
    }
    struct OrderRequest: Codable {
        var accountId: String
        var courseCode: String
    }
    struct AccountRef: Codable { var accountId: String }
    struct ConfirmRequest: Codable {
        var accountId: String
        var otp: String
        var requestId: String
    }
    struct Order: Codable {
        var orderNumber: String
        var accountId: String
        var courseCode: String
        var price: Int64
        /// created, waiting_otp, paid, locked, expired, refunded
        var status: String
        var otpExpiredAt: Int64?
        var voucher: WireVoucher?
    }
    struct WireVoucher: Codable {
        var voucherCode: String
        var redeemCode: String
        var invoiceCode: String
        var providerId: String
        var courseCode: String
    }

    static let statuses: [OrderStatus: String] = [.created: "created", .awaitingOTP: "waiting_otp", .paid: "paid", .locked: "locked", .expired: "expired", .refunded: "refunded"]
    static let encoder = Wire.snakeEncoder()
    static let decoder = Wire.snakeDecoder()

    static func order(_ o: BuyerOrder) -> Order {
        Order(
            orderNumber: o.id, accountId: o.accountID, courseCode: o.courseID, price: o.amount, status: statuses[o.status]!,
            otpExpiredAt: o.otpExpiresAt.map { Int64($0.timeIntervalSince1970) }, voucher: o.voucher.map(voucher)
        )
    }
    static func voucher(_ v: BuyerVoucher) -> WireVoucher { WireVoucher(voucherCode: v.displayCode, redeemCode: v.redeemCode, invoiceCode: v.invoiceCode, providerId: v.providerID, courseCode: v.courseID) }
}
