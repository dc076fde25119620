import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore

/// Pintaria: Midtrans-like. HTTP Basic with the server key as user name and an empty password; string
/// `status_code` ("200", "201" pending, "202" denied, "406" order id already used, "407" expired) with ISO-8583
/// `channel_response_code`s; `gross_amount` as a decimal string; a SHA-512 `signature_key` in every status
/// response; the order id is the idempotency key of the charge. The voucher arrives late: the confirm
/// answer is "pending", the status endpoint shows the voucher once Pintaria has it.
public enum Pintaria: PlatformDialect {
    public static let platformID = "pintaria"
    public static let delivery = VoucherDelivery.polling

    public static let description = DialectDescription(
        platform: "Pintaria", borrowedFrom: "Midtrans Core API (Basic server key, status_code strings, signature_key)",
        auth: "Authorization: Basic base64(server_key + \":\") — the server key is the client secret, the password is empty; no token",
        envelope: #"flat snake_case objects with "status_code" (string) and "status_message"; refusals add "channel_response_code" (ISO-8583) and "channel_response_message""#,
        errorCodes: "channel_response_code, ISO-8583 style (51 insufficient funds, 55 wrong OTP, 75 OTP tries exceeded, …); status_code 202 (denied) and 201 (pending) come with HTTP 200, other status codes are also the HTTP status; status_code 406 without a channel code = order_id already charged",
        idempotency: "the order id: a second POST /v2/charge for it answers 406; confirmations carry no key — each is an attempt (wrong OTPs count), and repeating the right OTP returns the same voucher",
        voucherFormat: "lowercase, pnt- instead of PRK- (pnt-abcd-2345-efgh)",
        endpoints: [
            .init("sign_in", "POST", "/v2/customers"),
            .init("courses", "GET", "/v2/items?category=&limit="),
            .init("place_order", "POST", "/v2/orders"),
            .init("request_otp", "POST", "/v2/charge"),
            .init("resend_otp", "POST", "/v2/{order_id}/otp"),
            .init("confirm_otp", "POST", "/v2/{order_id}/confirm"),
            .init("order", "GET", "/v2/{order_id}/status?customer_id="),
            .init("voucher", "GET", "/v2/{order_id}/voucher?customer_id="),
        ]
    )

    public static let errors = DialectErrorTable { kind in
        switch kind {
        case .badCredentials: .init("63", 401)
        case .invalidRequest: .init("30", 400)
        case .unknownCourse: .init("12", 404)
        case .unknownCard: .init("14", 404)
        case .unknownAccount: .init("56", 404)
        case .unknownOrder: .init("25", 404)
        case .orderExpired: .init("68", 407)
        case .orderNotPayable: .init("21", 412)
        case .voucherNotReady: .init("09", 201)
        case .idempotencyConflict: .init("94", 409)
        case .participantRevoked: .init("62", 202)
        case .purchaseDeadlinePassed: .init("54", 202)
        case .videosNotWatched: .init("58", 202)
        case .previousTrainingUnfinished: .init("57", 202)
        case .insufficientBalance: .init("51", 202)
        case .courseNotSoldOnPlatform: .init("03", 202)
        case .cardBoundToOtherAccount: .init("34", 202)
        case .accountBoundToOtherCard: .init("35", 202)
        case .otpInvalid: .init("55", 202)
        case .otpExpired: .init("33", 202)
        case .otpLocked: .init("75", 202)
        case .otpResendTooSoon: .init("65", 429)
        case .otpDailyLimit: .init("61", 429)
        case .gatewayUnavailable: .init("91", 502)
        case .platformUnavailable: .init("92", 503)
        case .platformError: .init("96", 500)
        }
    }

    /// Pintaria's credentials look like Midtrans sandbox keys.
    public static func credentials(for platform: Platform) -> StorefrontCredentials {
        let derived = derivedCredentials(for: platform)
        return StorefrontCredentials(clientID: "M\(derived.clientSecret.prefix(8).uppercased())", clientSecret: "SB-Mid-server-\(derived.clientSecret.prefix(24))")
    }

    public static func accountID(_ sequence: Int64) -> String { "cust-\(String(format: "%07lld", sequence))" }
    public static func orderID(_ sequence: Int64) -> String { "PINTARIA-\(2_021_000 + sequence)" }
    public static func displayVoucher(_ code: String) -> String { "pnt-" + code.dropFirst(4).lowercased() }
    public static func canonicalVoucher(_ display: String) -> String? { display.hasPrefix("pnt-") ? "PRK-" + display.dropFirst(4).uppercased() : nil }

    // MARK: Wire types

