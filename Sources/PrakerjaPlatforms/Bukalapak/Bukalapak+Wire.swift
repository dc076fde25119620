import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

// Bukalapak's wire types: the JSON (or form) shapes its storefront and adapter exchange.
extension Bukalapak {
    struct Meta: Codable { var httpStatus: Int }
    struct Success<T: Codable>: Codable {
        var data: T
        var meta: Meta
    }
    struct Failure: Codable {
        struct Item: Codable {
            var message: String
            var code: Int
        }
        var errors: [Item]
        var meta: Meta
    }
    struct TokenRequest: Codable {
        var grantType: String
        var clientId: String
        var clientSecret: String

        enum CodingKeys: String, CodingKey {
            case grantType = "grant_type", clientId = "client_id", clientSecret = "client_secret"
        }
    }
    struct Token: Codable {
        var accessToken: String
        var tokenType: String
        var expiresIn: Int
        var createdAt: Int64
    }
    struct AccountRequest: Codable {
        var username: String
        var cardNumber: String
    }
    struct Account: Codable {
        var id: String
        var username: String
        var cardNumber: String
    }
    struct Product: Codable {
        var id: String
        var name: String
        var type: String
        var price: Int64
        var store: Store
        struct Store: Codable { var id: String }
    }
    struct TransactionRequest: Codable { var productId: String }
    struct PayRequest: Codable { var otp: String }
    struct Transaction: Codable {
        var id: String
        var accountId: String
        var productId: String
        var amount: Int64
        /// pending, waiting_otp, paid, locked, cancelled (expired), refunded
        var state: String
        var otpExpiredAt: String?
        var voucher: WireVoucher?
    }
    struct WireVoucher: Codable {
        var code: String
        var redeemCode: String
        var invoiceNumber: String
        var storeId: String
        var productId: String
    }

    static let states: [OrderStatus: String] = [.created: "pending", .awaitingOTP: "waiting_otp", .paid: "paid", .locked: "locked", .expired: "cancelled", .refunded: "refunded"]
    static let encoder: JSONEncoder = {
        let e = Wire.snakeEncoder()
        e.dateEncodingStrategy = .iso8601
        return e
    }()
    static let decoder = Wire.snakeDecoder()

    static func transaction(_ o: BuyerOrder) -> Transaction {
        Transaction(
            id: o.id, accountId: o.accountID, productId: o.courseID, amount: o.amount, state: states[o.status]!, otpExpiredAt: o.otpExpiresAt.map(Timestamps.iso8601),
            voucher: o.voucher.map(voucher)
        )
    }
    static func voucher(_ v: BuyerVoucher) -> WireVoucher { WireVoucher(code: v.displayCode, redeemCode: v.redeemCode, invoiceNumber: v.invoiceCode, storeId: v.providerID, productId: v.courseID) }
}
