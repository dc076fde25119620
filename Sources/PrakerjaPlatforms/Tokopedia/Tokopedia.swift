import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

/// Tokopedia: OAuth2 client-credentials token (Basic `client_id:secret` to `/token`), then Bearer; the
/// fulfilment-service id in every path; `{"header":{…},"data":…}` envelope; numeric order statuses;
/// `AAA_BBB_nnn` error codes; 429 with `X-Ratelimit-Full-Reset-After`.
public enum Tokopedia: PlatformDialect {
    public static let platformID = "tokopedia"
    public static let delivery = VoucherDelivery.synchronous
    /// The fulfilment-service id issued with the credentials.
    public static let fsID = "15123"

    public static let description = DialectDescription(
        platform: "Tokopedia", borrowedFrom: "Tokopedia Open API (fs endpoints)",
        auth: "POST /token?grant_type=client_credentials with Authorization: Basic base64(client_id:client_secret) → {access_token, expires_in, token_type}; then Authorization: Bearer <access_token>. Paths carry the fs_id \(fsID).",
        envelope: #"{"header":{"process_time":0.0012,"messages":"…","reason":"","error_code":""},"data":…}; errors keep the envelope with data null, the reason and error_code set"#,
        errorCodes: "strings AAA_BBB_nnn in header.error_code; HTTP 400 for business refusals, 429 with X-Ratelimit-Full-Reset-After for OTP limits",
        idempotency: "X-Idempotency-Key header on payment/confirm",
        voucherFormat: "TKPD + the gateway code without PRK- and dashes (TKPDABCD2345EFGH)",
        endpoints: [
            .init("token", "POST", "/token?grant_type=client_credentials"),
            .init("sign_in", "POST", "/v1/fs/{fs_id}/user/bind"),
            .init("courses", "GET", "/inventory/v1/fs/{fs_id}/product/list?product_type=&per_page="),
            .init("place_order", "POST", "/v1/fs/{fs_id}/order"),
            .init("request_otp", "POST", "/v1/order/{order_id}/fs/{fs_id}/payment/otp?user_id="),
            .init("resend_otp", "POST", "/v1/order/{order_id}/fs/{fs_id}/payment/otp/resend?user_id="),
            .init("confirm_otp", "POST", "/v1/order/{order_id}/fs/{fs_id}/payment/confirm?user_id="),
            .init("order", "GET", "/v1/order/{order_id}/fs/{fs_id}?user_id="),
            .init("voucher", "GET", "/v1/order/{order_id}/fs/{fs_id}/voucher?user_id="),
        ]
    )

    public static let errors = DialectErrorTable { kind in
        switch kind {
        case .badCredentials: .init("AUTH_API_001", 401)
        case .invalidRequest: .init("ORD_API_001", 400)
        case .unknownCourse: .init("PRD_API_004", 404)
        case .unknownCard: .init("PAY_PRK_004", 400)
        case .unknownAccount: .init("USR_API_004", 404)
        case .unknownOrder: .init("ORD_API_004", 404)
        case .orderExpired: .init("ORD_API_010", 400)
        case .orderNotPayable: .init("ORD_API_011", 400)
        case .voucherNotReady: .init("ORD_API_012", 400)
        case .idempotencyConflict: .init("ORD_API_009", 409)
        case .participantRevoked: .init("PAY_PRK_101", 400)
        case .purchaseDeadlinePassed: .init("PAY_PRK_102", 400)
        case .videosNotWatched: .init("PAY_PRK_103", 400)
        case .previousTrainingUnfinished: .init("PAY_PRK_104", 400)
        case .insufficientBalance: .init("PAY_PRK_105", 400)
        case .courseNotSoldOnPlatform: .init("PRD_API_010", 400)
        case .cardBoundToOtherAccount: .init("USR_PRK_201", 400)
        case .accountBoundToOtherCard: .init("USR_PRK_202", 400)
        case .otpInvalid: .init("PAY_OTP_001", 400)
        case .otpExpired: .init("PAY_OTP_002", 400)
        case .otpLocked: .init("PAY_OTP_003", 400)
        case .otpResendTooSoon: .init("PAY_OTP_004", 429)
        case .otpDailyLimit: .init("PAY_OTP_005", 429)
        case .gatewayUnavailable: .init("PAY_PRK_500", 502)
        case .platformUnavailable: .init("SYS_API_503", 503)
        case .platformError: .init("SYS_API_500", 500)
        }
    }