    struct Status: Codable {
        var statusCode: String
        var statusMessage: String
        var channelResponseCode: String?
        var channelResponseMessage: String?
    }
    struct CustomerRequest: Codable {
        var username: String
        var cardNumber: String
    }
    struct Customer: Codable {
        var statusCode: String
        var customerId: String
        var username: String
        var cardNumber: String
    }
    struct Items: Codable {
        var statusCode: String
        var items: [Item]
    }
    struct Item: Codable {
        var id: String
        var name: String
        var merchantName: String
        var category: String
        var price: String
    }
    struct OrderRequest: Codable {
        struct ItemRef: Codable {
            var id: String
            var quantity: Int
        }
        var customerId: String
        var itemDetails: [ItemRef]
    }
    struct ChargeRequest: Codable {
        struct Details: Codable {
            var orderId: String
            var grossAmount: String
        }
        var paymentType: String
        var transactionDetails: Details
        var customerId: String
    }
    struct CustomerRef: Codable { var customerId: String }
    struct ConfirmRequest: Codable {
        var customerId: String
        var otp: String
    }
    struct Transaction: Codable {
        var statusCode: String
        var statusMessage: String
        var orderId: String
        var customerId: String
        var itemId: String
        var grossAmount: String
        var currency: String
        /// initiated, pending, settlement, deny, expire, refund
        var transactionStatus: String
        var otpExpiryTime: String?
        var signatureKey: String
        var voucher: Voucher?
    }
    struct Voucher: Codable {
        var statusCode: String?
        var voucherCode: String
        var redeemCode: String
        var invoiceNumber: String
        var merchantId: String
        var itemId: String
    }

    static let statuses: [OrderStatus: String] = [.created: "initiated", .awaitingOTP: "pending", .paid: "settlement", .locked: "deny", .expired: "expire", .refunded: "refund"]
    static let encoder = Wire.snakeEncoder()
    static let decoder = Wire.snakeDecoder()

    static func amount(_ rupiah: Rupiah) -> String { "\(rupiah).00" }
    static func rupiah(_ text: String) -> Rupiah? { text.hasSuffix(".00") ? Rupiah(text.dropLast(3)) : nil }

    /// `SHA512(order_id + status_code + gross_amount + server_key)`, lowercase hex.
    public static func signatureKey(orderID: String, statusCode: String, grossAmount: String, serverKey: String) -> String {
        Hex.encode(SHA512.hash(data: Array((orderID + statusCode + grossAmount + serverKey).utf8)))
    }

    static func transaction(_ o: StoreOrder, serverKey: String, message: String) -> Transaction {
        let statusCode: String =
            switch o.status {
            case .paid: o.voucher == nil ? "201" : "200"
            case .refunded: "200"
            case .created, .awaitingOTP: "201"
            case .locked: "202"
            case .expired: "407"
            }
        let gross = amount(o.amount)
        return Transaction(
            statusCode: statusCode, statusMessage: message, orderId: o.id, customerId: o.accountID, itemId: o.courseID, grossAmount: gross, currency: "IDR",
            transactionStatus: statuses[o.status]!, otpExpiryTime: o.otpExpiresAt.map(Jakarta.dateTime),
            signatureKey: signatureKey(orderID: o.id, statusCode: statusCode, grossAmount: gross, serverKey: serverKey), voucher: o.voucher.map { voucher($0) }
        )
    }
    static func voucher(_ v: StoreVoucher, statusCode: String? = nil) -> Voucher {
        Voucher(statusCode: statusCode, voucherCode: v.displayCode, redeemCode: v.redeemCode, invoiceNumber: v.invoiceCode, merchantId: v.providerID, itemId: v.courseID)
    }

    // MARK: Storefront

    public static func errorReply(_ error: BuyerError, status: Int) -> WireReply {
        let entry = errors[error.kind]
        let statusCode = status == entry.httpStatus ? entry.httpStatus : status
        let body = Status(statusCode: String(statusCode), statusMessage: error.message, channelResponseCode: entry.code, channelResponseMessage: error.kind.defaultMessage)
        return WireReply(status: statusCode == 201 || statusCode == 202 ? 200 : statusCode, json: Wire.encode(body, encoder))
    }

    static func ok<T: Codable>(_ value: T, http: HTTPResponse.Status = .ok) -> WireReply { WireReply(status: http, json: Wire.encode(value, encoder)) }

