import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

// MauBelajarApa's wire types: the JSON (or form) shapes its storefront and adapter exchange.
extension MauBelajarApa {
    struct Answer<T: Codable>: Codable {
        var status: String
        var message: String
        var hasil: T?
        var errno: Int?
    }
    struct Akun: Codable {
        var idAkun: String
        var namaPengguna: String
        var nomorKartu: String
    }
    struct Kursus: Codable {
        var kodeKursus: String
        var judul: String
        var idLembaga: String
        var jenis: String
        var harga: Int64
    }
    struct Pesanan: Codable {
        var noPesanan: String
        var idAkun: String
        var kodeKursus: String
        var totalHarga: Int64
        /// BARU, MENUNGGU_OTP, LUNAS, TERKUNCI, KEDALUWARSA, DIKEMBALIKAN
        var statusPesanan: String
        var batasOtp: String?
        var voucher: WireVoucher?
    }
    struct WireVoucher: Codable {
        var kodeVoucher: String
        var kodeRedeem: String
        var noInvoice: String
        var idLembaga: String
        var kodeKursus: String
    }

    static let statuses: [OrderStatus: String] = [
        .created: "BARU", .awaitingOTP: "MENUNGGU_OTP", .paid: "LUNAS", .locked: "TERKUNCI", .expired: "KEDALUWARSA", .refunded: "DIKEMBALIKAN",
    ]
    static let encoder = Wire.snakeEncoder()
    static let decoder = Wire.snakeDecoder()

    static func pesanan(_ o: BuyerOrder) -> Pesanan {
        Pesanan(
            noPesanan: o.id, idAkun: o.accountID, kodeKursus: o.courseID, totalHarga: o.amount, statusPesanan: statuses[o.status]!,
            batasOtp: o.otpExpiresAt.map(Jakarta.dateTime), voucher: o.voucher.map(voucher)
        )
    }
    static func voucher(_ v: BuyerVoucher) -> WireVoucher { WireVoucher(kodeVoucher: v.displayCode, kodeRedeem: v.redeemCode, noInvoice: v.invoiceCode, idLembaga: v.providerID, kodeKursus: v.courseID) }

    /// Parses an `application/x-www-form-urlencoded` body.
    static func form(_ body: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    static func encodeForm(_ fields: KeyValuePairs<String, String>) -> [UInt8] {
        Array(fields.map { "\(Path.escape($0.key))=\(Path.escape($0.value))" }.joined(separator: "&").utf8)
    }
}