    public static func accountID(_ sequence: Int64) -> String { String(81_000_000 + sequence) }
    public static func orderID(_ sequence: Int64) -> String { String(960_000_000 + sequence) }

    public static func displayVoucher(_ code: String) -> String { "TKPD" + VoucherCode.body(code) }
    public static func canonicalVoucher(_ display: String) -> String? { display.hasPrefix("TKPD") ? VoucherCode.code(body: display.dropFirst(4)) : nil }

    // MARK: Wire types

    struct Header: Codable {
        var processTime: Double
        var messages: String
        var reason: String
        var errorCode: String
    }

    struct Envelope<T: Codable>: Codable {
        var header: Header
        var data: T?
    }

    struct Token: Codable {
        var accessToken: String
        var expiresIn: Int
        var tokenType: String
    }

    struct BindRequest: Codable {
        var username: String
        var prakerjaCardNumber: String
    }

    struct User: Codable {
        var userId: Int64
        var username: String
        var prakerjaCardNumber: String
    }

    struct Product: Codable {
        var productId: String
        var name: String
        var shopId: String
        var productType: String
        var price: Int64
    }

    struct OrderRequest: Codable {
        var userId: Int64
        var productId: String
    }

    struct ConfirmRequest: Codable {
        var otp: String
    }

    struct Order: Codable {
        var orderId: Int64
        var userId: Int64
        var productId: String
        var totalPrice: Int64
        /// 100 new, 103 waiting for OTP, 220 payment verified, 15 payment locked, 0 cancelled (expired), 690 refunded.
        var orderStatus: Int
        var otpExpiredAt: Int64?
        var voucher: Voucher?
    }

    struct Voucher: Codable {
        var voucherCode: String
        var redeemCode: String
        var invoiceRefNum: String
        var shopId: String
        var productId: String
    }

    static let statusCodes: [OrderStatus: Int] = [.created: 100, .awaitingOTP: 103, .paid: 220, .locked: 15, .expired: 0, .refunded: 690]

    static let encoder = Wire.snakeEncoder()
    static let decoder = Wire.snakeDecoder()

    static func voucher(_ v: StoreVoucher) -> Voucher {
        Voucher(voucherCode: v.displayCode, redeemCode: v.redeemCode, invoiceRefNum: v.invoiceCode, shopId: v.providerID, productId: v.courseID)
    }

    static func order(_ o: StoreOrder) -> Order {
        Order(
            orderId: Int64(o.id) ?? 0, userId: Int64(o.accountID) ?? 0, productId: o.courseID, totalPrice: o.amount, orderStatus: statusCodes[o.status]!,
            otpExpiredAt: o.otpExpiresAt.map { Int64($0.timeIntervalSince1970) }, voucher: o.voucher.map(voucher)
        )
    }

    // MARK: Storefront

    public static func errorReply(_ error: BuyerError, status: Int) -> WireReply {
        let entry = errors[error.kind]
        var headers = HTTPFields()
        if status == 429 { headers[HTTPField.Name("X-Ratelimit-Full-Reset-After")!] = error.kind == .otpDailyLimit ? "86400" : "60" }
        let header = Header(processTime: 0, messages: "Your request cannot be processed", reason: error.message, errorCode: entry.code)
        return WireReply(status: status, json: Wire.encode(Envelope<Order>(header: header, data: nil), encoder), headers: headers)
    }

    static func ok<T: Codable>(_ data: T, started: ContinuousClock.Instant) -> WireReply {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let header = Header(processTime: (seconds * 1e6).rounded() / 1e6, messages: "Your request has been processed successfully", reason: "", errorCode: "")
        return WireReply(status: .ok, json: Wire.encode(Envelope(header: header, data: data), encoder))
    }