    public static func registerRoutes(on router: Router<BasicRequestContext>, storefront: Storefront) {
        let engine = storefront.engine
        let serverKey = storefront.credentials.clientSecret
        @Sendable func auth(_ request: Request) throws(BuyerError) { try storefront.checkBasic(request, user: serverKey, password: "") }
        @Sendable func customer(_ request: Request) throws(BuyerError) -> String {
            guard let id = request.uri.queryParameters["customer_id"], !id.isEmpty else { throw BuyerError(.invalidRequest, "customer_id is required") }
            return String(id)
        }
        router.post("v2/customers") { request, _ in
            try auth(request)
            let input = try Wire.decode(CustomerRequest.self, from: try await Wire.body(request), decoder)
            let a = try await engine.signIn(username: input.username, cardNumber: input.cardNumber)
            return ok(Customer(statusCode: "200", customerId: a.id, username: a.username, cardNumber: a.cardNumber))
        }
        router.get("v2/items") { request, _ in
            try auth(request)
            let courses = try engine.courses(type: try Wire.courseType(request.uri.queryParameters["category"], name: "category"), limit: try Wire.int(request, "limit", default: 50, 1...1000))
            return ok(Items(statusCode: "200", items: courses.map { Item(id: $0.id, name: $0.title, merchantName: $0.providerID, category: $0.type.rawValue, price: amount($0.price)) }))
        }
        router.post("v2/orders") { request, _ in
            try auth(request)
            let input = try Wire.decode(OrderRequest.self, from: try await Wire.body(request), decoder)
            guard input.itemDetails.count == 1, let item = input.itemDetails.first, item.quantity == 1 else {
                throw BuyerError(.invalidRequest, "item_details must hold exactly one course with quantity 1")
            }
            let placed = try await engine.placeOrder(accountID: input.customerId, courseID: item.id)
            return ok(transaction(placed, serverKey: serverKey, message: "Order is created"), http: .created)
        }
        router.post("v2/charge") { request, _ in
            try auth(request)
            let input = try Wire.decode(ChargeRequest.self, from: try await Wire.body(request), decoder)
            guard input.paymentType == "prakerja_card" else { throw BuyerError(.invalidRequest, "payment_type must be prakerja_card") }
            let current = try await engine.transaction(accountID: input.customerId, orderID: input.transactionDetails.orderId)
            guard input.transactionDetails.grossAmount == amount(current.amount) else { throw BuyerError(.invalidRequest, "gross_amount does not match the order") }
            // Midtrans semantics: an order id is charged once; a second charge is refused with 406.
            guard current.status == .created else {
                let body = Status(statusCode: "406", statusMessage: "The request could not be completed due to a conflict with the current state of the target resource, order_id has already been utilized", channelResponseCode: nil, channelResponseMessage: nil)
                return WireReply(status: 406, json: Wire.encode(body, encoder))
            }
            let charged = try await engine.requestOTP(accountID: input.customerId, orderID: current.id)
            return ok(transaction(charged, serverKey: serverKey, message: "OTP is sent to the card holder"))
        }
        router.post("v2/:order/otp") { request, context in
            try auth(request)
            let input = try Wire.decode(CustomerRef.self, from: try await Wire.body(request), decoder)
            return ok(transaction(try await engine.resendOTP(accountID: input.customerId, orderID: try context.parameters.require("order")), serverKey: serverKey, message: "OTP is sent to the card holder"))
        }
        router.post("v2/:order/confirm") { request, context in
            try auth(request)
            let input = try Wire.decode(ConfirmRequest.self, from: try await Wire.body(request), decoder)
            let order = try context.parameters.require("order")
            let paid = try await engine.confirm(accountID: input.customerId, orderID: order, otp: input.otp, idempotencyKey: nil)
            return ok(transaction(paid, serverKey: serverKey, message: "Payment is being processed"))
        }
        router.get("v2/:order/status") { request, context in
            try auth(request)
            let order = try await engine.transaction(accountID: try customer(request), orderID: try context.parameters.require("order"))
            return ok(transaction(order, serverKey: serverKey, message: "Success, transaction is found"))
        }
        router.get("v2/:order/voucher") { request, context in
            try auth(request)
            return ok(voucher(try await engine.voucher(accountID: try customer(request), orderID: try context.parameters.require("order")), statusCode: "200"))
        }
    }

    // MARK: Adapter

    public static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter { Adapter(transport: transport) }

    struct Adapter: PlatformAdapter {
        let transport: AdapterTransport
        var platformID: String { Pintaria.platformID }

        func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
            let c: Customer = try await call(.POST, "/v2/customers", CustomerRequest(username: username, cardNumber: cardNumber))
            return BuyerAccount(id: c.customerId, username: c.username, cardNumber: c.cardNumber)
        }

        func courses(type: CourseType?, limit: Int) async throws(BuyerError) -> [StoreCourse] {
            let items: Items = try await call(.GET, "/v2/items?category=\(type?.rawValue ?? "")&limit=\(limit)")
            return try items.items.map { i throws(BuyerError) in
                guard let type = CourseType(rawValue: i.category), let price = rupiah(i.price) else { throw BuyerError(.platformError, "bad item \(i.id)") }
                return StoreCourse(id: i.id, title: i.name, providerID: i.merchantName, type: type, price: price)
            }
        }

