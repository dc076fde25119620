import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PrakerjaCore
import PrakerjaHTTP

// Sisnaker's storefront routes: its dialect in front of the shared storefront engine.
extension Sisnaker {
    public static func errorReply(_ error: BuyerError, status: Int) -> Reply { reply(error, service: .unknown, status: status) }

    static func reply(_ error: BuyerError, service: Service, status: Int? = nil) -> Reply {
        let code = errors[error.kind].code.replacingOccurrences(of: "xx", with: service.rawValue)
        let http = status ?? Int(code.prefix(3))!
        return Reply(status: http, body: Wire.encode(Snap<Order>(responseCode: code, responseMessage: error.message, payload: nil), encoder))
    }

    public static func registerRoutes(on router: Router<BasicRequestContext>, storefront: Storefront) {
        let engine = storefront.engine
        let credentials = storefront.credentials
        /// Runs one SNAP service: checks the signature, decodes the body, answers with the service's codes.
        func serve<In: Codable, Out: Codable>(
            _ path: String, _ service: Service, _ input: In.Type, _ work: @escaping @Sendable (In, HTTPFields) async throws(BuyerError) -> Out
        ) {
            router.post(RouterPath(path)) { request, _ -> Reply in
                do {
                    let body = try await Wire.body(request)
                    try verify(request, path: "/" + path, body: body)
                    let out = try await work(try Wire.decode(In.self, from: body, decoder), request.headers)
                    return Reply(status: .ok, body: Wire.encode(Snap(responseCode: "200\(service.rawValue)00", responseMessage: "Successful", payload: out), encoder))
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

        router.post("v1.0/access-token/b2b") { request, _ -> Reply in
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
                return Reply(status: .ok, body: Wire.encode(Snap(responseCode: "2007300", responseMessage: "Successful", payload: token), encoder))
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
}