    public static func registerRoutes(on router: Router<BasicRequestContext>, storefront: Storefront) {
        let engine = storefront.engine
        @Sendable func guarded(_ request: Request, _ context: BasicRequestContext) throws(BuyerError) {
            try storefront.checkBearer(request)
            guard context.parameters.get("fs") == fsID else { throw BuyerError(.badCredentials, "fs_id is not registered to this client") }
        }
        @Sendable func user(_ request: Request) throws(BuyerError) -> String {
            guard let id = request.uri.queryParameters["user_id"], Int64(String(id)) != nil else {
                throw BuyerError(.invalidRequest, "user_id query parameter is required")
            }
            return String(id)
        }
        router.post("token") { request, _ in
            try storefront.checkBasic(request)
            guard request.uri.queryParameters["grant_type"] == "client_credentials" else {
                throw BuyerError(.invalidRequest, "grant_type must be client_credentials")
            }
            let token = Token(accessToken: storefront.tokens.issue(clientID: storefront.credentials.clientID), expiresIn: Int(BearerTokens.lifetime), tokenType: "Bearer")
            return WireReply(status: .ok, json: Wire.encode(token, encoder))
        }
        router.post("v1/fs/:fs/user/bind") { request, context in
            let started = ContinuousClock.now
            try guarded(request, context)
            let input = try Wire.decode(BindRequest.self, from: try await Wire.body(request), decoder)
            let account = try await engine.signIn(username: input.username, cardNumber: input.prakerjaCardNumber)
            return ok(User(userId: Int64(account.id) ?? 0, username: account.username, prakerjaCardNumber: account.cardNumber), started: started)
        }
        router.get("inventory/v1/fs/:fs/product/list") { request, context in
            let started = ContinuousClock.now
            try guarded(request, context)
            let type = try Wire.courseType(request.uri.queryParameters["product_type"], name: "product_type")
            let courses = try engine.courses(type: type, limit: try Wire.int(request, "per_page", default: 50, 1...1000))
            return ok(courses.map { Product(productId: $0.id, name: $0.title, shopId: $0.providerID, productType: $0.type.rawValue, price: $0.price) }, started: started)
        }
        router.post("v1/fs/:fs/order") { request, context in
            let started = ContinuousClock.now
            try guarded(request, context)
            let input = try Wire.decode(OrderRequest.self, from: try await Wire.body(request), decoder)
            return ok(order(try await engine.placeOrder(accountID: String(input.userId), courseID: input.productId)), started: started)
        }
        router.post("v1/order/:order/fs/:fs/payment/otp") { request, context in
            let started = ContinuousClock.now
            try guarded(request, context)
            return ok(order(try await engine.requestOTP(accountID: try user(request), orderID: try context.parameters.require("order"))), started: started)
        }
        router.post("v1/order/:order/fs/:fs/payment/otp/resend") { request, context in
            let started = ContinuousClock.now
            try guarded(request, context)
            return ok(order(try await engine.resendOTP(accountID: try user(request), orderID: try context.parameters.require("order"))), started: started)
        }
        router.post("v1/order/:order/fs/:fs/payment/confirm") { request, context in
            let started = ContinuousClock.now
            try guarded(request, context)
            guard let key = request.headers[HTTPField.Name("X-Idempotency-Key")!] else {
                throw BuyerError(.invalidRequest, "X-Idempotency-Key header is required")
            }
            let input = try Wire.decode(ConfirmRequest.self, from: try await Wire.body(request), decoder)
            let paid = try await engine.confirm(accountID: try user(request), orderID: try context.parameters.require("order"), otp: input.otp, idempotencyKey: key)
            return ok(order(paid), started: started)
        }
        router.get("v1/order/:order/fs/:fs") { request, context in
            let started = ContinuousClock.now
            try guarded(request, context)
            return ok(order(try await engine.transaction(accountID: try user(request), orderID: try context.parameters.require("order"))), started: started)
        }
        router.get("v1/order/:order/fs/:fs/voucher") { request, context in
            let started = ContinuousClock.now
            try guarded(request, context)
            return ok(voucher(try await engine.voucher(accountID: try user(request), orderID: try context.parameters.require("order"))), started: started)
        }
    }

    // MARK: Adapter

    public static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter { Adapter(transport: transport) }

    struct Adapter: PlatformAdapter {
        let transport: AdapterTransport
        let tokens: TokenCache
        var platformID: String { Tokopedia.platformID }

        init(transport: AdapterTransport) {
            self.transport = transport
            self.tokens = TokenCache(clock: transport.wallClock)
        }

