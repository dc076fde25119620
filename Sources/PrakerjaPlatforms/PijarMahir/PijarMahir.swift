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
            .init("courses", "GET", "\(base)/courses?type=&limit="),
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
        }
    }

    public static func accountID(_ sequence: Int64) -> String { "PM-\(100_000 + sequence)" }
    public static func orderID(_ sequence: Int64) -> String { "PJM\(String(format: "%08lld", sequence))" }
    public static func displayVoucher(_ code: String) -> String { "PJM-" + code.dropFirst(4) }
    public static func canonicalVoucher(_ display: String) -> String? { display.hasPrefix("PJM-") ? "PRK-" + display.dropFirst(4) : nil }

    // MARK: Wire types

    struct Envelope<T: Codable>: Codable {
        var success: Bool
        var message: String
        var data: T?
    }
    struct BindRequest: Codable {
        var username: String
        var cardNumber: String
    }
    struct Account: Codable {
        var accountId: String
        var username: String
        var cardNumber: String
    }
    struct Course: Codable {
        var courseCode: String
        var courseName: String
        var providerId: String
        var courseType: String
        var price: Int64
    }
    struct OrderRequest: Codable {
        var accountId: String
        var courseCode: String
    }
    struct AccountRef: Codable { var accountId: String }
    struct ConfirmRequest: Codable {
        var accountId: String
        var otp: String
        var requestId: String
    }
    struct Order: Codable {
        var orderNumber: String
        var accountId: String
        var courseCode: String
        var price: Int64
        /// created, waiting_otp, paid, locked, expired, refunded
        var status: String
        var otpExpiredAt: Int64?
        var voucher: Voucher?
    }
    struct Voucher: Codable {
        var voucherCode: String
        var redeemCode: String
        var invoiceCode: String
        var providerId: String
        var courseCode: String
    }

    static let statuses: [OrderStatus: String] = [.created: "created", .awaitingOTP: "waiting_otp", .paid: "paid", .locked: "locked", .expired: "expired", .refunded: "refunded"]
    static let encoder = Wire.snakeEncoder()
    static let decoder = Wire.snakeDecoder()

    static func order(_ o: StoreOrder) -> Order {
        Order(
            orderNumber: o.id, accountId: o.accountID, courseCode: o.courseID, price: o.amount, status: statuses[o.status]!,
            otpExpiredAt: o.otpExpiresAt.map { Int64($0.timeIntervalSince1970) }, voucher: o.voucher.map(voucher)
        )
    }
    static func voucher(_ v: StoreVoucher) -> Voucher { Voucher(voucherCode: v.displayCode, redeemCode: v.redeemCode, invoiceCode: v.invoiceCode, providerId: v.providerID, courseCode: v.courseID) }

    // MARK: Storefront

    public static func errorReply(_ error: BuyerError, status: Int) -> WireReply {
        WireReply(status: status, json: Wire.encode(Envelope<Order>(success: false, message: errors[error.kind].code, data: nil), encoder))
    }

    static func ok<T: Codable>(_ data: T) -> WireReply {
        WireReply(status: .ok, json: Wire.encode(Envelope(success: true, message: "Berhasil", data: data), encoder))
    }

    public static func registerRoutes(on router: Router<BasicRequestContext>, storefront: Storefront) {
        let engine = storefront.engine
        /// Verifies the signature headers; returns the body it covered.
        @Sendable func signed(_ request: Request) async throws(BuyerError) -> [UInt8] {
            let body = try await Wire.body(request)
            let h = request.headers
            guard let client = h[HTTPField.Name("client_code")!], let timestamp = h[HTTPField.Name("timestamp")!], let signature = h[HTTPField.Name("signature")!] else {
                throw BuyerError(.badCredentials, "client_code, timestamp and signature headers are required")
            }
            guard let seconds = Double(timestamp), abs(seconds - storefront.wallClock.now().timeIntervalSince1970) <= tolerance else {
                throw BuyerError(.badCredentials, "timestamp is outside ±5 minutes")
            }
            let target = request.uri.query.map { "\(request.uri.path)?\($0)" } ?? request.uri.path
            guard client == storefront.credentials.clientID,
                RedeemSignature.verify(signature, key: storefront.credentials.clientSecret, clientCode: client, timestamp: timestamp, method: request.method.rawValue, path: target, body: body)
            else { throw BuyerError(.badCredentials, "signature does not match") }
            return body
        }
        @Sendable func account(_ request: Request) throws(BuyerError) -> String {
            guard let id = request.uri.queryParameters["account_id"], !id.isEmpty else { throw BuyerError(.invalidRequest, "account_id is required") }
            return String(id)
        }
        let orders = "\(base.dropFirst())/orders"
        router.post("\(base.dropFirst())/account/bind") { request, _ in
            let input = try Wire.decode(BindRequest.self, from: try await signed(request), decoder)
            let a = try await engine.signIn(username: input.username, cardNumber: input.cardNumber)
            return ok(Account(accountId: a.id, username: a.username, cardNumber: a.cardNumber))
        }
        router.get("\(base.dropFirst())/courses") { request, _ in
            _ = try await signed(request)
            let courses = try engine.courses(type: try Wire.courseType(request.uri.queryParameters["type"], name: "type"), limit: try Wire.int(request, "limit", default: 50, 1...1000))
            return ok(courses.map { Course(courseCode: $0.id, courseName: $0.title, providerId: $0.providerID, courseType: $0.type.rawValue, price: $0.price) })
        }
        router.post(RouterPath(orders)) { request, _ in
            let input = try Wire.decode(OrderRequest.self, from: try await signed(request), decoder)
            return ok(order(try await engine.placeOrder(accountID: input.accountId, courseID: input.courseCode)))
        }
        router.post("\(orders)/:order/otp/request") { request, context in
            let input = try Wire.decode(AccountRef.self, from: try await signed(request), decoder)
            return ok(order(try await engine.requestOTP(accountID: input.accountId, orderID: try context.parameters.require("order"))))
        }
        router.post("\(orders)/:order/otp/resend") { request, context in
            let input = try Wire.decode(AccountRef.self, from: try await signed(request), decoder)
            return ok(order(try await engine.resendOTP(accountID: input.accountId, orderID: try context.parameters.require("order"))))
        }
        router.post("\(orders)/:order/otp/confirm") { request, context in
            let input = try Wire.decode(ConfirmRequest.self, from: try await signed(request), decoder)
            let paid = try await engine.confirm(accountID: input.accountId, orderID: try context.parameters.require("order"), otp: input.otp, idempotencyKey: input.requestId)
            return ok(order(paid))
        }
        router.get("\(orders)/:order") { request, context in
            _ = try await signed(request)
            return ok(order(try await engine.transaction(accountID: try account(request), orderID: try context.parameters.require("order"))))
        }
        router.get("\(orders)/:order/voucher") { request, context in
            _ = try await signed(request)
            return ok(voucher(try await engine.voucher(accountID: try account(request), orderID: try context.parameters.require("order"))))
        }
    }

    // MARK: Adapter

    public static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter { Adapter(transport: transport) }

    struct Adapter: PlatformAdapter {
        let transport: AdapterTransport
        var platformID: String { PijarMahir.platformID }

        func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
            let a: Account = try await call(.POST, "\(base)/account/bind", BindRequest(username: username, cardNumber: cardNumber))
            return BuyerAccount(id: a.accountId, username: a.username, cardNumber: a.cardNumber)
        }

        func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [StoreCourse] {
            let list: [Course] = try await call(.GET, "\(base)/courses?type=\(type?.rawValue ?? "")&limit=\(limit)")
            return try list.map { c throws(BuyerError) in
                guard let type = CourseType(rawValue: c.courseType) else { throw BuyerError(.platformError, "unknown course_type \(c.courseType)") }
                return StoreCourse(id: c.courseCode, title: c.courseName, providerID: c.providerId, type: type, price: c.price)
            }
        }

        func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "\(base)/orders", OrderRequest(accountId: account.id, courseCode: courseID)))
        }

        func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "\(base)/orders/\(Path.escape(orderID))/otp/request", AccountRef(accountId: account.id)))
        }

        func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "\(base)/orders/\(Path.escape(orderID))/otp/resend", AccountRef(accountId: account.id)))
        }

        func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "\(base)/orders/\(Path.escape(orderID))/otp/confirm", ConfirmRequest(accountId: account.id, otp: otp, requestId: idempotencyKey)))
        }

        func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.GET, "\(base)/orders/\(Path.escape(orderID))?account_id=\(Path.escape(account.id))"))
        }

        func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreVoucher {
            let v: Voucher = try await call(.GET, "\(base)/orders/\(Path.escape(orderID))/voucher?account_id=\(Path.escape(account.id))")
            return try shared(v)
        }

        private func shared(_ o: Order) throws(BuyerError) -> StoreOrder {
            guard let status = statuses.first(where: { $0.value == o.status })?.key else { throw BuyerError(.platformError, "unknown status \(o.status)") }
            return StoreOrder(
                id: o.orderNumber, accountID: o.accountId, courseID: o.courseCode, amount: o.price, status: status,
                otpExpiresAt: o.otpExpiredAt.map { Date(timeIntervalSince1970: TimeInterval($0)) },
                voucher: try o.voucher.map { v throws(BuyerError) in try shared(v) }
            )
        }

        private func shared(_ v: Voucher) throws(BuyerError) -> StoreVoucher {
            guard let code = canonicalVoucher(v.voucherCode) else { throw BuyerError(.platformError, "voucher code \(v.voucherCode) is not in Pijar Mahir's format") }
            return StoreVoucher(code: code, displayCode: v.voucherCode, redeemCode: v.redeemCode, invoiceCode: v.invoiceCode, courseID: v.courseCode, providerID: v.providerId)
        }

        private func call<T: Codable>(_ method: HTTPMethod, _ target: String, _ input: (some Encodable)? = Optional<Int>.none) async throws(BuyerError) -> T {
            let body = input.map { Wire.encode($0, encoder) } ?? []
            let timestamp = String(Int64(transport.wallClock.now().timeIntervalSince1970))
            let credentials = transport.credentials
            let signature = RedeemSignature.sign(key: credentials.clientSecret, clientCode: credentials.clientID, timestamp: timestamp, method: method.rawValue, path: target, body: body)
            let response = try await transport.send(
                method, target, headers: [("client_code", credentials.clientID), ("timestamp", timestamp), ("signature", signature)], body: input == nil ? nil : body
            )
            let envelope = try? decoder.decode(Envelope<T>.self, from: Data(response.body))
            guard response.status == 200, let envelope, envelope.success, let data = envelope.data else {
                let message = (try? decoder.decode(Envelope<Order>.self, from: Data(response.body)))?.message
                throw AdapterTransport.refusal(code: message, message: message, status: response.status, table: errors)
            }
            return data
        }
    }
}
