import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

/// Bukalapak: OAuth2 client credentials posted form-encoded to `/oauth/token`, then Bearer; nested REST
/// resources under `/v4/prakerja/accounts/{account_id}`; `{"data":…,"meta":{"http_status":200}}` on success,
/// `{"errors":[{"message","code":10001}],"meta":{"http_status":401}}` on failure (numeric codes).
public enum Bukalapak: PlatformDialect {
    public static let platformID = "bukalapak"
    public static let delivery = VoucherDelivery.synchronous

    public static let description = DialectDescription(
        platform: "Bukalapak", borrowedFrom: "Bukalapak API v4 (OAuth2, data/meta envelope, errors array)",
        auth: "POST /oauth/token, form-encoded grant_type=client_credentials&client_id=…&client_secret=… → {access_token, token_type, expires_in, created_at}; then Authorization: Bearer <access_token>",
        envelope: #"{"data":…,"meta":{"http_status":200}}; errors {"errors":[{"message":"…","code":10001}],"meta":{"http_status":401}}"#,
        errorCodes: "integers in errors[].code, grouped by hundreds (101xx auth, 102xx input, 103xx orders, 104xx programme rules, 105xx OTP, 109xx platform); HTTP status mirrored in meta.http_status",
        idempotency: "Idempotency-Key header on …/pay",
        voucherFormat: "BL- + the gateway code (BL-PRK-ABCD-2345-EFGH)",
        endpoints: [
            .init("token", "POST", "/oauth/token"),
            .init("sign_in", "POST", "/v4/prakerja/accounts"),
            .init("courses", "GET", "/v4/prakerja/products?type=&limit="),
            .init("place_order", "POST", "/v4/prakerja/accounts/{account_id}/transactions"),
            .init("request_otp", "POST", "/v4/prakerja/accounts/{account_id}/transactions/{id}/otp"),
            .init("resend_otp", "PUT", "/v4/prakerja/accounts/{account_id}/transactions/{id}/otp"),
            .init("confirm_otp", "POST", "/v4/prakerja/accounts/{account_id}/transactions/{id}/pay"),
            .init("order", "GET", "/v4/prakerja/accounts/{account_id}/transactions/{id}"),
            .init("voucher", "GET", "/v4/prakerja/accounts/{account_id}/transactions/{id}/voucher"),
        ]
    )

    public static let errors = DialectErrorTable { kind in
        switch kind {
        case .badCredentials: .init("10101", 401)
        case .invalidRequest: .init("10201", 400)
        case .unknownCourse: .init("10202", 404)
        case .unknownCard: .init("10203", 404)
        case .unknownAccount: .init("10204", 404)
        case .unknownOrder: .init("10301", 404)
        case .orderExpired: .init("10302", 422)
        case .orderNotPayable: .init("10303", 409)
        case .voucherNotReady: .init("10304", 404)
        case .idempotencyConflict: .init("10305", 409)
        case .participantRevoked: .init("10401", 403)
        case .purchaseDeadlinePassed: .init("10402", 403)
        case .videosNotWatched: .init("10403", 403)
        case .previousTrainingUnfinished: .init("10404", 403)
        case .insufficientBalance: .init("10405", 402)
        case .courseNotSoldOnPlatform: .init("10406", 422)
        case .cardBoundToOtherAccount: .init("10407", 409)
        case .accountBoundToOtherCard: .init("10408", 409)
        case .otpInvalid: .init("10501", 422)
        case .otpExpired: .init("10502", 422)
        case .otpLocked: .init("10503", 423)
        case .otpResendTooSoon: .init("10504", 429)
        case .otpDailyLimit: .init("10505", 429)
        case .gatewayUnavailable: .init("10901", 502)
        case .platformUnavailable: .init("10902", 503)
        case .platformError: .init("10900", 500)
        case .overloaded: .init("10903", 503)
        }
    }

    public static func accountID(_ sequence: Int64) -> String { String(sequence + 1_679_616, radix: 36) }
    public static func orderID(_ sequence: Int64) -> String { "BL" + String(sequence + 60_466_176, radix: 36).uppercased() }
    public static func displayVoucher(_ code: String) -> String { "BL-" + code }
    public static func canonicalVoucher(_ display: String) -> String? { display.hasPrefix("BL-PRK-") ? String(display.dropFirst(3)) : nil }
}