        func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
            let user: User = try await call(.POST, "/v1/fs/\(fsID)/user/bind", BindRequest(username: username, prakerjaCardNumber: cardNumber))
            return BuyerAccount(id: String(user.userId), username: user.username, cardNumber: user.prakerjaCardNumber)
        }

        func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [StoreCourse] {
            let products: [Product] = try await call(.GET, "/inventory/v1/fs/\(fsID)/product/list?product_type=\(type?.rawValue ?? "")&per_page=\(limit)")
            return try products.map { p throws(BuyerError) in
                guard let type = CourseType(rawValue: p.productType) else { throw BuyerError(.platformError, "unknown product_type \(p.productType)") }
                return StoreCourse(id: p.productId, title: p.name, providerID: p.shopId, type: type, price: p.price)
            }
        }

        func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> StoreOrder {
            guard let user = Int64(account.id) else { throw BuyerError(.unknownAccount, "Tokopedia user ids are numeric") }
            return try shared(try await call(.POST, "/v1/fs/\(fsID)/order", OrderRequest(userId: user, productId: courseID)))
        }

        func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, orderPath(orderID, "/payment/otp", account)))
        }

        func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, orderPath(orderID, "/payment/otp/resend", account)))
        }

        func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, orderPath(orderID, "/payment/confirm", account), ConfirmRequest(otp: otp), headers: [("X-Idempotency-Key", idempotencyKey)]))
        }

        func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.GET, orderPath(orderID, "", account)))
        }

        func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreVoucher {
            let v: Voucher = try await call(.GET, orderPath(orderID, "/voucher", account))
            return try shared(v)
        }

        private func orderPath(_ orderID: String, _ suffix: String, _ account: BuyerAccount) -> String {
            "/v1/order/\(Path.escape(orderID))/fs/\(fsID)\(suffix)?user_id=\(Path.escape(account.id))"
        }

        private func shared(_ o: Order) throws(BuyerError) -> StoreOrder {
            guard let status = statusCodes.first(where: { $0.value == o.orderStatus })?.key else {
                throw BuyerError(.platformError, "unknown order_status \(o.orderStatus)")
            }
            return StoreOrder(
                id: String(o.orderId), accountID: String(o.userId), courseID: o.productId, amount: o.totalPrice, status: status,
                otpExpiresAt: o.otpExpiredAt.map { Date(timeIntervalSince1970: TimeInterval($0)) }, voucher: try o.voucher.map { v throws(BuyerError) in try shared(v) }
            )
        }

        private func shared(_ v: Voucher) throws(BuyerError) -> StoreVoucher {
            guard let code = canonicalVoucher(v.voucherCode) else { throw BuyerError(.platformError, "voucher code \(v.voucherCode) is not in Tokopedia's format") }
            return StoreVoucher(code: code, displayCode: v.voucherCode, redeemCode: v.redeemCode, invoiceCode: v.invoiceRefNum, courseID: v.productId, providerID: v.shopId)
        }

        private func call<T: Codable>(_ method: HTTPMethod, _ target: String, _ body: (some Encodable)? = Optional<Int>.none, headers: [(String, String)] = []) async throws(BuyerError) -> T {
            let transport = transport
            let token = try await tokens.token { () throws(BuyerError) in
                let response = try await transport.send(.POST, "/token?grant_type=client_credentials", headers: [("Authorization", AdapterTransport.basic(transport.credentials.clientID, transport.credentials.clientSecret))])
                guard response.status == 200 else { throw refusal(response) }
                let token = try transport.decode(Token.self, response, decoder)
                return (token.accessToken, TimeInterval(token.expiresIn))
            }
            let response = try await transport.send(
                method, target, headers: [("Authorization", "Bearer \(token)")] + headers, body: body.map { Wire.encode($0, encoder) }
            )
            guard response.status == 200 else {
                if response.status == 401 { await tokens.forget() }
                throw refusal(response)
            }
            let envelope = try transport.decode(Envelope<T>.self, response, decoder)
            guard envelope.header.errorCode.isEmpty, let data = envelope.data else { throw refusal(response) }
            return data
        }

        private func refusal(_ response: AdapterTransport.Response) -> BuyerError {
            let header = try? decoder.decode(Envelope<Order>.self, from: Data(response.body)).header
            return AdapterTransport.refusal(code: header?.errorCode, message: header?.reason, status: response.status, table: errors)
        }
    }
}
