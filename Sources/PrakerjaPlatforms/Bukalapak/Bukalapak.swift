import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

/// Bukalapak: OAuth2 client credentials posted form-encoded to `/oauth/token`, then Bearer; nested REST
/// resources under `/v4/prakerja/accounts/{account_id}`; `{"data":…,"meta":{"http_status":200}}` on success,
/// `{"errors":[{"message","code":10001}],"meta":{"http_status":401}}` on failure (numeric codes).
public enum Bukalapak: PlatformDialect {
    public static let platformID = "bukalapak"
    public static let delivery = VoucherDelivery.synchronous

    public static let description = DialectDescription(
        platform: "Bukalapak", borrowedFrom: "Bukalapak API v4 (OAuth2, data/meta envelope, errors array)",
        auth: "POST /oauth/token, form-encoded grant_type=client_credentials&client_id=…&client_secret=… → {access_token, token_type, expires_in, created_at}; then Authorization: Bearer <access_token>",
        envelope: #"{"data":…,"meta":{"http_status":200}}; errors {"errors":[{"message":"…","code":10001}],"meta":{"http_status":401}}"#,
        errorCodes: "integers in errors[].code, grouped by hundreds (101xx auth, 102xx input, 103xx orders, 104xx programme rules, 105xx OTP, 109xx platform); HTTP status mirrored in meta.http_status",
        idempotency: "Idempotency-Key header on …/pay",
        voucherFormat: "BL- + the gateway code (BL-PRK-ABCD-2345-EFGH)",
        endpoints: [
            .init("token", "POST", "/oauth/token"),
            .init("sign_in", "POST", "/v4/prakerja/accounts"),
            .init("courses", "GET", "/v4/prakerja/products?type=&limit="),
            .init("place_order", "POST", "/v4/prakerja/accounts/{account_id}/transactions"),
            .init("request_otp", "POST", "/v4/prakerja/accounts/{account_id}/transactions/{id}/otp"),
            .init("resend_otp", "PUT", "/v4/prakerja/accounts/{account_id}/transactions/{id}/otp"),
            .init("confirm_otp", "POST", "/v4/prakerja/accounts/{account_id}/transactions/{id}/pay"),
            .init("order", "GET", "/v4/prakerja/accounts/{account_id}/transactions/{id}"),
            .init("voucher", "GET", "/v4/prakerja/accounts/{account_id}/transactions/{id}/voucher"),
        ]
    )

    public static let errors = DialectErrorTable { kind in
        switch kind {
        case .badCredentials: .init("10101", 401)
        case .invalidRequest: .init("10201", 400)
        case .unknownCourse: .init("10202", 404)
        case .unknownCard: .init("10203", 404)
        case .unknownAccount: .init("10204", 404)
        case .unknownOrder: .init("10301", 404)
        case .orderExpired: .init("10302", 422)
        case .orderNotPayable: .init("10303", 409)
        case .voucherNotReady: .init("10304", 404)
        case .idempotencyConflict: .init("10305", 409)
        case .participantRevoked: .init("10401", 403)
        case .purchaseDeadlinePassed: .init("10402", 403)
        case .videosNotWatched: .init("10403", 403)
        case .previousTrainingUnfinished: .init("10404", 403)
        case .insufficientBalance: .init("10405", 402)
        case .courseNotSoldOnPlatform: .init("10406", 422)
        case .cardBoundToOtherAccount: .init("10407", 409)
        case .accountBoundToOtherCard: .init("10408", 409)
        case .otpInvalid: .init("10501", 422)
        case .otpExpired: .init("10502", 422)
        case .otpLocked: .init("10503", 423)
        case .otpResendTooSoon: .init("10504", 429)
        case .otpDailyLimit: .init("10505", 429)
        case .gatewayUnavailable: .init("10901", 502)
        case .platformUnavailable: .init("10902", 503)
        case .platformError: .init("10900", 500)
        }
    }

