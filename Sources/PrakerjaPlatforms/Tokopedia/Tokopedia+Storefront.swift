import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore
import PrakerjaHTTP

// Tokopedia's storefront routes: its dialect in front of the shared storefront engine.
extension Tokopedia {
    public static func errorReply(_ error: BuyerError, status: Int) -> Reply {
        let entry = errors[error.kind]
        var headers = HTTPFields()
        if status == 429 { headers[HTTPField.Name("X-Ratelimit-Full-Reset-After")!] = error.kind == .otpDailyLimit ? "86400" : "60" }
        let header = Header(processTime: 0, messages: "Your request cannot be processed", reason: error.message, errorCode: entry.code)
        return Reply(status: status, body: Wire.encode(Envelope<Order>(header: header, data: nil), encoder), headers: headers)
    }

    static func ok<T: Codable>(_ data: T, started: ContinuousClock.Instant) -> Reply {
        let elapsed = ContinuousClock.now - started
        let seconds = elapsed.seconds
        let header = Header(processTime: (seconds * 1e6).rounded() / 1e6, messages: "Your request has been processed successfully", reason: "", errorCode: "")
        return Reply(status: .ok, body: Wire.encode(Envelope(header: header, data: data), encoder))
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
            return Reply(status: .ok, body: Wire.encode(token, encoder))
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
}
