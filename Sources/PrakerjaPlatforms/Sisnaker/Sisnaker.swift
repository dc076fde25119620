import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

/// Sisnaker: SNAP-BI (Bank Indonesia's Standar Nasional Open API Pembayaran). A B2B access token, then every
/// call is a POST signed with HMAC-SHA512 over `METHOD:path:token:sha256hex(minified body):X-TIMESTAMP`;
/// flat camelCase bodies with a 7-digit `responseCode` = HTTP status + service code + case code.
public enum Sisnaker: PlatformDialect {
    public static let platformID = "sisnaker"
    public static let delivery = VoucherDelivery.synchronous
    public static let channelID = "95221"
    /// Signature timestamps may differ from the storefront's real clock by this much.
    public static let tolerance: TimeInterval = 300

    /// SNAP service codes (the middle two digits of every responseCode).
    enum Service: String {
        case token = "73", binding = "07", courses = "47", order = "50", debit = "54", otp = "81", verify = "82", status = "55", voucher = "56"
        case unknown = "00"
    }

    public static let description = DialectDescription(
        platform: "Sisnaker", borrowedFrom: "SNAP-BI (Bank Indonesia) B2B access token and symmetric signature",
        auth: "POST /v1.0/access-token/b2b with X-CLIENT-KEY, X-TIMESTAMP (ISO-8601 +07:00) and X-SIGNATURE = hex HMAC-SHA512(client_secret, client_key|timestamp) (real SNAP uses RSA here) → accessToken; then every call carries Authorization: Bearer, X-TIMESTAMP, X-PARTNER-ID, X-EXTERNAL-ID, CHANNEL-ID and X-SIGNATURE = base64 HMAC-SHA512(client_secret, METHOD:path:accessToken:lowercase hex sha256(minified body):X-TIMESTAMP); timestamps within ±5 min of real time",
        envelope: #"flat camelCase objects: {"responseCode":"2005400","responseMessage":"Successful",…fields}; amounts {"value":"150000.00","currency":"IDR"}"#,
        errorCodes: "7-digit responseCode: HTTP status, SNAP service code of the endpoint, case code (documented as 401xx00 etc.); HTTP status is the first three digits",
        idempotency: "X-EXTERNAL-ID on /v1.0/otp-verification (longer keys are hashed to 32 hex digits)",
        voucherFormat: "the gateway code without dashes, lowercase after the prefix: PRK.abcd2345efgh",
        endpoints: [
            .init("token", "POST", "/v1.0/access-token/b2b"),
            .init("sign_in", "POST", "/v1.0/registration-account-binding"),
            .init("courses", "POST", "/v1.0/prakerja/course-inquiry"),
            .init("place_order", "POST", "/v1.0/prakerja/order"),
            .init("request_otp", "POST", "/v1.0/debit/payment-host-to-host"),
            .init("resend_otp", "POST", "/v1.0/otp"),
            .init("confirm_otp", "POST", "/v1.0/otp-verification"),
            .init("order", "POST", "/v1.0/debit/status"),
            .init("voucher", "POST", "/v1.0/prakerja/voucher-inquiry"),
        ]
    )

