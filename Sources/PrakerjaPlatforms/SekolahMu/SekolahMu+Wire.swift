import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

// SekolahMu's wire types: the JSON (or form) shapes its storefront and adapter exchange.
extension SekolahMu {
    struct Failure: Codable {
        var errorCode: String
        var message: String
    }
    struct CustomerRequest: Codable {
        var referenceId: String
        var cardNumber: String
    }
    struct Customer: Codable {
        var id: String
        var referenceId: String
        var cardNumber: String
    }
    struct List<T: Codable>: Codable {
        var data: [T]
        var hasMore: Bool
    }
    struct Course: Codable {
        var id: String
        var name: String
        var providerId: String
        var type: String
        var amount: Int64
        var currency: String
    }
    struct OrderRequest: Codable { var courseId: String }
    struct AuthRequest: Codable { var authCode: String }
    struct Order: Codable {
        struct Action: Codable {
            var action: String
            var method: String
            var url: String
        }
        var id: String
        var customerId: String
        var courseId: String
        var amount: Int64
        var currency: String
        /// PENDING, REQUIRES_ACTION, SUCCEEDED, FAILED, EXPIRED, VOIDED
        var status: String
        var otpExpiresAt: String?
        var actions: [Action]
        var voucher: WireVoucher?
    }
    struct WireVoucher: Codable {
        var code: String
        var redeemCode: String
        var invoiceId: String
        var providerId: String
        var courseId: String
    }

    static let statuses: [OrderStatus: String] = [.created: "PENDING", .awaitingOTP: "REQUIRES_ACTION", .paid: "SUCCEEDED", .locked: "FAILED", .expired: "EXPIRED", .refunded: "VOIDED"]
    static let encoder = Wire.snakeEncoder()
    static let decoder = Wire.snakeDecoder()

    static func order(_ o: BuyerOrder) -> Order {
        let actions: [Order.Action] =
            o.status == .awaitingOTP
            ? [.init(action: "AUTH", method: "POST", url: "/prakerja/orders/\(o.id)/payment_requests/auth"),
               .init(action: "RESEND_AUTH", method: "POST", url: "/prakerja/orders/\(o.id)/payment_requests/auth/resend")]
            : []
        return Order(
            id: o.id, customerId: o.accountID, courseId: o.courseID, amount: o.amount, currency: "IDR", status: statuses[o.status]!,
            otpExpiresAt: o.otpExpiresAt.map(Timestamps.iso8601), actions: actions, voucher: o.voucher.map(voucher)
        )
    }
    static func voucher(_ v: BuyerVoucher) -> WireVoucher { WireVoucher(code: v.displayCode, redeemCode: v.redeemCode, invoiceId: v.invoiceCode, providerId: v.providerID, courseId: v.courseID) }
}
