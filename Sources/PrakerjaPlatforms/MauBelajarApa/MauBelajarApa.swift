import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

/// Mau Belajar Apa: a legacy REST API. HTTP Basic `client_id:client_secret`, `.json` paths, form-encoded
/// request bodies with Indonesian field names, and `{"status":"OK"|"ERROR","message":…}` answers — always
/// HTTP 200, except 401 when the web server refuses the credentials. Refusals carry a legacy `errno`.
public enum MauBelajarApa: PlatformDialect {
    public static let platformID = "maubelajarapa"
    public static let delivery = VoucherDelivery.synchronous

    public static let description = DialectDescription(
        platform: "Mau Belajar Apa", borrowedFrom: "a legacy PHP-era REST API (Basic auth, .json paths, form posts, status OK/ERROR)",
        auth: "Authorization: Basic base64(client_id:client_secret) on every request; 401 with WWW-Authenticate when wrong",
        envelope: #"{"status":"OK","message":"…","hasil":{…}} / {"status":"ERROR","message":"…","errno":12}, HTTP 200 either way; POST bodies are application/x-www-form-urlencoded; times are WIB "yyyy-MM-dd HH:mm:ss""#,
        errorCodes: "small integers in errno (1–26); the HTTP status is 200 except 401 for bad credentials",
        idempotency: "ref form field on …/bayar.json",
        voucherFormat: "MBA/ + the gateway code with slashes (MBA/PRK/ABCD/2345/EFGH)",
        endpoints: [
            .init("sign_in", "POST", "/api/akun/ikat.json"),
            .init("courses", "GET", "/api/kursus.json?jenis=&batas="),
            .init("place_order", "POST", "/api/pesanan.json"),
            .init("request_otp", "POST", "/api/pesanan/{no_pesanan}/minta_otp.json"),
            .init("resend_otp", "POST", "/api/pesanan/{no_pesanan}/kirim_ulang_otp.json"),
            .init("confirm_otp", "POST", "/api/pesanan/{no_pesanan}/bayar.json"),
            .init("order", "GET", "/api/pesanan/{no_pesanan}.json?id_akun="),
            .init("voucher", "GET", "/api/pesanan/{no_pesanan}/voucher.json?id_akun="),
        ]
    )

    public static let errors = DialectErrorTable { kind in
        let number: Int =
            switch kind {
            case .badCredentials: 1
            case .invalidRequest: 2
            case .unknownCourse: 3
            case .unknownCard: 4
            case .unknownAccount: 5
            case .unknownOrder: 6
            case .orderExpired: 7
            case .orderNotPayable: 8
            case .voucherNotReady: 9
            case .idempotencyConflict: 10
            case .participantRevoked: 11
            case .purchaseDeadlinePassed: 12
            case .videosNotWatched: 13
            case .previousTrainingUnfinished: 14
            case .insufficientBalance: 15
            case .courseNotSoldOnPlatform: 16
            case .cardBoundToOtherAccount: 17
            case .accountBoundToOtherCard: 18
            case .otpInvalid: 19
            case .otpExpired: 20
            case .otpLocked: 21
            case .otpResendTooSoon: 22
            case .otpDailyLimit: 23
            case .gatewayUnavailable: 24
            case .platformUnavailable: 25
            case .platformError: 26
            case .overloaded: 27
            }
        return .init(String(number), kind == .badCredentials ? 401 : kind == .overloaded ? 503 : 200)
    }

    public static func accountID(_ sequence: Int64) -> String { String(5000 + sequence) }
    public static func orderID(_ sequence: Int64) -> String { "MBA\(2021_0000 + sequence)" }
    public static func displayVoucher(_ code: String) -> String { "MBA/" + code.replacingOccurrences(of: "-", with: "/") }
    public static func canonicalVoucher(_ display: String) -> String? {
        display.hasPrefix("MBA/PRK/") ? String(display.dropFirst(4)).replacingOccurrences(of: "/", with: "-") : nil
    }
}