    public static let errors = DialectErrorTable { kind in
        switch kind {
        case .badCredentials: .init("401xx00", 401)
        case .invalidRequest: .init("400xx01", 400)
        case .unknownCourse: .init("404xx12", 404)
        case .unknownCard: .init("404xx11", 404)
        case .unknownAccount: .init("404xx05", 404)
        case .unknownOrder: .init("404xx01", 404)
        case .orderExpired: .init("403xx00", 403)
        case .orderNotPayable: .init("404xx14", 404)
        case .voucherNotReady: .init("404xx00", 404)
        case .idempotencyConflict: .init("409xx00", 409)
        case .participantRevoked: .init("403xx18", 403)
        case .purchaseDeadlinePassed: .init("403xx08", 403)
        case .videosNotWatched: .init("403xx01", 403)
        case .previousTrainingUnfinished: .init("403xx15", 403)
        case .insufficientBalance: .init("403xx14", 403)
        case .courseNotSoldOnPlatform: .init("404xx08", 404)
        case .cardBoundToOtherAccount: .init("403xx05", 403)
        case .accountBoundToOtherCard: .init("403xx22", 403)
        case .otpInvalid: .init("401xx04", 401)
        case .otpExpired: .init("403xx12", 403)
        case .otpLocked: .init("403xx11", 403)
        case .otpResendTooSoon: .init("429xx00", 429)
        case .otpDailyLimit: .init("403xx04", 403)
        case .gatewayUnavailable: .init("500xx02", 500)
        case .platformUnavailable: .init("504xx00", 504)
        case .platformError: .init("500xx01", 500)
        }
    }

    public static func accountID(_ sequence: Int64) -> String { "SNK" + String(format: "%010lld", 7_000_000_000 + sequence) }
    public static func orderID(_ sequence: Int64) -> String { "SNK-TRX-" + String(format: "%09lld", sequence) }
    public static func displayVoucher(_ code: String) -> String { "PRK." + VoucherCode.body(code).lowercased() }
    public static func canonicalVoucher(_ display: String) -> String? {
        display.hasPrefix("PRK.") ? VoucherCode.code(body: display.dropFirst(4)) : nil
    }

    // MARK: Wire types

    /// A SNAP response: `responseCode` and `responseMessage` beside the payload's own fields.
    struct Snap<T: Codable>: Codable {
        var responseCode: String
        var responseMessage: String
        var payload: T?

        enum Keys: String, CodingKey { case responseCode, responseMessage }

        init(responseCode: String, responseMessage: String, payload: T?) {
            self.responseCode = responseCode
            self.responseMessage = responseMessage
            self.payload = payload
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            responseCode = try c.decode(String.self, forKey: .responseCode)
            responseMessage = try c.decode(String.self, forKey: .responseMessage)
            payload = responseCode.hasPrefix("2") ? try T(from: decoder) : nil
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(responseCode, forKey: .responseCode)
            try c.encode(responseMessage, forKey: .responseMessage)
            try payload?.encode(to: encoder)
        }
    }

    struct Amount: Codable {
        var value: String
        var currency: String

        init(_ rupiah: Rupiah) {
            value = "\(rupiah).00"
            currency = "IDR"
        }

        var rupiah: Rupiah? {
            guard currency == "IDR", value.hasSuffix(".00") else { return nil }
            return Rupiah(value.dropLast(3))
        }
    }

    struct TokenRequest: Codable { var grantType: String }
    struct Token: Codable {
        var accessToken: String
        var tokenType: String
        var expiresIn: String
    }
    struct BindingRequest: Codable {
        var customerId: String
        var cardNo: String
    }
    struct Binding: Codable {
        var accountId: String
        var customerId: String
        var cardNo: String
    }
    struct CourseInquiry: Codable {
        var courseType: String?
        var pageSize: Int?
    }
    struct CourseList: Codable { var courseList: [Course] }
    struct Course: Codable {
        var courseCode: String
        var courseName: String
        var providerCode: String
        var courseType: String
        var price: Amount
    }
    struct OrderRequest: Codable {
        var accountId: String
        var courseCode: String
    }
    struct OrderReference: Codable {
        var originalPartnerReferenceNo: String
        var accountId: String
    }
    struct Verification: Codable {
        var originalPartnerReferenceNo: String
        var accountId: String
        var otp: String
    }
    struct Order: Codable {
        var partnerReferenceNo: String
        var accountId: String
        var courseCode: String
        var amount: Amount
        /// SNAP latestTransactionStatus: 00 success, 01 initiated, 03 pending, 04 refunded, 05 cancelled, 06 failed
        var latestTransactionStatus: String
        var otpExpiryTime: String?
        var voucher: Voucher?
    }
    struct Voucher: Codable {
        var voucherCode: String
        var redeemCode: String
        var invoiceNo: String
        var providerCode: String
        var courseCode: String
    }

