import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

/// Tokopedia: OAuth2 client-credentials token (Basic `client_id:secret` to `/token`), then Bearer; the
/// fulfilment-service id in every path; `{"header":{…},"data":…}` envelope; numeric order statuses;
/// `AAA_BBB_nnn` error codes; 429 with `X-Ratelimit-Full-Reset-After`.
public enum Tokopedia: PlatformDialect {
    public static let platformID = "tokopedia"
    public static let delivery = VoucherDelivery.synchronous
    /// The fulfilment-service id issued with the credentials.
    public static let fsID = "15123"

    public static let description = DialectDescription(
        platform: "Tokopedia", borrowedFrom: "Tokopedia Open API (fs endpoints)",
        auth: "POST /token?grant_type=client_credentials with Authorization: Basic base64(client_id:client_secret) → {access_token, expires_in, token_type}; then Authorization: Bearer <access_token>. Paths carry the fs_id \(fsID).",
        envelope: #"{"header":{"process_time":0.0012,"messages":"…","reason":"","error_code":""},"data":…}; errors keep the envelope with data null, the reason and error_code set"#,
        errorCodes: "strings AAA_BBB_nnn in header.error_code; HTTP 400 for business refusals, 429 with X-Ratelimit-Full-Reset-After for OTP limits",
        idempotency: "X-Idempotency-Key header on payment/confirm",
        voucherFormat: "TKPD + the gateway code without PRK- and dashes (TKPDABCD2345EFGH)",
        endpoints: [
            .init("token", "POST", "/token?grant_type=client_credentials"),
            .init("sign_in", "POST", "/v1/fs/{fs_id}/user/bind"),
            .init("courses", "GET", "/inventory/v1/fs/{fs_id}/product/list?product_type=&per_page="),
            .init("place_order", "POST", "/v1/fs/{fs_id}/order"),
            .init("request_otp", "POST", "/v1/order/{order_id}/fs/{fs_id}/payment/otp?user_id="),
            .init("resend_otp", "POST", "/v1/order/{order_id}/fs/{fs_id}/payment/otp/resend?user_id="),
            .init("confirm_otp", "POST", "/v1/order/{order_id}/fs/{fs_id}/payment/confirm?user_id="),
            .init("order", "GET", "/v1/order/{order_id}/fs/{fs_id}?user_id="),
            .init("voucher", "GET", "/v1/order/{order_id}/fs/{fs_id}/voucher?user_id="),
        ]
    )

    public static let errors = DialectErrorTable { kind in
        switch kind {
        case .badCredentials: .init("AUTH_API_001", 401)
        case .invalidRequest: .init("ORD_API_001", 400)
        case .unknownCourse: .init("PRD_API_004", 404)
        case .unknownCard: .init("PAY_PRK_004", 400)
        case .unknownAccount: .init("USR_API_004", 404)
        case .unknownOrder: .init("ORD_API_004", 404)
        case .orderExpired: .init("ORD_API_010", 400)
        case .orderNotPayable: .init("ORD_API_011", 400)
        case .voucherNotReady: .init("ORD_API_012", 400)
        case .idempotencyConflict: .init("ORD_API_009", 409)
        case .participantRevoked: .init("PAY_PRK_101", 400)
        case .purchaseDeadlinePassed: .init("PAY_PRK_102", 400)
        case .videosNotWatched: .init("PAY_PRK_103", 400)
        case .previousTrainingUnfinished: .init("PAY_PRK_104", 400)
        case .insufficientBalance: .init("PAY_PRK_105", 400)
        case .courseNotSoldOnPlatform: .init("PRD_API_010", 400)
        case .cardBoundToOtherAccount: .init("USR_PRK_201", 400)
        case .accountBoundToOtherCard: .init("USR_PRK_202", 400)
        case .otpInvalid: .init("PAY_OTP_001", 400)
        case .otpExpired: .init("PAY_OTP_002", 400)
        case .otpLocked: .init("PAY_OTP_003", 400)
        case .otpResendTooSoon: .init("PAY_OTP_004", 429)
        case .otpDailyLimit: .init("PAY_OTP_005", 429)
        case .gatewayUnavailable: .init("PAY_PRK_500", 502)
        case .platformUnavailable: .init("SYS_API_503", 503)
        case .platformError: .init("SYS_API_500", 500)
        case .overloaded: .init("SYS_API_429", 503)
        }
    }

    public static func accountID(_ sequence: Int64) -> String { String(81_000_000 + sequence) }
    public static func orderID(_ sequence: Int64) -> String { String(960_000_000 + sequence) }

    public static func displayVoucher(_ code: String) -> String { "TKPD" + VoucherCode.body(code) }
    public static func canonicalVoucher(_ display: String) -> String? { display.hasPrefix("TKPD") ? VoucherCode.code(body: display.dropFirst(4)) : nil }
}
