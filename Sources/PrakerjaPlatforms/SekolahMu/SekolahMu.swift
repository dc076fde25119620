import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

/// Sekolah.mu: Xendit-like. A static `x-callback-token` header authenticates the client, `for-user-id`
/// names the buyer's account, resources come back bare (no envelope), lists as `{"data":[…],"has_more"}`,
/// refusals as `{"error_code":"INVALID_OTP_ERROR","message":…}`. The voucher arrives late: the
/// authorisation answer says SUCCEEDED without it, the order page shows it once Sekolah.mu has it.
public enum SekolahMu: PlatformDialect {
    public static let platformID = "sekolahmu"
    public static let delivery = VoucherDelivery.webhook
    /// Xendit-style: a callback whose `webhook-id` was processed before is acknowledged and not applied again.
    public static let deduplicatesWebhooks = true
    public static let clientIDOnWire = false

    public static let description = DialectDescription(
        platform: "Sekolah.mu", borrowedFrom: "Xendit API (callback token, for-user-id, bare resources, UPPER_SNAKE error codes)",
        auth: "x-callback-token: <client secret> on every request (static token, no expiry); the buyer's account in the for-user-id header",
        envelope: #"bare resources ({"id":…,"status":"REQUIRES_ACTION",…}); lists {"data":[…],"has_more":false}; refusals {"error_code":"INVALID_OTP_ERROR","message":"…"}"#,
        errorCodes: "UPPER_SNAKE strings ending in _ERROR in error_code, with HTTP 400/401/403/404/409/429/5xx",
        idempotency: "x-idempotency-key header on …/payment_requests/auth",
        voucherFormat: "SMU_ + the gateway code without PRK- and dashes (SMU_ABCD2345EFGH)",
        endpoints: [
            .init("sign_in", "POST", "/prakerja/customers"),
            .init("courses", "GET", "/prakerja/courses?type=&limit="),
            .init("place_order", "POST", "/prakerja/orders"),
            .init("request_otp", "POST", "/prakerja/orders/{id}/payment_requests"),
            .init("resend_otp", "POST", "/prakerja/orders/{id}/payment_requests/auth/resend"),
            .init("confirm_otp", "POST", "/prakerja/orders/{id}/payment_requests/auth"),
            .init("order", "GET", "/prakerja/orders/{id}"),
            .init("voucher", "GET", "/prakerja/orders/{id}/voucher"),
        ]
    )

    public static let errors = DialectErrorTable { kind in
        switch kind {
        case .badCredentials: .init("INVALID_CALLBACK_TOKEN_ERROR", 401)
        case .invalidRequest: .init("API_VALIDATION_ERROR", 400)
        case .unknownCourse: .init("COURSE_NOT_FOUND_ERROR", 404)
        case .unknownCard: .init("CARD_NOT_FOUND_ERROR", 404)
        case .unknownAccount: .init("CUSTOMER_NOT_FOUND_ERROR", 404)
        case .unknownOrder: .init("DATA_NOT_FOUND_ERROR", 404)
        case .orderExpired: .init("PAYMENT_REQUEST_EXPIRED_ERROR", 400)
        case .orderNotPayable: .init("INVALID_PAYMENT_STATUS_ERROR", 409)
        case .voucherNotReady: .init("VOUCHER_NOT_READY_ERROR", 404)
        case .idempotencyConflict: .init("DUPLICATE_IDEMPOTENCY_KEY_ERROR", 409)
        case .participantRevoked: .init("PARTICIPANT_REVOKED_ERROR", 403)
        case .purchaseDeadlinePassed: .init("PURCHASE_DEADLINE_PASSED_ERROR", 403)
        case .videosNotWatched: .init("GUIDANCE_VIDEOS_NOT_WATCHED_ERROR", 403)
        case .previousTrainingUnfinished: .init("PREVIOUS_TRAINING_UNFINISHED_ERROR", 403)
        case .insufficientBalance: .init("INSUFFICIENT_BALANCE_ERROR", 400)
        case .courseNotSoldOnPlatform: .init("COURSE_NOT_AVAILABLE_ERROR", 400)
        case .cardBoundToOtherAccount: .init("CARD_ALREADY_LINKED_ERROR", 409)
        case .accountBoundToOtherCard: .init("CUSTOMER_ALREADY_LINKED_ERROR", 409)
        case .otpInvalid: .init("INVALID_OTP_ERROR", 400)
        case .otpExpired: .init("EXPIRED_OTP_ERROR", 400)
        case .otpLocked: .init("MAX_OTP_ATTEMPTS_ERROR", 400)
        case .otpResendTooSoon: .init("OTP_RESEND_TOO_SOON_ERROR", 429)
        case .otpDailyLimit: .init("OTP_DAILY_LIMIT_ERROR", 429)
        case .gatewayUnavailable: .init("CHANNEL_UNAVAILABLE_ERROR", 503)
        case .platformUnavailable: .init("SERVICE_UNAVAILABLE_ERROR", 503)
        case .platformError: .init("SERVER_ERROR", 500)
        case .overloaded: .init("SERVER_BUSY_ERROR", 503)
        }
    }

    public static func accountID(_ sequence: Int64) -> String { "cust_" + String(format: "%012llx", 0x5e_0000_0000 + sequence) }
    public static func orderID(_ sequence: Int64) -> String { "ord_" + String(format: "%012llx", 0x7a_0000_0000 + sequence) }
    public static func displayVoucher(_ code: String) -> String { "SMU_" + VoucherCode.body(code) }
    public static func canonicalVoucher(_ display: String) -> String? { display.hasPrefix("SMU_") ? VoucherCode.code(body: display.dropFirst(4)) : nil }
}
