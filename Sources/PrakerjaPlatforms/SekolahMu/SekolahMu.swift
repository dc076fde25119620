import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

/// Sekolah.mu: Xendit-like. A static `x-callback-token` header authenticates the client, `for-user-id`
/// names the buyer's account, resources come back bare (no envelope), lists as `{"data":[…],"has_more"}`,
/// refusals as `{"error_code":"INVALID_OTP_ERROR","message":…}`. The voucher arrives late: the
/// authorisation answer says SUCCEEDED without it, the order page shows it once Sekolah.mu has it.
public enum SekolahMu: PlatformDialect {
    public static let platformID = "sekolahmu"
    public static let delivery = VoucherDelivery.polling

    public static let description = DialectDescription(
        platform: "Sekolah.mu", borrowedFrom: "Xendit API (callback token, for-user-id, bare resources, UPPER_SNAKE error codes)",
        auth: "x-callback-token: <client secret> on every request (static token, no expiry); the buyer's account in the for-user-id header",
        envelope: #"bare resources ({"id":…,"status":"REQUIRES_ACTION",…}); lists {"data":[…],"has_more":false}; refusals {"error_code":"INVALID_OTP_ERROR","message":"…"}"#,
        errorCodes: "UPPER_SNAKE strings ending in _ERROR in error_code, with HTTP 400/401/403/404/409/429/5xx",
        idempotency: "x-idempotency-key header on …/payment_requests/auth",
        voucherFormat: "SMU_ + the gateway code without PRK- and dashes (SMU_ABCD2345EFGH)",
        endpoints: [
            .init("sign_in", "POST", "/prakerja/customers"),
            .init("courses", "GET", "/prakerja/courses?type=&limit="),
            .init("place_order", "POST", "/prakerja/orders"),
            .init("request_otp", "POST", "/prakerja/orders/{id}/payment_requests"),
            .init("resend_otp", "POST", "/prakerja/orders/{id}/payment_requests/auth/resend"),
            .init("confirm_otp", "POST", "/prakerja/orders/{id}/payment_requests/auth"),
            .init("order", "GET", "/prakerja/orders/{id}"),
            .init("voucher", "GET", "/prakerja/orders/{id}/voucher"),
        ]
    )

    public static let errors = DialectErrorTable { kind in
        switch kind {
        case .badCredentials: .init("INVALID_CALLBACK_TOKEN_ERROR", 401)
        case .invalidRequest: .init("API_VALIDATION_ERROR", 400)
        case .unknownCourse: .init("COURSE_NOT_FOUND_ERROR", 404)
        case .unknownCard: .init("CARD_NOT_FOUND_ERROR", 404)
        case .unknownAccount: .init("CUSTOMER_NOT_FOUND_ERROR", 404)
        case .unknownOrder: .init("DATA_NOT_FOUND_ERROR", 404)
        case .orderExpired: .init("PAYMENT_REQUEST_EXPIRED_ERROR", 400)
        case .orderNotPayable: .init("INVALID_PAYMENT_STATUS_ERROR", 409)
        case .voucherNotReady: .init("VOUCHER_NOT_READY_ERROR", 404)
        case .idempotencyConflict: .init("DUPLICATE_IDEMPOTENCY_KEY_ERROR", 409)
        case .participantRevoked: .init("PARTICIPANT_REVOKED_ERROR", 403)
        case .purchaseDeadlinePassed: .init("PURCHASE_DEADLINE_PASSED_ERROR", 403)
        case .videosNotWatched: .init("GUIDANCE_VIDEOS_NOT_WATCHED_ERROR", 403)
        case .previousTrainingUnfinished: .init("PREVIOUS_TRAINING_UNFINISHED_ERROR", 403)
        case .insufficientBalance: .init("INSUFFICIENT_BALANCE_ERROR", 400)
        case .courseNotSoldOnPlatform: .init("COURSE_NOT_AVAILABLE_ERROR", 400)
        case .cardBoundToOtherAccount: .init("CARD_ALREADY_LINKED_ERROR", 409)
        case .accountBoundToOtherCard: .init("CUSTOMER_ALREADY_LINKED_ERROR", 409)
        case .otpInvalid: .init("INVALID_OTP_ERROR", 400)
        case .otpExpired: .init("EXPIRED_OTP_ERROR", 400)
        case .otpLocked: .init("MAX_OTP_ATTEMPTS_ERROR", 400)
        case .otpResendTooSoon: .init("OTP_RESEND_TOO_SOON_ERROR", 429)
        case .otpDailyLimit: .init("OTP_DAILY_LIMIT_ERROR", 429)
        case .gatewayUnavailable: .init("CHANNEL_UNAVAILABLE_ERROR", 503)
        case .platformUnavailable: .init("SERVICE_UNAVAILABLE_ERROR", 503)
        case .platformError: .init("SERVER_ERROR", 500)
        }
    }

