import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore
import PrakerjaHTTP

// SekolahMu's storefront routes: its dialect in front of the shared storefront engine.
extension SekolahMu {
    public static func errorReply(_ error: BuyerError, status: Int) -> Reply {
        Reply(status: status, body: Wire.encode(Failure(errorCode: errors[error.kind].code, message: error.message), encoder))
    }

    static func ok<T: Codable>(_ value: T, status: HTTPResponse.Status = .ok) -> Reply { Reply(status: status, body: Wire.encode(value, encoder)) }

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
}
