import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

// Pintaria's wire types: the JSON (or form) shapes its storefront and adapter exchange.
extension Pintaria {
    struct Status: Codable {
        var statusCode: String
        var statusMessage: String
        var channelResponseCode: String?
        var channelResponseMessage: String?
    }
    struct CustomerRequest: Codable {
        var username: String
        var cardNumber: String
    }
    struct Customer: Codable {
        var statusCode: String
        var customerId: String
        var username: String
        var cardNumber: String
    }
    struct Items: Codable {
        var statusCode: String
        var items: [Item]
    }
    struct Item: Codable {
        var id: String
        var name: String
        var merchantName: String
        var category: String
        var price: String
    }
    struct OrderRequest: Codable {
        struct ItemRef: Codable {
            var id: String
            var quantity: Int
        }
        var customerId: String
        var itemDetails: [ItemRef]
    }
    struct ChargeRequest: Codable {
        struct Details: Codable {
            var orderId: String
            var grossAmount: String
        }
        var paymentType: String
        var transactionDetails: Details
        var customerId: String
    }
    struct CustomerRef: Codable { var customerId: String }
    struct ConfirmRequest: Codable {
        var customerId: String
        var otp: String
    }
    struct Transaction: Codable {
        var statusCode: String
        var statusMessage: String
        var orderId: String
        var customerId: String
        var itemId: String
        var grossAmount: String
        var currency: String
        /// initiated, pending, settlement, deny, expire, refund
        var transactionStatus: String
        var otpExpiryTime: String?
        var signatureKey: String
        var voucher: WireVoucher?
    }
    struct WireVoucher: Codable {
        var statusCode: String?
        var voucherCode: String
        var redeemCode: String
        var invoiceNumber: String
        var merchantId: String
        var itemId: String
    }

    static let statuses: [OrderStatus: String] = [.created: "initiated", .awaitingOTP: "pending", .paid: "settlement", .locked: "deny", .expired: "expire", .refunded: "refund"]
    static let encoder = Wire.snakeEncoder()
    static let decoder = Wire.snakeDecoder()

    static func amount(_ rupiah: Rupiah) -> String { "\(rupiah).00" }
    static func rupiah(_ text: String) -> Rupiah? { text.hasSuffix(".00") ? Rupiah(text.dropLast(3)) : nil }

    /// `SHA512(order_id + status_code + gross_amount + server_key)`, lowercase hex.
    public static func signatureKey(orderID: String, statusCode: String, grossAmount: String, serverKey: String) -> String {
        Hex.encode(SHA512.hash(data: Array((orderID + statusCode + grossAmount + serverKey).utf8)))
    }

    static func transaction(_ o: BuyerOrder, serverKey: String, message: String) -> Transaction {
        let statusCode: String =
            switch o.status {
            case .paid: o.voucher == nil ? "201" : "200"
            case .refunded: "200"
            case .created, .awaitingOTP: "201"
            case .locked: "202"
            case .expired: "407"
            }
        let gross = amount(o.amount)
        return Transaction(
            statusCode: statusCode, statusMessage: message, orderId: o.id, customerId: o.accountID, itemId: o.courseID, grossAmount: gross, currency: "IDR",
            transactionStatus: statuses[o.status]!, otpExpiryTime: o.otpExpiresAt.map(Jakarta.dateTime),
            signatureKey: signatureKey(orderID: o.id, statusCode: statusCode, grossAmount: gross, serverKey: serverKey), voucher: o.voucher.map { voucher($0) }
        )
    }
    static func voucher(_ v: BuyerVoucher, statusCode: String? = nil) -> WireVoucher {
        WireVoucher(statusCode: statusCode, voucherCode: v.displayCode, redeemCode: v.redeemCode, invoiceNumber: v.invoiceCode, merchantId: v.providerID, itemId: v.courseID)
    }
}
