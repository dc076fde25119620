import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

/// Sisnaker: SNAP-BI (Bank Indonesia's Standar Nasional Open API Pembayaran). A B2B access token, then every
/// call is a POST signed with HMAC-SHA512 over `METHOD:path:token:sha256hex(minified body):X-TIMESTAMP`;
/// flat camelCase bodies with a 7-digit `responseCode` = HTTP status + service code + case code.
public enum Sisnaker: PlatformDialect {
    public static let platformID = "sisnaker"
    public static let delivery = VoucherDelivery.synchronous
    public static let channelID = "95221"
    /// Signature timestamps may differ from the storefront's real clock by this much.
    public static let tolerance: TimeInterval = 300
    public static var timestampTolerance: TimeInterval? { tolerance }

    /// SNAP service codes (the middle two digits of every responseCode).
    enum Service: String {
        case token = "73", binding = "07", courses = "47", order = "50", debit = "54", otp = "81", verify = "82", status = "55", voucher = "56"
        case unknown = "00"
    }

    public static let description = DialectDescription(
        platform: "Sisnaker", borrowedFrom: "SNAP-BI (Bank Indonesia) B2B access token and symmetric signature",
        auth: "POST /v1.0/access-token/b2b with X-CLIENT-KEY, X-TIMESTAMP (ISO-8601 +07:00) and X-SIGNATURE = hex HMAC-SHA512(client_secret, client_key|timestamp) (real SNAP uses RSA here) → accessToken; then every call carries Authorization: Bearer, X-TIMESTAMP, X-PARTNER-ID, X-EXTERNAL-ID, CHANNEL-ID and X-SIGNATURE = base64 HMAC-SHA512(client_secret, METHOD:path:accessToken:lowercase hex sha256(minified body):X-TIMESTAMP); timestamps within ±5 min of real time",
        envelope: #"flat camelCase objects: {"responseCode":"2005400","responseMessage":"Successful",…fields}; amounts {"value":"150000.00","currency":"IDR"}"#,
        errorCodes: "7-digit responseCode: HTTP status, SNAP service code of the endpoint, case code (documented as 401xx00 etc.); HTTP status is the first three digits",
        idempotency: "X-EXTERNAL-ID on /v1.0/otp-verification (longer keys are hashed to 32 hex digits)",
        voucherFormat: "the gateway code without dashes, lowercase after the prefix: PRK.abcd2345efgh",
        endpoints: [
            .init("token", "POST", "/v1.0/access-token/b2b"),
            .init("sign_in", "POST", "/v1.0/registration-account-binding"),
            .init("courses", "POST", "/v1.0/prakerja/course-inquiry"),
            .init("place_order", "POST", "/v1.0/prakerja/order"),
            .init("request_otp", "POST", "/v1.0/debit/payment-host-to-host"),
            .init("resend_otp", "POST", "/v1.0/otp"),
            .init("confirm_otp", "POST", "/v1.0/otp-verification"),
            .init("order", "POST", "/v1.0/debit/status"),
            .init("voucher", "POST", "/v1.0/prakerja/voucher-inquiry"),
        ]
    )

    public static let errors = DialectErrorTable { kind in
        switch kind {
        case .badCredentials: .init("401xx00", 401)
        case .invalidRequest: .init("400xx01", 400)
        case .unknownCourse: .init("404xx12", 404)
        case .unknownCard: .init("404xx11", 404)
        case .unknownAccount: .init("404xx05", 404)
        case .unknownOrder: .init("404xx01", 404)
        case .orderExpired: .init("403xx00", 403)
        case .orderNotPayable: .init("404xx14", 404)
        case .voucherNotReady: .init("404xx00", 404)
        case .idempotencyConflict: .init("409xx00", 409)
        case .participantRevoked: .init("403xx18", 403)
        case .purchaseDeadlinePassed: .init("403xx08", 403)
        case .videosNotWatched: .init("403xx01", 403)
        case .previousTrainingUnfinished: .init("403xx15", 403)
        case .insufficientBalance: .init("403xx14", 403)
        case .courseNotSoldOnPlatform: .init("404xx08", 404)
        case .cardBoundToOtherAccount: .init("403xx05", 403)
        case .accountBoundToOtherCard: .init("403xx22", 403)
        case .otpInvalid: .init("401xx04", 401)
        case .otpExpired: .init("403xx12", 403)
        case .otpLocked: .init("403xx11", 403)
        case .otpResendTooSoon: .init("429xx00", 429)
        case .otpDailyLimit: .init("403xx04", 403)
        case .gatewayUnavailable: .init("500xx02", 500)
        case .platformUnavailable: .init("504xx00", 504)
        case .platformError: .init("500xx01", 500)
        case .overloaded: .init("503xx01", 503)
        }
    }

    public static func accountID(_ sequence: Int64) -> String { "SNK" + String(format: "%010lld", 7_000_000_000 + sequence) }
    public static func orderID(_ sequence: Int64) -> String { "SNK-TRX-" + String(format: "%09lld", sequence) }
    public static func displayVoucher(_ code: String) -> String { "PRK." + VoucherCode.body(code).lowercased() }
    public static func canonicalVoucher(_ display: String) -> String? {
        display.hasPrefix("PRK.") ? VoucherCode.code(body: display.dropFirst(4)) : nil
    }
}