    public static func accountID(_ sequence: Int64) -> String { String(sequence + 1_679_616, radix: 36) }
    public static func orderID(_ sequence: Int64) -> String { "BL" + String(sequence + 60_466_176, radix: 36).uppercased() }
    public static func displayVoucher(_ code: String) -> String { "BL-" + code }
    public static func canonicalVoucher(_ display: String) -> String? { display.hasPrefix("BL-PRK-") ? String(display.dropFirst(3)) : nil }

    // MARK: Wire types

    struct Meta: Codable { var httpStatus: Int }
    struct Success<T: Codable>: Codable {
        var data: T
        var meta: Meta
    }
    struct Failure: Codable {
        struct Item: Codable {
            var message: String
            var code: Int
        }
        var errors: [Item]
        var meta: Meta
    }
    struct TokenRequest: Codable {
        var grantType: String
        var clientId: String
        var clientSecret: String

        enum CodingKeys: String, CodingKey {
            case grantType = "grant_type", clientId = "client_id", clientSecret = "client_secret"
        }
    }
    struct Token: Codable {
        var accessToken: String
        var tokenType: String
        var expiresIn: Int
        var createdAt: Int64
    }
    struct AccountRequest: Codable {
        var username: String
        var cardNumber: String
    }
    struct Account: Codable {
        var id: String
        var username: String
        var cardNumber: String
    }
    struct Product: Codable {
        var id: String
        var name: String
        var type: String
        var price: Int64
        var store: Store
        struct Store: Codable { var id: String }
    }
    struct TransactionRequest: Codable { var productId: String }
    struct PayRequest: Codable { var otp: String }
    struct Transaction: Codable {
        var id: String
        var accountId: String
        var productId: String
        var amount: Int64
        /// pending, waiting_otp, paid, locked, cancelled (expired), refunded
        var state: String
        var otpExpiredAt: String?
        var voucher: Voucher?
    }
    struct Voucher: Codable {
        var code: String
        var redeemCode: String
        var invoiceNumber: String
        var storeId: String
        var productId: String
    }

    static let states: [OrderStatus: String] = [.created: "pending", .awaitingOTP: "waiting_otp", .paid: "paid", .locked: "locked", .expired: "cancelled", .refunded: "refunded"]
    static let encoder: JSONEncoder = {
        let e = Wire.snakeEncoder()
        e.dateEncodingStrategy = .iso8601
        return e
    }()
    static let decoder = Wire.snakeDecoder()

    static func transaction(_ o: StoreOrder) -> Transaction {
        Transaction(
            id: o.id, accountId: o.accountID, productId: o.courseID, amount: o.amount, state: states[o.status]!, otpExpiredAt: o.otpExpiresAt.map(Timestamps.iso8601),
            voucher: o.voucher.map(voucher)
        )
    }
    static func voucher(_ v: StoreVoucher) -> Voucher { Voucher(code: v.displayCode, redeemCode: v.redeemCode, invoiceNumber: v.invoiceCode, storeId: v.providerID, productId: v.courseID) }

    // MARK: Storefront

    public static func errorReply(_ error: BuyerError, status: Int) -> WireReply {
        let failure = Failure(errors: [.init(message: error.message, code: Int(errors[error.kind].code)!)], meta: Meta(httpStatus: status))
        return WireReply(status: status, json: Wire.encode(failure, encoder))
    }

    static func ok<T: Codable>(_ data: T, status: HTTPResponse.Status = .ok) -> WireReply {
        WireReply(status: status, json: Wire.encode(Success(data: data, meta: Meta(httpStatus: Int(status.code))), encoder))
    }

