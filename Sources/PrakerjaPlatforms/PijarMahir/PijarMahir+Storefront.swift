import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore
import PrakerjaHTTP

// PijarMahir's storefront routes: its dialect in front of the shared storefront engine.
extension PijarMahir {
    public static func errorReply(_ error: BuyerError, status: Int) -> Reply {
        Reply(status: status, body: Wire.encode(Envelope<Order>(success: false, message: errors[error.kind].code, data: nil), encoder))
    }

    static func ok<T: Codable>(_ data: T) -> Reply {
        Reply(status: .ok, body: Wire.encode(Envelope(success: true, message: "Berhasil", data: data), encoder))
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
}
