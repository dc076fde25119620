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
            }
        return .init(String(number), kind == .badCredentials ? 401 : 200)
    }

    public static func accountID(_ sequence: Int64) -> String { String(5000 + sequence) }
    public static func orderID(_ sequence: Int64) -> String { "MBA\(2021_0000 + sequence)" }
    public static func displayVoucher(_ code: String) -> String { "MBA/" + code.replacingOccurrences(of: "-", with: "/") }
    public static func canonicalVoucher(_ display: String) -> String? {
        display.hasPrefix("MBA/PRK/") ? String(display.dropFirst(4)).replacingOccurrences(of: "/", with: "-") : nil
    }

    // MARK: Wire types

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
        var voucher: Voucher?
    }
    struct Voucher: Codable {
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

    static func pesanan(_ o: StoreOrder) -> Pesanan {
        Pesanan(
            noPesanan: o.id, idAkun: o.accountID, kodeKursus: o.courseID, totalHarga: o.amount, statusPesanan: statuses[o.status]!,
            batasOtp: o.otpExpiresAt.map(Jakarta.dateTime), voucher: o.voucher.map(voucher)
        )
    }
    static func voucher(_ v: StoreVoucher) -> Voucher { Voucher(kodeVoucher: v.displayCode, kodeRedeem: v.redeemCode, noInvoice: v.invoiceCode, idLembaga: v.providerID, kodeKursus: v.courseID) }

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

    // MARK: Storefront

    public static func errorReply(_ error: BuyerError, status: Int) -> WireReply {
        var headers = HTTPFields()
        let http = error.kind == .badCredentials ? 401 : 200
        if http == 401 { headers[.wwwAuthenticate] = #"Basic realm="maubelajarapa""# }
        let answer = Answer<Pesanan>(status: "ERROR", message: error.message, hasil: nil, errno: Int(errors[error.kind].code))
        return WireReply(status: http, json: Wire.encode(answer, encoder), headers: headers)
    }

    static func ok<T: Codable>(_ value: T, _ message: String = "Berhasil") -> WireReply {
        WireReply(status: .ok, json: Wire.encode(Answer(status: "OK", message: message, hasil: value, errno: nil), encoder))
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

    // MARK: Adapter

    public static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter { Adapter(transport: transport) }

    struct Adapter: PlatformAdapter {
        let transport: AdapterTransport
        var platformID: String { MauBelajarApa.platformID }

        func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
            let a: Akun = try await call(.POST, "/api/akun/ikat.json", ["nama_pengguna": username, "nomor_kartu": cardNumber])
            return BuyerAccount(id: a.idAkun, username: a.namaPengguna, cardNumber: a.nomorKartu)
        }

        func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [StoreCourse] {
            let list: [Kursus] = try await call(.GET, "/api/kursus.json?jenis=\(type?.rawValue ?? "")&batas=\(limit)")
            return try list.map { k throws(BuyerError) in
                guard let type = CourseType(rawValue: k.jenis) else { throw BuyerError(.platformError, "unknown jenis \(k.jenis)") }
                return StoreCourse(id: k.kodeKursus, title: k.judul, providerID: k.idLembaga, type: type, price: k.harga)
            }
        }

        func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "/api/pesanan.json", ["id_akun": account.id, "kode_kursus": courseID]))
        }

        func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "/api/pesanan/\(Path.escape(orderID))/minta_otp.json", ["id_akun": account.id]))
        }

        func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "/api/pesanan/\(Path.escape(orderID))/kirim_ulang_otp.json", ["id_akun": account.id]))
        }

        func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "/api/pesanan/\(Path.escape(orderID))/bayar.json", ["id_akun": account.id, "otp": otp, "ref": idempotencyKey]))
        }

        func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.GET, "/api/pesanan/\(Path.escape(orderID)).json?id_akun=\(Path.escape(account.id))"))
        }

        func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreVoucher {
            let v: Voucher = try await call(.GET, "/api/pesanan/\(Path.escape(orderID))/voucher.json?id_akun=\(Path.escape(account.id))")
            return try shared(v)
        }

        private func shared(_ p: Pesanan) throws(BuyerError) -> StoreOrder {
            guard let status = statuses.first(where: { $0.value == p.statusPesanan })?.key else { throw BuyerError(.platformError, "unknown status_pesanan \(p.statusPesanan)") }
            return StoreOrder(
                id: p.noPesanan, accountID: p.idAkun, courseID: p.kodeKursus, amount: p.totalHarga, status: status, otpExpiresAt: p.batasOtp.flatMap(Jakarta.parse),
                voucher: try p.voucher.map { v throws(BuyerError) in try shared(v) }
            )
        }

        private func shared(_ v: Voucher) throws(BuyerError) -> StoreVoucher {
            guard let code = canonicalVoucher(v.kodeVoucher) else { throw BuyerError(.platformError, "voucher code \(v.kodeVoucher) is not in Mau Belajar Apa's format") }
            return StoreVoucher(code: code, displayCode: v.kodeVoucher, redeemCode: v.kodeRedeem, invoiceCode: v.noInvoice, courseID: v.kodeKursus, providerID: v.idLembaga)
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