    public static func registerRoutes(on router: Router<BasicRequestContext>, storefront: Storefront) {
        let engine = storefront.engine
        let base = "v4/prakerja/accounts/:account/transactions/:id"
        @Sendable func ids(_ context: BasicRequestContext) throws -> (String, String) {
            (try context.parameters.require("account"), try context.parameters.require("id"))
        }
        router.post("oauth/token") { request, _ in
            let body = String(decoding: try await Wire.body(request), as: UTF8.self)
            guard let form = try? URLEncodedFormDecoder().decode(TokenRequest.self, from: body) else {
                throw BuyerError(.invalidRequest, "grant_type, client_id and client_secret are required, form-encoded")
            }
            guard form.grantType == "client_credentials" else { throw BuyerError(.invalidRequest, "grant_type must be client_credentials") }
            guard ConstantTime.equal(Array(form.clientId.utf8), Array(storefront.credentials.clientID.utf8)),
                ConstantTime.equal(Array(form.clientSecret.utf8), Array(storefront.credentials.clientSecret.utf8))
            else { throw BuyerError(.badCredentials, "invalid client") }
            let token = Token(
                accessToken: storefront.tokens.issue(clientID: form.clientId), tokenType: "bearer", expiresIn: Int(BearerTokens.lifetime),
                createdAt: Int64(storefront.wallClock.now().timeIntervalSince1970)
            )
            return WireReply(status: .ok, json: Wire.encode(token, encoder))
        }
        router.post("v4/prakerja/accounts") { request, _ in
            try storefront.checkBearer(request)
            let input = try Wire.decode(AccountRequest.self, from: try await Wire.body(request), decoder)
            let account = try await engine.signIn(username: input.username, cardNumber: input.cardNumber)
            return ok(Account(id: account.id, username: account.username, cardNumber: account.cardNumber), status: .created)
        }
        router.get("v4/prakerja/products") { request, _ in
            try storefront.checkBearer(request)
            let courses = try engine.courses(
                type: try Wire.courseType(request.uri.queryParameters["type"], name: "type"), limit: try Wire.int(request, "limit", default: 50, 1...1000)
            )
            return ok(courses.map { Product(id: $0.id, name: $0.title, type: $0.type.rawValue, price: $0.price, store: .init(id: $0.providerID)) })
        }
        router.post("v4/prakerja/accounts/:account/transactions") { request, context in
            try storefront.checkBearer(request)
            let input = try Wire.decode(TransactionRequest.self, from: try await Wire.body(request), decoder)
            return ok(transaction(try await engine.placeOrder(accountID: try context.parameters.require("account"), courseID: input.productId)), status: .created)
        }
        router.post("\(base)/otp") { request, context in
            try storefront.checkBearer(request)
            let (account, id) = try ids(context)
            return ok(transaction(try await engine.requestOTP(accountID: account, orderID: id)))
        }
        router.put("\(base)/otp") { request, context in
            try storefront.checkBearer(request)
            let (account, id) = try ids(context)
            return ok(transaction(try await engine.resendOTP(accountID: account, orderID: id)))
        }
        router.post("\(base)/pay") { request, context in
            try storefront.checkBearer(request)
            guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { throw BuyerError(.invalidRequest, "Idempotency-Key header is required") }
            let input = try Wire.decode(PayRequest.self, from: try await Wire.body(request), decoder)
            let (account, id) = try ids(context)
            return ok(transaction(try await engine.confirm(accountID: account, orderID: id, otp: input.otp, idempotencyKey: key)))
        }
        router.get(RouterPath(base)) { request, context in
            try storefront.checkBearer(request)
            let (account, id) = try ids(context)
            return ok(transaction(try await engine.transaction(accountID: account, orderID: id)))
        }
        router.get("\(base)/voucher") { request, context in
            try storefront.checkBearer(request)
            let (account, id) = try ids(context)
            return ok(voucher(try await engine.voucher(accountID: account, orderID: id)))
        }
    }

    // MARK: Adapter

    public static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter { Adapter(transport: transport) }

    struct Adapter: PlatformAdapter {
        let transport: AdapterTransport
        let tokens: TokenCache
        var platformID: String { Bukalapak.platformID }

        init(transport: AdapterTransport) {
            self.transport = transport
            self.tokens = TokenCache(clock: transport.wallClock)
        }