    static let statuses: [OrderStatus: String] = [.paid: "00", .created: "01", .awaitingOTP: "03", .refunded: "04", .expired: "05", .locked: "06"]
    static let encoder = Wire.camelEncoder()
    static let decoder = Wire.camelDecoder()

    static func order(_ o: StoreOrder) -> Order {
        Order(
            partnerReferenceNo: o.id, accountId: o.accountID, courseCode: o.courseID, amount: Amount(o.amount), latestTransactionStatus: statuses[o.status]!,
            otpExpiryTime: o.otpExpiresAt.map(Jakarta.iso8601), voucher: o.voucher.map(voucher)
        )
    }
    static func voucher(_ v: StoreVoucher) -> Voucher {
        Voucher(voucherCode: v.displayCode, redeemCode: v.redeemCode, invoiceNo: v.invoiceCode, providerCode: v.providerID, courseCode: v.courseID)
    }

    /// The string the transactional signature covers.
    public static func stringToSign(method: String, path: String, token: String, body: [UInt8], timestamp: String) -> String {
        let digest = Hex.encode(SHA256.hash(data: CompactJSON.compact(body)))
        return "\(method):\(path):\(token):\(digest):\(timestamp)"
    }

    public static func sign(_ text: String, secret: String) -> String {
        Data(HMAC<SHA512>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: Array(secret.utf8)))).base64EncodedString()
    }

    static func tokenSignature(clientKey: String, timestamp: String, secret: String) -> String {
        Hex.encode(HMAC<SHA512>.authenticationCode(for: Array("\(clientKey)|\(timestamp)".utf8), using: SymmetricKey(data: Array(secret.utf8))))
    }

    // MARK: Storefront

    public static func errorReply(_ error: BuyerError, status: Int) -> WireReply { reply(error, service: .unknown, status: status) }

    static func reply(_ error: BuyerError, service: Service, status: Int? = nil) -> WireReply {
        let code = errors[error.kind].code.replacingOccurrences(of: "xx", with: service.rawValue)
        let http = status ?? Int(code.prefix(3))!
        return WireReply(status: http, json: Wire.encode(Snap<Order>(responseCode: code, responseMessage: error.message, payload: nil), encoder))
    }

    public static func registerRoutes(on router: Router<BasicRequestContext>, storefront: Storefront) {
        let engine = storefront.engine
        let credentials = storefront.credentials
        /// Runs one SNAP service: checks the signature, decodes the body, answers with the service's codes.
        func serve<In: Codable, Out: Codable>(
            _ path: String, _ service: Service, _ input: In.Type, _ work: @escaping @Sendable (In, HTTPFields) async throws(BuyerError) -> Out
        ) {
            router.post(RouterPath(path)) { request, _ -> WireReply in
                do {
                    let body = try await Wire.body(request)
                    try verify(request, path: "/" + path, body: body)
                    let out = try await work(try Wire.decode(In.self, from: body, decoder), request.headers)
                    return WireReply(status: .ok, json: Wire.encode(Snap(responseCode: "200\(service.rawValue)00", responseMessage: "Successful", payload: out), encoder))
                } catch let error as BuyerError {
                    return reply(error, service: service)
                }
            }
        }
        @Sendable func verify(_ request: Request, path: String, body: [UInt8]) throws(BuyerError) {
            func header(_ name: String) -> String? { request.headers[HTTPField.Name(name)!] }
            guard let auth = header("Authorization"), auth.hasPrefix("Bearer ") else { throw BuyerError(.badCredentials, "Unauthorized. [Access Token Not Found]") }
            let token = String(auth.dropFirst(7))
            try storefront.tokens.verify(token, clientID: credentials.clientID)
            guard let timestamp = header("X-TIMESTAMP"), let signature = header("X-SIGNATURE"), let external = header("X-EXTERNAL-ID"),
                header("CHANNEL-ID") != nil, let partner = header("X-PARTNER-ID")
            else { throw BuyerError(.invalidRequest, "Invalid Mandatory Field [X-TIMESTAMP, X-SIGNATURE, X-PARTNER-ID, X-EXTERNAL-ID, CHANNEL-ID]") }
            guard partner == credentials.clientID else { throw BuyerError(.badCredentials, "Unauthorized. [Unknown X-PARTNER-ID]") }
            guard (1...36).contains(external.count) else { throw BuyerError(.invalidRequest, "Invalid Field Format [X-EXTERNAL-ID]") }
            guard let at = Jakarta.parse(timestamp) ?? Timestamps.parse(timestamp), abs(at.timeIntervalSince(storefront.wallClock.now())) <= tolerance else {
                throw BuyerError(.badCredentials, "Unauthorized. [X-TIMESTAMP outside ±5 minutes]")
            }
            let expected = sign(stringToSign(method: "POST", path: path, token: token, body: body, timestamp: timestamp), secret: credentials.clientSecret)
            guard ConstantTime.equal(Array(signature.utf8), Array(expected.utf8)) else { throw BuyerError(.badCredentials, "Unauthorized. [Signature]") }
        }

        router.post("v1.0/access-token/b2b") { request, _ -> WireReply in
            do {
                let h = request.headers
                guard let key = h[HTTPField.Name("X-CLIENT-KEY")!], let timestamp = h[HTTPField.Name("X-TIMESTAMP")!], let signature = h[HTTPField.Name("X-SIGNATURE")!] else {
                    throw BuyerError(.invalidRequest, "Invalid Mandatory Field [X-CLIENT-KEY, X-TIMESTAMP, X-SIGNATURE]")
                }
                guard let at = Jakarta.parse(timestamp) ?? Timestamps.parse(timestamp), abs(at.timeIntervalSince(storefront.wallClock.now())) <= tolerance else {
                    throw BuyerError(.badCredentials, "Unauthorized. [X-TIMESTAMP outside ±5 minutes]")
                }
                guard key == credentials.clientID,
                    ConstantTime.equal(Array(signature.utf8), Array(tokenSignature(clientKey: key, timestamp: timestamp, secret: credentials.clientSecret).utf8))
                else { throw BuyerError(.badCredentials, "Unauthorized. [Signature]") }
                let input = try Wire.decode(TokenRequest.self, from: try await Wire.body(request), decoder)
                guard input.grantType == "client_credentials" else { throw BuyerError(.invalidRequest, "Invalid Field Format [grantType]") }
                let token = Token(accessToken: storefront.tokens.issue(clientID: key), tokenType: "Bearer", expiresIn: String(Int(BearerTokens.lifetime)))
                return WireReply(status: .ok, json: Wire.encode(Snap(responseCode: "2007300", responseMessage: "Successful", payload: token), encoder))
            } catch let error as BuyerError {
                return reply(error, service: .token)
            }
        }
        serve("v1.0/registration-account-binding", .binding, BindingRequest.self) { input, _ throws(BuyerError) in
            let account = try await engine.signIn(username: input.customerId, cardNumber: input.cardNo)
            return Binding(accountId: account.id, customerId: account.username, cardNo: account.cardNumber)
        }
        serve("v1.0/prakerja/course-inquiry", .courses, CourseInquiry.self) { input, _ throws(BuyerError) in
            let type = try Wire.courseType(input.courseType.map { Substring($0) }, name: "courseType")
            let courses = try engine.courses(type: type, limit: input.pageSize ?? 50)
            return CourseList(courseList: courses.map {
                Course(courseCode: $0.id, courseName: $0.title, providerCode: $0.providerID, courseType: $0.type.rawValue, price: Amount($0.price))
            })
        }
        serve("v1.0/prakerja/order", .order, OrderRequest.self) { input, _ throws(BuyerError) in
            order(try await engine.placeOrder(accountID: input.accountId, courseID: input.courseCode))
        }
        serve("v1.0/debit/payment-host-to-host", .debit, OrderReference.self) { input, _ throws(BuyerError) in
            order(try await engine.requestOTP(accountID: input.accountId, orderID: input.originalPartnerReferenceNo))
        }
        serve("v1.0/otp", .otp, OrderReference.self) { input, _ throws(BuyerError) in
            order(try await engine.resendOTP(accountID: input.accountId, orderID: input.originalPartnerReferenceNo))
        }
        serve("v1.0/otp-verification", .verify, Verification.self) { input, headers throws(BuyerError) in
            let key = headers[HTTPField.Name("X-EXTERNAL-ID")!] ?? ""
            return order(try await engine.confirm(accountID: input.accountId, orderID: input.originalPartnerReferenceNo, otp: input.otp, idempotencyKey: key))
        }
        serve("v1.0/debit/status", .status, OrderReference.self) { input, _ throws(BuyerError) in
            order(try await engine.transaction(accountID: input.accountId, orderID: input.originalPartnerReferenceNo))
        }
        serve("v1.0/prakerja/voucher-inquiry", .voucher, OrderReference.self) { input, _ throws(BuyerError) in
            voucher(try await engine.voucher(accountID: input.accountId, orderID: input.originalPartnerReferenceNo))
        }
    }

    // MARK: Adapter

    public static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter { Adapter(transport: transport) }

    struct Adapter: PlatformAdapter {
        let transport: AdapterTransport
        let tokens: TokenCache
        var platformID: String { Sisnaker.platformID }

        init(transport: AdapterTransport) {
            self.transport = transport
            self.tokens = TokenCache(clock: transport.wallClock)
        }

        func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
            let b: Binding = try await call("/v1.0/registration-account-binding", BindingRequest(customerId: username, cardNo: cardNumber))
            return BuyerAccount(id: b.accountId, username: b.customerId, cardNumber: b.cardNo)
        }

        func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [StoreCourse] {
            let list: CourseList = try await call("/v1.0/prakerja/course-inquiry", CourseInquiry(courseType: type?.rawValue, pageSize: limit))
            return try list.courseList.map { c throws(BuyerError) in
                guard let type = CourseType(rawValue: c.courseType), let price = c.price.rupiah else { throw BuyerError(.platformError, "bad course \(c.courseCode)") }
                return StoreCourse(id: c.courseCode, title: c.courseName, providerID: c.providerCode, type: type, price: price)
            }
        }

        func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call("/v1.0/prakerja/order", OrderRequest(accountId: account.id, courseCode: courseID)))
        }

        func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call("/v1.0/debit/payment-host-to-host", OrderReference(originalPartnerReferenceNo: orderID, accountId: account.id)))
        }

        func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call("/v1.0/otp", OrderReference(originalPartnerReferenceNo: orderID, accountId: account.id)))
        }

        func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> StoreOrder {
            // X-EXTERNAL-ID holds at most 36 characters: longer keys are hashed, the same key always to the same id.
            let external = idempotencyKey.count <= 36 ? idempotencyKey : String(Hex.encode(SHA256.hash(data: Array(idempotencyKey.utf8))).prefix(32))
            return try shared(
                try await call("/v1.0/otp-verification", Verification(originalPartnerReferenceNo: orderID, accountId: account.id, otp: otp), externalID: external)
            )
        }

        func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call("/v1.0/debit/status", OrderReference(originalPartnerReferenceNo: orderID, accountId: account.id)))
        }

        func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreVoucher {
            let v: Voucher = try await call("/v1.0/prakerja/voucher-inquiry", OrderReference(originalPartnerReferenceNo: orderID, accountId: account.id))
            return try shared(v)
        }

        private func shared(_ o: Order) throws(BuyerError) -> StoreOrder {
            guard let status = statuses.first(where: { $0.value == o.latestTransactionStatus })?.key, let amount = o.amount.rupiah else {
                throw BuyerError(.platformError, "unexpected order \(o.partnerReferenceNo)")
            }
            return StoreOrder(
                id: o.partnerReferenceNo, accountID: o.accountId, courseID: o.courseCode, amount: amount, status: status,
                otpExpiresAt: o.otpExpiryTime.flatMap(Jakarta.parse), voucher: try o.voucher.map { v throws(BuyerError) in try shared(v) }
            )
        }

        private func shared(_ v: Voucher) throws(BuyerError) -> StoreVoucher {
            guard let code = canonicalVoucher(v.voucherCode) else { throw BuyerError(.platformError, "voucher code \(v.voucherCode) is not in Sisnaker's format") }
            return StoreVoucher(code: code, displayCode: v.voucherCode, redeemCode: v.redeemCode, invoiceCode: v.invoiceNo, courseID: v.courseCode, providerID: v.providerCode)
        }

        private func call<In: Encodable, Out: Codable>(_ path: String, _ input: In, externalID: String? = nil) async throws(BuyerError) -> Out {
            let transport = transport
            let credentials = transport.credentials
            let token = try await tokens.token { () throws(BuyerError) in
                let timestamp = Jakarta.iso8601(transport.wallClock.now())
                let response = try await transport.send(
                    .POST, "/v1.0/access-token/b2b",
                    headers: [
                        ("X-CLIENT-KEY", credentials.clientID), ("X-TIMESTAMP", timestamp),
                        ("X-SIGNATURE", tokenSignature(clientKey: credentials.clientID, timestamp: timestamp, secret: credentials.clientSecret)),
                    ],
                    body: Wire.encode(TokenRequest(grantType: "client_credentials"), encoder)
                )
                let snap = try transport.decode(Snap<Token>.self, response, decoder)
                guard response.status == 200, let token = snap.payload else { throw refusal(response, snap.responseCode, snap.responseMessage) }
                return (token.accessToken, TimeInterval(token.expiresIn) ?? 900)
            }
            let body = Wire.encode(input, encoder)
            let timestamp = Jakarta.iso8601(transport.wallClock.now())
            let signature = sign(stringToSign(method: "POST", path: path, token: token, body: body, timestamp: timestamp), secret: credentials.clientSecret)
            let response = try await transport.send(
                .POST, path,
                headers: [
                    ("Authorization", "Bearer \(token)"), ("X-TIMESTAMP", timestamp), ("X-SIGNATURE", signature), ("X-PARTNER-ID", credentials.clientID),
                    ("X-EXTERNAL-ID", externalID ?? UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()), ("CHANNEL-ID", channelID),
                ],
                body: body
            )
            guard let snap = try? decoder.decode(Snap<Out>.self, from: Data(response.body)) else {
                throw AdapterTransport.refusal(code: nil, message: "unexpected body: \(response.text.prefix(200))", status: response.status, table: errors)
            }
            guard response.status == 200, let payload = snap.payload else {
                if response.status == 401 { await tokens.forget() }
                throw refusal(response, snap.responseCode, snap.responseMessage)
            }
            return payload
        }

        /// The shared kind of a responseCode: its service digits are replaced by `xx` before the lookup.
        private func refusal(_ response: AdapterTransport.Response, _ code: String, _ message: String) -> BuyerError {
            var generic = code
            if code.count == 7 {
                let chars = Array(code)
                generic = String(chars[0..<3]) + "xx" + String(chars[5..<7])
            }
            let error = AdapterTransport.refusal(code: generic, message: message, status: response.status, table: errors)
            return BuyerError(error.kind, error.message, platformCode: code, httpStatus: response.status)
        }
    }
}
