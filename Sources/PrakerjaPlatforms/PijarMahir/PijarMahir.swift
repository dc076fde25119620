import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

/// Pijar Mahir: the Prakerja integration style — `client_code`, `timestamp` and `signature` headers with a
/// lowercase hex HMAC-SHA1 over `client_code + timestamp + METHOD + path + compact JSON body`; the
/// `{"success","message","data"}` envelope; refusals told apart by their Indonesian message, as Prakerja's
/// own redeem API does.
public enum PijarMahir: PlatformDialect {
    public static let platformID = "pijarmahir"
    public static let delivery = VoucherDelivery.synchronous
    public static let tolerance: TimeInterval = 300
    public static var timestampTolerance: TimeInterval? { tolerance }
    static let base = "/api/v1/integration/prakerja"

    public static let description = DialectDescription(
        platform: "Pijar Mahir", borrowedFrom: "Prakerja redeem-code integration API (HMAC-SHA1 headers, success/message/data)",
        auth: "headers client_code, timestamp (Unix seconds, within ±5 min of real time) and signature = lowercase hex HMAC-SHA1(client_secret, client_code + timestamp + METHOD + path-with-query + compact JSON body); no token",
        envelope: #"{"success":true,"message":"Berhasil","data":{…}}; refusals {"success":false,"message":"Saldo pelatihan tidak mencukupi","data":null}"#,
        errorCodes: "none: the Indonesian message is the code (exact text, listed in errors); HTTP 400/401/404/409/422/429/5xx",
        idempotency: "request_id field in the body of …/otp/confirm",
        voucherFormat: "PJM- instead of PRK- (PJM-ABCD-2345-EFGH)",
        endpoints: [
            .init("sign_in", "POST", "\(base)/account/bind"),
            .init("courses", "GET", "\(base)/courses?limit=&type="),
            .init("place_order", "POST", "\(base)/orders"),
            .init("request_otp", "POST", "\(base)/orders/{order_number}/otp/request"),
            .init("resend_otp", "POST", "\(base)/orders/{order_number}/otp/resend"),
            .init("confirm_otp", "POST", "\(base)/orders/{order_number}/otp/confirm"),
            .init("order", "GET", "\(base)/orders/{order_number}?account_id="),
            .init("voucher", "GET", "\(base)/orders/{order_number}/voucher?account_id="),
        ]
    )

    public static let errors = DialectErrorTable { kind in
        switch kind {
        case .badCredentials: .init("Signature tidak valid", 401)
        case .invalidRequest: .init("Permintaan tidak valid", 400)
        case .unknownCourse: .init("Pelatihan tidak ditemukan", 404)
        case .unknownCard: .init("Nomor kartu Prakerja tidak ditemukan", 404)
        case .unknownAccount: .init("Akun tidak ditemukan", 404)
        case .unknownOrder: .init("Pesanan tidak ditemukan", 404)
        case .orderExpired: .init("Pesanan sudah kedaluwarsa", 422)
        case .orderNotPayable: .init("Pesanan tidak dapat dibayar", 409)
        case .voucherNotReady: .init("Voucher belum tersedia", 404)
        case .idempotencyConflict: .init("request_id sudah dipakai untuk permintaan lain", 409)
        case .participantRevoked: .init("Kepesertaan Prakerja sudah dicabut", 422)
        case .purchaseDeadlinePassed: .init("Batas waktu pembelian pelatihan sudah lewat", 422)
        case .videosNotWatched: .init("Peserta belum menonton video panduan", 422)
        case .previousTrainingUnfinished: .init("Pelatihan sebelumnya belum selesai dan diulas", 422)
        case .insufficientBalance: .init("Saldo pelatihan tidak mencukupi", 422)
        case .courseNotSoldOnPlatform: .init("Pelatihan tidak dijual di Pijar Mahir", 422)
        case .cardBoundToOtherAccount: .init("Nomor kartu sudah terhubung ke akun lain", 409)
        case .accountBoundToOtherCard: .init("Akun sudah terhubung ke nomor kartu lain", 409)
        case .otpInvalid: .init("Kode OTP salah", 422)
        case .otpExpired: .init("Kode OTP sudah kedaluwarsa", 422)
        case .otpLocked: .init("Terlalu banyak kode OTP salah", 422)
        case .otpResendTooSoon: .init("Tunggu sebentar sebelum meminta OTP lagi", 429)
        case .otpDailyLimit: .init("Batas OTP harian sudah tercapai", 429)
        case .gatewayUnavailable: .init("Layanan Prakerja sedang tidak dapat dihubungi", 502)
        case .platformUnavailable: .init("Layanan sedang tidak tersedia", 503)
        case .platformError: .init("Terjadi kesalahan pada sistem", 500)
        case .overloaded: .init("Server sedang sibuk, coba lagi nanti", 503)
        }
    }

    public static func accountID(_ sequence: Int64) -> String { "PM-\(100_000 + sequence)" }
    public static func orderID(_ sequence: Int64) -> String { "PJM\(String(format: "%08lld", sequence))" }
    public static func displayVoucher(_ code: String) -> String { "PJM-" + code.dropFirst(4) }
    public static func canonicalVoucher(_ display: String) -> String? { display.hasPrefix("PJM-") ? "PRK-" + display.dropFirst(4) : nil }
}