    public static func accountID(_ sequence: Int64) -> String { "cust_" + String(format: "%012llx", 0x5e_0000_0000 + sequence) }
    public static func orderID(_ sequence: Int64) -> String { "ord_" + String(format: "%012llx", 0x7a_0000_0000 + sequence) }
    public static func displayVoucher(_ code: String) -> String { "SMU_" + VoucherCode.body(code) }
    public static func canonicalVoucher(_ display: String) -> String? { display.hasPrefix("SMU_") ? VoucherCode.code(body: display.dropFirst(4)) : nil }

    // MARK: Wire types

    struct Failure: Codable {
        var errorCode: String
        var message: String
    }
    struct CustomerRequest: Codable {
        var referenceId: String
        var cardNumber: String
    }
    struct Customer: Codable {
        var id: String
        var referenceId: String
        var cardNumber: String
    }
    struct List<T: Codable>: Codable {
        var data: [T]
        var hasMore: Bool
    }
    struct Course: Codable {
        var id: String
        var name: String
        var providerId: String
        var type: String
        var amount: Int64
        var currency: String
    }
    struct OrderRequest: Codable { var courseId: String }
    struct AuthRequest: Codable { var authCode: String }
    struct Order: Codable {
        struct Action: Codable {
            var action: String
            var method: String
            var url: String
        }
        var id: String
        var customerId: String
        var courseId: String
        var amount: Int64
        var currency: String
        /// PENDING, REQUIRES_ACTION, SUCCEEDED, FAILED, EXPIRED, VOIDED
        var status: String
        var otpExpiresAt: String?
        var actions: [Action]
        var voucher: Voucher?
    }
    struct Voucher: Codable {
        var code: String
        var redeemCode: String
        var invoiceId: String
        var providerId: String
        var courseId: String
    }

    static let statuses: [OrderStatus: String] = [.created: "PENDING", .awaitingOTP: "REQUIRES_ACTION", .paid: "SUCCEEDED", .locked: "FAILED", .expired: "EXPIRED", .refunded: "VOIDED"]
    static let encoder = Wire.snakeEncoder()
    static let decoder = Wire.snakeDecoder()

    static func order(_ o: StoreOrder) -> Order {
        let actions: [Order.Action] =
            o.status == .awaitingOTP
            ? [.init(action: "AUTH", method: "POST", url: "/prakerja/orders/\(o.id)/payment_requests/auth"),
               .init(action: "RESEND_AUTH", method: "POST", url: "/prakerja/orders/\(o.id)/payment_requests/auth/resend")]
            : []
        return Order(
            id: o.id, customerId: o.accountID, courseId: o.courseID, amount: o.amount, currency: "IDR", status: statuses[o.status]!,
            otpExpiresAt: o.otpExpiresAt.map(Timestamps.iso8601), actions: actions, voucher: o.voucher.map(voucher)
        )
    }
    static func voucher(_ v: StoreVoucher) -> Voucher { Voucher(code: v.displayCode, redeemCode: v.redeemCode, invoiceId: v.invoiceCode, providerId: v.providerID, courseId: v.courseID) }

    // MARK: Storefront

    public static func errorReply(_ error: BuyerError, status: Int) -> WireReply {
        WireReply(status: status, json: Wire.encode(Failure(errorCode: errors[error.kind].code, message: error.message), encoder))
    }

    static func ok<T: Codable>(_ value: T, status: HTTPResponse.Status = .ok) -> WireReply { WireReply(status: status, json: Wire.encode(value, encoder)) }

    public static func registerRoutes(on router: Router<BasicRequestContext>, storefront: Storefront) {
        let engine = storefront.engine
        @Sendable func auth(_ request: Request) throws(BuyerError) {
            guard let token = request.headers[HTTPField.Name("x-callback-token")!] else { throw BuyerError(.badCredentials, "x-callback-token header is required") }
            guard ConstantTime.equal(Array(token.utf8), Array(storefront.credentials.clientSecret.utf8)) else { throw BuyerError(.badCredentials, "callback token is not valid") }
        }
        @Sendable func user(_ request: Request) throws(BuyerError) -> String {
            try auth(request)
            guard let id = request.headers[HTTPField.Name("for-user-id")!], !id.isEmpty else { throw BuyerError(.invalidRequest, "for-user-id header is required") }
            return id
        }
        router.post("prakerja/customers") { request, _ in
            try auth(request)
            let input = try Wire.decode(CustomerRequest.self, from: try await Wire.body(request), decoder)
            let a = try await engine.signIn(username: input.referenceId, cardNumber: input.cardNumber)
            return ok(Customer(id: a.id, referenceId: a.username, cardNumber: a.cardNumber))
        }
        router.get("prakerja/courses") { request, _ in
            try auth(request)
            let limit = try Wire.int(request, "limit", default: 50, 1...1000)
            // One more than asked tells whether there are more.
            let courses = try engine.courses(type: try Wire.courseType(request.uri.queryParameters["type"], name: "type"), limit: min(limit + 1, 1000))
            let page = courses.prefix(limit).map { Course(id: $0.id, name: $0.title, providerId: $0.providerID, type: $0.type.rawValue, amount: $0.price, currency: "IDR") }
            return ok(List(data: page, hasMore: courses.count > limit))
        }
        router.post("prakerja/orders") { request, _ in
            let account = try user(request)
            let input = try Wire.decode(OrderRequest.self, from: try await Wire.body(request), decoder)
            return ok(order(try await engine.placeOrder(accountID: account, courseID: input.courseId)), status: .created)
        }
        router.post("prakerja/orders/:id/payment_requests") { request, context in
            let account = try user(request)
            return ok(order(try await engine.requestOTP(accountID: account, orderID: try context.parameters.require("id"))))
        }
        router.post("prakerja/orders/:id/payment_requests/auth/resend") { request, context in
            let account = try user(request)
            return ok(order(try await engine.resendOTP(accountID: account, orderID: try context.parameters.require("id"))))
        }
        router.post("prakerja/orders/:id/payment_requests/auth") { request, context in
            let account = try user(request)
            guard let key = request.headers[HTTPField.Name("x-idempotency-key")!] else { throw BuyerError(.invalidRequest, "x-idempotency-key header is required") }
            let input = try Wire.decode(AuthRequest.self, from: try await Wire.body(request), decoder)
            return ok(order(try await engine.confirm(accountID: account, orderID: try context.parameters.require("id"), otp: input.authCode, idempotencyKey: key)))
        }
        router.get("prakerja/orders/:id") { request, context in
            let account = try user(request)
            return ok(order(try await engine.transaction(accountID: account, orderID: try context.parameters.require("id"))))
        }
        router.get("prakerja/orders/:id/voucher") { request, context in
            let account = try user(request)
            return ok(voucher(try await engine.voucher(accountID: account, orderID: try context.parameters.require("id"))))
        }
    }

