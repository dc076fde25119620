import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore
import PrakerjaHTTP

// MauBelajarApa's storefront routes: its dialect in front of the shared storefront engine.
extension MauBelajarApa {
    public static func errorReply(_ error: BuyerError, status: Int) -> Reply {
        var headers = HTTPFields()
        let http = error.kind == .badCredentials ? 401 : 200
        if http == 401 { headers[.wwwAuthenticate] = #"Basic realm="maubelajarapa""# }
        let answer = Answer<Pesanan>(status: "ERROR", message: error.message, hasil: nil, errno: Int(errors[error.kind].code))
        return Reply(status: http, body: Wire.encode(answer, encoder), headers: headers)
    }

    static func ok<T: Codable>(_ value: T, _ message: String = "Berhasil") -> Reply {
        Reply(status: .ok, body: Wire.encode(Answer(status: "OK", message: message, hasil: value, errno: nil), encoder))
    }

    public static func registerRoutes(on router: Router<BasicRequestContext>, storefront: Storefront) {
        let engine = storefront.engine
        @Sendable func fields(_ request: Request, _ names: String...) async throws(BuyerError) -> [String] {
            try storefront.checkBasic(request)
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
                throw BuyerError(.invalidRequest, "kirim data sebagai application/x-www-form-urlencoded")
            }
            let form = form(try await Wire.body(request))
            return try names.map { name throws(BuyerError) in
                guard let value = form[name], !value.isEmpty else { throw BuyerError(.invalidRequest, "\(name) wajib diisi") }
                return value
            }
        }
        @Sendable func account(_ request: Request) throws(BuyerError) -> String {
            try storefront.checkBasic(request)
            guard let id = request.uri.queryParameters["id_akun"], !id.isEmpty else { throw BuyerError(.invalidRequest, "id_akun wajib diisi") }
            return String(id)
        }
        router.post("api/akun/ikat.json") { request, _ in
            let f = try await fields(request, "nama_pengguna", "nomor_kartu")
            let a = try await engine.signIn(username: f[0], cardNumber: f[1])
            return ok(Akun(idAkun: a.id, namaPengguna: a.username, nomorKartu: a.cardNumber), "Kartu Prakerja berhasil dihubungkan")
        }
        router.get("api/kursus.json") { request, _ in
            try storefront.checkBasic(request)
            let courses = try engine.courses(type: try Wire.courseType(request.uri.queryParameters["jenis"], name: "jenis"), limit: try Wire.int(request, "batas", default: 50, 1...1000))
            return ok(courses.map { Kursus(kodeKursus: $0.id, judul: $0.title, idLembaga: $0.providerID, jenis: $0.type.rawValue, harga: $0.price) })
        }
        router.post("api/pesanan.json") { request, _ in
            let f = try await fields(request, "id_akun", "kode_kursus")
            return ok(pesanan(try await engine.placeOrder(accountID: f[0], courseID: f[1])), "Pesanan dibuat")
        }
        router.post("api/pesanan/:no/minta_otp.json") { request, context in
            let f = try await fields(request, "id_akun")
            return ok(pesanan(try await engine.requestOTP(accountID: f[0], orderID: try context.parameters.require("no"))), "OTP dikirim ke nomor HP peserta")
        }
        router.post("api/pesanan/:no/kirim_ulang_otp.json") { request, context in
            let f = try await fields(request, "id_akun")
            return ok(pesanan(try await engine.resendOTP(accountID: f[0], orderID: try context.parameters.require("no"))), "OTP dikirim ulang")
        }
        router.post("api/pesanan/:no/bayar.json") { request, context in
            let f = try await fields(request, "id_akun", "otp", "ref")
            return ok(pesanan(try await engine.confirm(accountID: f[0], orderID: try context.parameters.require("no"), otp: f[1], idempotencyKey: f[2])), "Pembayaran berhasil")
        }
        router.get("api/pesanan/:no") { request, context in
            let file = try context.parameters.require("no")
            guard file.hasSuffix(".json") else { throw BuyerError(.invalidRequest, "alamat harus berakhiran .json") }
            return ok(pesanan(try await engine.transaction(accountID: try account(request), orderID: String(file.dropLast(5)))))
        }
        router.get("api/pesanan/:no/voucher.json") { request, context in
            ok(voucher(try await engine.voucher(accountID: try account(request), orderID: try context.parameters.require("no"))))
        }
    }
}
