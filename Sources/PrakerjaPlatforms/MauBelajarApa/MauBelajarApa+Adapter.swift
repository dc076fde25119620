import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

// MauBelajarApa's adapter: the shared buyer protocol spoken in its dialect.
extension MauBelajarApa {
    public static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter { Adapter(transport: transport) }

    struct Adapter: PlatformAdapter {
        let transport: AdapterTransport
        var platformID: String { MauBelajarApa.platformID }

        func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
            let a: Akun = try await call(.POST, "/api/akun/ikat.json", ["nama_pengguna": username, "nomor_kartu": cardNumber])
            return BuyerAccount(id: a.idAkun, username: a.namaPengguna, cardNumber: a.nomorKartu)
        }

        func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [BuyerCourse] {
            let list: [Kursus] = try await call(.GET, "/api/kursus.json?jenis=\(type?.rawValue ?? "")&batas=\(limit)")
            return try list.map { k throws(BuyerError) in
                guard let type = CourseType(rawValue: k.jenis) else { throw BuyerError(.platformError, "unknown jenis \(k.jenis)") }
                return BuyerCourse(id: k.kodeKursus, title: k.judul, providerID: k.idLembaga, type: type, price: k.harga)
            }
        }

        func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "/api/pesanan.json", ["id_akun": account.id, "kode_kursus": courseID]))
        }

        func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "/api/pesanan/\(Path.escape(orderID))/minta_otp.json", ["id_akun": account.id]))
        }

        func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "/api/pesanan/\(Path.escape(orderID))/kirim_ulang_otp.json", ["id_akun": account.id]))
        }

        func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.POST, "/api/pesanan/\(Path.escape(orderID))/bayar.json", ["id_akun": account.id, "otp": otp, "ref": idempotencyKey]))
        }

        func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerOrder {
            try shared(try await call(.GET, "/api/pesanan/\(Path.escape(orderID)).json?id_akun=\(Path.escape(account.id))"))
        }

        func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerVoucher {
            let v: WireVoucher = try await call(.GET, "/api/pesanan/\(Path.escape(orderID))/voucher.json?id_akun=\(Path.escape(account.id))")
            return try shared(v)
        }

        private func shared(_ p: Pesanan) throws(BuyerError) -> BuyerOrder {
            guard let status = statuses.first(where: { $0.value == p.statusPesanan })?.key else { throw BuyerError(.platformError, "unknown status_pesanan \(p.statusPesanan)") }
            return BuyerOrder(
                id: p.noPesanan, accountID: p.idAkun, courseID: p.kodeKursus, amount: p.totalHarga, status: status, otpExpiresAt: p.batasOtp.flatMap(Jakarta.parse),
                voucher: try p.voucher.map { v throws(BuyerError) in try shared(v) }
            )
        }

        private func shared(_ v: WireVoucher) throws(BuyerError) -> BuyerVoucher {
            guard let code = canonicalVoucher(v.kodeVoucher) else { throw BuyerError(.platformError, "voucher code \(v.kodeVoucher) is not in Mau Belajar Apa's format") }
            return BuyerVoucher(code: code, displayCode: v.kodeVoucher, redeemCode: v.kodeRedeem, invoiceCode: v.noInvoice, courseID: v.kodeKursus, providerID: v.idLembaga)
        }

        private func call<T: Codable>(_ method: HTTPMethod, _ target: String, _ form: KeyValuePairs<String, String>? = nil) async throws(BuyerError) -> T {
            let credentials = transport.credentials
            let response = try await transport.send(
                method, target, headers: [("Authorization", AdapterTransport.basic(credentials.clientID, credentials.clientSecret))],
                body: form.map(encodeForm), contentType: "application/x-www-form-urlencoded"
            )
            let answer = try? decoder.decode(Answer<T>.self, from: Data(response.body))
            guard response.status == 200, let answer, answer.status == "OK", let value = answer.hasil else {
                let failure = try? decoder.decode(Answer<Pesanan>.self, from: Data(response.body))
                throw AdapterTransport.refusal(code: failure?.errno.map(String.init), message: failure?.message, status: response.status, table: errors)
            }
            return value
        }
    }
}