    // MARK: Adapter

    public static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter { Adapter(transport: transport) }

    struct Adapter: PlatformAdapter {
        let transport: AdapterTransport
        var platformID: String { SekolahMu.platformID }

        func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
            let c: Customer = try await call(.POST, "/prakerja/customers", CustomerRequest(referenceId: username, cardNumber: cardNumber))
            return BuyerAccount(id: c.id, username: c.referenceId, cardNumber: c.cardNumber)
        }

        func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [StoreCourse] {
            let list: List<Course> = try await call(.GET, "/prakerja/courses?type=\(type?.rawValue ?? "")&limit=\(limit)")
            return try list.data.map { c throws(BuyerError) in
                guard let type = CourseType(rawValue: c.type), c.currency == "IDR" else { throw BuyerError(.platformError, "bad course \(c.id)") }
                return StoreCourse(id: c.id, title: c.name, providerID: c.providerId, type: type, price: c.amount)
            }
        }

        func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "/prakerja/orders", OrderRequest(courseId: courseID), user: account))
        }

        func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "/prakerja/orders/\(Path.escape(orderID))/payment_requests", user: account))
        }

        func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "/prakerja/orders/\(Path.escape(orderID))/payment_requests/auth/resend", user: account))
        }

        func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> StoreOrder {
            try shared(
                try await call(.POST, "/prakerja/orders/\(Path.escape(orderID))/payment_requests/auth", AuthRequest(authCode: otp), user: account, headers: [("x-idempotency-key", idempotencyKey)])
            )
        }

        func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.GET, "/prakerja/orders/\(Path.escape(orderID))", user: account))
        }

        func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreVoucher {
            let v: Voucher = try await call(.GET, "/prakerja/orders/\(Path.escape(orderID))/voucher", user: account)
            return try shared(v)
        }

        private func shared(_ o: Order) throws(BuyerError) -> StoreOrder {
            guard let status = statuses.first(where: { $0.value == o.status })?.key, o.currency == "IDR" else { throw BuyerError(.platformError, "unexpected order \(o.id)") }
            return StoreOrder(
                id: o.id, accountID: o.customerId, courseID: o.courseId, amount: o.amount, status: status, otpExpiresAt: o.otpExpiresAt.flatMap(Timestamps.parse),
                voucher: try o.voucher.map { v throws(BuyerError) in try shared(v) }
            )
        }

        private func shared(_ v: Voucher) throws(BuyerError) -> StoreVoucher {
            guard let code = canonicalVoucher(v.code) else { throw BuyerError(.platformError, "voucher code \(v.code) is not in Sekolah.mu's format") }
            return StoreVoucher(code: code, displayCode: v.code, redeemCode: v.redeemCode, invoiceCode: v.invoiceId, courseID: v.courseId, providerID: v.providerId)
        }

        private func call<T: Codable>(
            _ method: HTTPMethod, _ target: String, _ input: (some Encodable)? = Optional<Int>.none, user: BuyerAccount? = nil, headers: [(String, String)] = []
        ) async throws(BuyerError) -> T {
            var all = [("x-callback-token", transport.credentials.clientSecret)] + headers
            if let user { all.append(("for-user-id", user.id)) }
            let response = try await transport.send(method, target, headers: all, body: input.map { Wire.encode($0, encoder) })
            guard (200...201).contains(response.status) else {
                let failure = try? decoder.decode(Failure.self, from: Data(response.body))
                throw AdapterTransport.refusal(code: failure?.errorCode, message: failure?.message, status: response.status, table: errors)
            }
            return try transport.decode(T.self, response, decoder)
        }
    }
}
