import Foundation

/// The redeem-code API's outcomes, wire-compatible with the real programme's: the six canonical
/// messages, plus the webinar window.
public struct RedeemError: Error, Sendable, Equatable {
    public enum Reason: String, Sendable, CaseIterable {
        case notFound = "Kode redeem tidak ditemukan"
        case typeMismatch = "Tipe pelatihan tidak sesuai"
        case wrongProvider = "Kode redeem bukan milik lembaga pelatihan yang kamu pilih"
        case codeCancelled = "Kode redeem sudah dibatalkan"
        case transactionCancelled = "Transaksi sudah dibatalkan"
        case alreadyUsed = "Kode redeem sudah digunakan"
        /// Not one of the six: a webinar's code works from 1 h before to 1 h after its session starts.
        case outsideWebinarWindow = "Kode redeem hanya dapat digunakan mulai 1 jam sebelum sampai 1 jam setelah jadwal webinar dimulai"
    }

    public let reason: Reason
    public init(_ reason: Reason) { self.reason = reason }

    public var status: Int {
        switch reason {
        case .notFound: 404
        case .wrongProvider: 403
        case .alreadyUsed: 409
        case .typeMismatch, .codeCancelled, .transactionCancelled, .outsideWebinarWindow: 422
        }
    }
}
