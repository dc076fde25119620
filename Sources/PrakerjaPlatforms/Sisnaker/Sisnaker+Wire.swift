import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

// Sisnaker's wire types: the JSON (or form) shapes its storefront and adapter exchange.
extension Sisnaker {
    /// A SNAP response: `responseCode` and `responseMessage` beside the payload's own fields.
    struct Snap<T: Codable>: Codable {
        var responseCode: String
        var responseMessage: String
        var payload: T?

        enum Keys: String, CodingKey { case responseCode, responseMessage }

        init(responseCode: String, responseMessage: String, payload: T?) {
            self.responseCode = responseCode
            self.responseMessage = responseMessage
            self.payload = payload
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            responseCode = try c.decode(String.self, forKey: .responseCode)
            responseMessage = try c.decode(String.self, forKey: .responseMessage)
            payload = responseCode.hasPrefix("2") ? try T(from: decoder) : nil
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(responseCode, forKey: .responseCode)
            try c.encode(responseMessage, forKey: .responseMessage)
            try payload?.encode(to: encoder)
        }
    }

    struct Amount: Codable {
        var value: String
        var currency: String

        init(_ rupiah: Rupiah) {
            value = "\(rupiah).00"
            currency = "IDR"
        }

        var rupiah: Rupiah? {
            guard currency == "IDR", value.hasSuffix(".00") else { return nil }
            return Rupiah(value.dropLast(3))
        }
    }

    struct TokenRequest: Codable { var grantType: String }
    struct Token: Codable {
        var accessToken: String
        var tokenType: String
        var expiresIn: String
    }
    struct BindingRequest: Codable {
        var customerId: String
        var cardNo: String
    }
    struct Binding: Codable {
        var accountId: String
        var customerId: String
        var cardNo: String
    }
    struct CourseInquiry: Codable {
        var courseType: String?
        var pageSize: Int?
    }
    struct CourseList: Codable { var courseList: [Course] }
    struct Course: Codable {
        var courseCode: String
        var courseName: String
        var providerCode: String
        var courseType: String
        var price: Amount
    }
    struct OrderRequest: Codable {
        var accountId: String
        var courseCode: String
    }
    struct OrderReference: Codable {
        var originalPartnerReferenceNo: String
        var accountId: String
    }
    struct Verification: Codable {
        var originalPartnerReferenceNo: String
        var accountId: String
        var otp: String
    }
    struct Order: Codable {
        var partnerReferenceNo: String
        var accountId: String
        var courseCode: String
        var amount: Amount
        /// SNAP latestTransactionStatus: 00 success, 01 initiated, 03 pending, 04 refunded, 05 cancelled, 06 failed
        var latestTransactionStatus: String
        var otpExpiryTime: String?
        var voucher: WireVoucher?
    }
    struct WireVoucher: Codable {
        var voucherCode: String
        var redeemCode: String
        var invoiceNo: String
        var providerCode: String
        var courseCode: String
    }

    static let statuses: [OrderStatus: String] = [.paid: "00", .created: "01", .awaitingOTP: "03", .refunded: "04", .expired: "05", .locked: "06"]
    static let encoder = Wire.camelEncoder()
    static let decoder = Wire.camelDecoder()

    static func order(_ o: BuyerOrder) -> Order {
        Order(
            partnerReferenceNo: o.id, accountId: o.accountID, courseCode: o.courseID, amount: Amount(o.amount), latestTransactionStatus: statuses[o.status]!,
            otpExpiryTime: o.otpExpiresAt.map(Jakarta.iso8601), voucher: o.voucher.map(voucher)
        )
    }
    static func voucher(_ v: BuyerVoucher) -> WireVoucher {
        WireVoucher(voucherCode: v.displayCode, redeemCode: v.redeemCode, invoiceNo: v.invoiceCode, providerCode: v.providerID, courseCode: v.courseID)
    }

    /// The string the transactional signature covers.
    public static func stringToSign(method: String, path: String, token: String, body: [UInt8], timestamp: String) -> String {
        let digest = Hex.encode(SHA256.hash(data: CompactJSON.compact(body)))
        return "\(method):\(path):\(token):\(digest):\(timestamp)"
    }

    public static func sign(_ text: String, secret: String) -> String {
        Data(HMAC<SHA512>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: Array(secret.utf8)))).base64EncodedString()
    }

    static func tokenSignature(clientKey: String, timestamp: String, secret: String) -> String {
        Hex.encode(HMAC<SHA512>.authenticationCode(for: Array("\(clientKey)|\(timestamp)".utf8), using: SymmetricKey(data: Array(secret.utf8))))
    }
}
