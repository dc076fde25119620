import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

/// Pintaria: Midtrans-like. HTTP Basic with the server key as user name and an empty password; string
/// `status_code` ("200", "201" pending, "202" denied, "406" order id already used, "407" expired) with ISO-8583
/// `channel_response_code`s; `gross_amount` as a decimal string; a SHA-512 `signature_key` in every status
/// response; the order id is the idempotency key of the charge. The voucher arrives late: the confirm
/// answer is "pending", the status endpoint shows the voucher once Pintaria has it.
public enum Pintaria: PlatformDialect {
    public static let platformID = "pintaria"
    public static let delivery = VoucherDelivery.webhook
    public static let confirmCarriesKey = false
    public static let clientIDOnWire = false

    public static let description = DialectDescription(
        platform: "Pintaria", borrowedFrom: "Midtrans Core API (Basic server key, status_code strings, signature_key)",
        auth: "Authorization: Basic base64(server_key + \":\") — the server key is the client secret, the password is empty; no token",
        envelope: #"flat snake_case objects with "status_code" (string) and "status_message"; refusals add "channel_response_code" (ISO-8583) and "channel_response_message""#,
        errorCodes: "channel_response_code, ISO-8583 style (51 insufficient funds, 55 wrong OTP, 75 OTP tries exceeded, …); status_code 202 (denied) and 201 (pending) come with HTTP 200, other status codes are also the HTTP status; status_code 406 without a channel code = order_id already charged",
        idempotency: "the order id: a second POST /v2/charge for it answers 406; confirmations carry no key — each is an attempt (wrong OTPs count), and repeating the right OTP returns the same voucher",
        voucherFormat: "lowercase, pnt- instead of PRK- (pnt-abcd-2345-efgh)",
        endpoints: [
            .init("sign_in", "POST", "/v2/customers"),
            .init("courses", "GET", "/v2/items?category=&limit="),
            .init("place_order", "POST", "/v2/orders"),
            .init("request_otp", "POST", "/v2/charge"),
            .init("resend_otp", "POST", "/v2/{order_id}/otp"),
            .init("confirm_otp", "POST", "/v2/{order_id}/confirm"),
            .init("order", "GET", "/v2/{order_id}/status?customer_id="),
            .init("voucher", "GET", "/v2/{order_id}/voucher?customer_id="),
        ]
    )

    public static let errors = DialectErrorTable { kind in
        switch kind {
        case .badCredentials: .init("63", 401)
        case .invalidRequest: .init("30", 400)
        case .unknownCourse: .init("12", 404)
        case .unknownCard: .init("14", 404)
        case .unknownAccount: .init("56", 404)
        case .unknownOrder: .init("25", 404)
        case .orderExpired: .init("68", 407)
        case .orderNotPayable: .init("21", 412)
        case .voucherNotReady: .init("09", 201)
        case .idempotencyConflict: .init("94", 409)
        case .participantRevoked: .init("62", 202)
        case .purchaseDeadlinePassed: .init("54", 202)
        case .videosNotWatched: .init("58", 202)
        case .previousTrainingUnfinished: .init("57", 202)
        case .insufficientBalance: .init("51", 202)
        case .courseNotSoldOnPlatform: .init("03", 202)
        case .cardBoundToOtherAccount: .init("34", 202)
        case .accountBoundToOtherCard: .init("35", 202)
        case .otpInvalid: .init("55", 202)
        case .otpExpired: .init("33", 202)
        case .otpLocked: .init("75", 202)
        case .otpResendTooSoon: .init("65", 429)
        case .otpDailyLimit: .init("61", 429)
        case .gatewayUnavailable: .init("91", 502)
        case .platformUnavailable: .init("92", 503)
        case .platformError: .init("96", 500)
        case .overloaded: .init("93", 503)
        }
    }

    /// Pintaria's credentials look like Midtrans sandbox keys.
    public static func credentials(for platform: Platform) -> StorefrontCredentials {
        let derived = derivedCredentials(for: platform)
        return StorefrontCredentials(clientID: "M\(derived.clientSecret.prefix(8).uppercased())", clientSecret: "SB-Mid-server-\(derived.clientSecret.prefix(24))")
    }

    public static func accountID(_ sequence: Int64) -> String { "cust-\(String(format: "%07lld", sequence))" }
    public static func orderID(_ sequence: Int64) -> String { "PINTARIA-\(2_021_000 + sequence)" }
    public static func displayVoucher(_ code: String) -> String { "pnt-" + code.dropFirst(4).lowercased() }
    public static func canonicalVoucher(_ display: String) -> String? { display.hasPrefix("pnt-") ? "PRK-" + display.dropFirst(4).uppercased() : nil }
}
