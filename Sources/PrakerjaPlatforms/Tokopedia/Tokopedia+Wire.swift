import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

// Tokopedia's wire types: the JSON (or form) shapes its storefront and adapter exchange.
extension Tokopedia {
    struct Header: Codable {
        var processTime: Double
        var messages: String
        var reason: String
        var errorCode: String
    }

    struct Envelope<T: Codable>: Codable {
        var header: Header
        var data: T?
    }

    struct Token: Codable {
        var accessToken: String
        var expiresIn: Int
        var tokenType: String
    }

    struct BindRequest: Codable {
        var username: String
        var prakerjaCardNumber: String
    }

    struct User: Codable {
        var userId: Int64
        var username: String
        var prakerjaCardNumber: String
    }

    struct Product: Codable {
        var productId: String
        var name: String
        var shopId: String
        var productType: String
        var price: Int64
    }

    struct OrderRequest: Codable {
        var userId: Int64
        var productId: String
    }

    struct ConfirmRequest: Codable {
        var otp: String
    }

    struct Order: Codable {
        var orderId: Int64
        var userId: Int64
        var productId: String
        var totalPrice: Int64
        /// 100 new, 103 waiting for OTP, 220 payment verified, 15 payment locked, 0 cancelled (expired), 690 refunded.
        var orderStatus: Int
        var otpExpiredAt: Int64?
        var voucher: WireVoucher?
    }

    struct WireVoucher: Codable {
        var voucherCode: String
        var redeemCode: String
        var invoiceRefNum: String
        var shopId: String
        var productId: String
    }

    static let statusCodes: [OrderStatus: Int] = [.created: 100, .awaitingOTP: 103, .paid: 220, .locked: 15, .expired: 0, .refunded: 690]

    static let encoder = Wire.snakeEncoder()
    static let decoder = Wire.snakeDecoder()

    static func voucher(_ v: BuyerVoucher) -> WireVoucher {
        WireVoucher(voucherCode: v.displayCode, redeemCode: v.redeemCode, invoiceRefNum: v.invoiceCode, shopId: v.providerID, productId: v.courseID)
    }

    static func order(_ o: BuyerOrder) -> Order {
        Order(
            orderId: Int64(o.id) ?? 0, userId: Int64(o.accountID) ?? 0, productId: o.courseID, totalPrice: o.amount, orderStatus: statusCodes[o.status]!,
            otpExpiredAt: o.otpExpiresAt.map { Int64($0.timeIntervalSince1970) }, voucher: o.voucher.map(voucher)
        )
    }
}