        func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
            let a: Account = try await call(.POST, "/v4/prakerja/accounts", AccountRequest(username: username, cardNumber: cardNumber))
            return BuyerAccount(id: a.id, username: a.username, cardNumber: a.cardNumber)
        }

        func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [StoreCourse] {
            let products: [Product] = try await call(.GET, "/v4/prakerja/products?type=\(type?.rawValue ?? "")&limit=\(limit)")
            return try products.map { p throws(BuyerError) in
                guard let type = CourseType(rawValue: p.type) else { throw BuyerError(.platformError, "unknown product type \(p.type)") }
                return StoreCourse(id: p.id, title: p.name, providerID: p.store.id, type: type, price: p.price)
            }
        }

        func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "/v4/prakerja/accounts/\(Path.escape(account.id))/transactions", TransactionRequest(productId: courseID)))
        }

        func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, path(account, orderID, "/otp")))
        }

        func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.PUT, path(account, orderID, "/otp")))
        }

        func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, path(account, orderID, "/pay"), PayRequest(otp: otp), headers: [("Idempotency-Key", idempotencyKey)]))
        }

        func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.GET, path(account, orderID, "")))
        }

        func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreVoucher {
            return try shared(try await call(.GET, path(account, orderID, "/voucher")) as Voucher)
        }

        private func path(_ account: BuyerAccount, _ orderID: String, _ suffix: String) -> String {
            "/v4/prakerja/accounts/\(Path.escape(account.id))/transactions/\(Path.escape(orderID))\(suffix)"
        }

        private func shared(_ t: Transaction) throws(BuyerError) -> StoreOrder {
            guard let status = states.first(where: { $0.value == t.state })?.key else { throw BuyerError(.platformError, "unknown state \(t.state)") }
            return StoreOrder(
                id: t.id, accountID: t.accountId, courseID: t.productId, amount: t.amount, status: status, otpExpiresAt: t.otpExpiredAt.flatMap(Timestamps.parse),
                voucher: try t.voucher.map { v throws(BuyerError) in try shared(v) }
            )
        }

        private func shared(_ v: Voucher) throws(BuyerError) -> StoreVoucher {
            guard let code = canonicalVoucher(v.code) else { throw BuyerError(.platformError, "voucher code \(v.code) is not in Bukalapak's format") }
            return StoreVoucher(code: code, displayCode: v.code, redeemCode: v.redeemCode, invoiceCode: v.invoiceNumber, courseID: v.productId, providerID: v.storeId)
        }

        private func call<T: Codable>(_ method: HTTPMethod, _ target: String, _ body: (some Encodable)? = Optional<Int>.none, headers: [(String, String)] = []) async throws(BuyerError) -> T {
            let transport = transport
            let token = try await tokens.token { () throws(BuyerError) in
                let form = "grant_type=client_credentials&client_id=\(Path.escape(transport.credentials.clientID))&client_secret=\(Path.escape(transport.credentials.clientSecret))"
                let response = try await transport.send(.POST, "/oauth/token", body: Array(form.utf8), contentType: "application/x-www-form-urlencoded")
                guard response.status == 200 else { throw refusal(response) }
                let token = try transport.decode(Token.self, response, decoder)
                return (token.accessToken, TimeInterval(token.expiresIn))
            }
            let response = try await transport.send(method, target, headers: [("Authorization", "Bearer \(token)")] + headers, body: body.map { Wire.encode($0, encoder) })
            guard (200...201).contains(response.status) else {
                if response.status == 401 { await tokens.forget() }
                throw refusal(response)
            }
            return try transport.decode(Success<T>.self, response, decoder).data
        }

        private func refusal(_ response: AdapterTransport.Response) -> BuyerError {
            let first = (try? decoder.decode(Failure.self, from: Data(response.body)))?.errors.first
            return AdapterTransport.refusal(code: first.map { String($0.code) }, message: first?.message, status: response.status, table: errors)
        }
    }
}