        func placeOrder(account: BuyerAccount, courseID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "/v2/orders", OrderRequest(customerId: account.id, itemDetails: [.init(id: courseID, quantity: 1)])))
        }

        func requestOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            let order = try await order(account: account, orderID: orderID)
            let request = ChargeRequest(paymentType: "prakerja_card", transactionDetails: .init(orderId: orderID, grossAmount: amount(order.amount)), customerId: account.id)
            do {
                return try shared(try await call(.POST, "/v2/charge", request))
            } catch let error where error.httpStatus == 406 && error.platformCode == nil {
                // The order id was charged already: the shared protocol answers with the order as it stands.
                let current = try await self.order(account: account, orderID: orderID)
                switch current.status {
                case .awaitingOTP, .created: return current
                case .paid, .refunded: throw BuyerError(.orderNotPayable, "order \(orderID) is already paid", httpStatus: 406)
                case .locked: throw BuyerError(.otpLocked, httpStatus: 406)
                case .expired: throw BuyerError(.orderExpired, httpStatus: 406)
                }
            }
        }

        func resendOTP(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "/v2/\(Path.escape(orderID))/otp", CustomerRef(customerId: account.id)))
        }

        /// Pintaria has no wire slot for the caller's idempotency key: a repeated confirmation with the right OTP
    /// returns the same voucher (the gateway's promise), a repeated wrong OTP counts again.
        func confirmOTP(account: BuyerAccount, orderID: String, otp: String, idempotencyKey: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.POST, "/v2/\(Path.escape(orderID))/confirm", ConfirmRequest(customerId: account.id, otp: otp)))
        }

        func order(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreOrder {
            try shared(try await call(.GET, "/v2/\(Path.escape(orderID))/status?customer_id=\(Path.escape(account.id))"))
        }

        func voucher(account: BuyerAccount, orderID: String) async throws(BuyerError) -> StoreVoucher {
            let v: Voucher = try await call(.GET, "/v2/\(Path.escape(orderID))/voucher?customer_id=\(Path.escape(account.id))")
            return try shared(v)
        }

        private func shared(_ t: Transaction) throws(BuyerError) -> StoreOrder {
            let expected = signatureKey(orderID: t.orderId, statusCode: t.statusCode, grossAmount: t.grossAmount, serverKey: transport.credentials.clientSecret)
            guard ConstantTime.equal(Array(t.signatureKey.utf8), Array(expected.utf8)) else {
                throw BuyerError(.platformError, "signature_key of order \(t.orderId) does not match: the answer is not from Pintaria")
            }
            guard let status = statuses.first(where: { $0.value == t.transactionStatus })?.key, let amount = rupiah(t.grossAmount) else {
                throw BuyerError(.platformError, "unexpected transaction \(t.orderId)")
            }
            return StoreOrder(
                id: t.orderId, accountID: t.customerId, courseID: t.itemId, amount: amount, status: status, otpExpiresAt: t.otpExpiryTime.flatMap(Jakarta.parse),
                voucher: try t.voucher.map { v throws(BuyerError) in try shared(v) }
            )
        }

        private func shared(_ v: Voucher) throws(BuyerError) -> StoreVoucher {
            guard let code = canonicalVoucher(v.voucherCode) else { throw BuyerError(.platformError, "voucher code \(v.voucherCode) is not in Pintaria's format") }
            return StoreVoucher(code: code, displayCode: v.voucherCode, redeemCode: v.redeemCode, invoiceCode: v.invoiceNumber, courseID: v.itemId, providerID: v.merchantId)
        }

        private func call<T: Codable>(_ method: HTTPMethod, _ target: String, _ input: (some Encodable)? = Optional<Int>.none) async throws(BuyerError) -> T {
            let response = try await transport.send(
                method, target, headers: [("Authorization", AdapterTransport.basic(transport.credentials.clientSecret, ""))], body: input.map { Wire.encode($0, encoder) }
            )
            let status = try? decoder.decode(Status.self, from: Data(response.body))
            // Denials arrive with HTTP 200 too: a channel response code marks a refusal, whatever the HTTP status.
            if let status, let channel = status.channelResponseCode {
                throw AdapterTransport.refusal(code: channel, message: status.statusMessage, status: Int(status.statusCode) ?? response.status, table: errors)
            }
            guard (200...201).contains(response.status), let value = try? decoder.decode(T.self, from: Data(response.body)) else {
                throw AdapterTransport.refusal(code: nil, message: status?.statusMessage ?? response.text, status: response.status, table: errors)
            }
            return value
        }
    }
}
