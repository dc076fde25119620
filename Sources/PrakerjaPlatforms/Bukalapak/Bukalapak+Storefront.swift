import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore
import PrakerjaHTTP

// Bukalapak's storefront routes: its dialect in front of the shared storefront engine.
extension Bukalapak {
    public static func errorReply(_ error: BuyerError, status: Int) -> Reply {
        let failure = Failure(errors: [.init(message: error.message, code: Int(errors[error.kind].code)!)], meta: Meta(httpStatus: status))
        return Reply(status: status, body: Wire.encode(failure, encoder))
    }

    static func ok<T: Codable>(_ data: T, status: HTTPResponse.Status = .ok) -> Reply {
        Reply(status: status, body: Wire.encode(Success(data: data, meta: Meta(httpStatus: Int(status.code))), encoder))
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
            return Reply(status: .ok, body: Wire.encode(token, encoder))
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
}
