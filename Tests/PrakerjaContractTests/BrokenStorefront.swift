import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import PrakerjaClient
import PrakerjaCore
import PrakerjaPlatforms
import Synchronization

/// A deliberately broken Tokopedia storefront: an HTTP proxy in front of the correct one that changes
/// exactly one behaviour, the way a platform's integration goes wrong. The contract run must catch each.
struct BrokenStorefront: HTTPResponder {
    typealias Context = BasicRequestContext

    enum Breakage: String, CaseIterable, Sendable {
        /// None: the proxy is transparent (the control that proves failures come from the breakage).
        case none
        /// Every confirm gets a fresh idempotency key instead of the buyer's.
        case ignoresIdempotencyKey
        /// A wrong OTP is reported as a generic internal error instead of the dialect's OTP code.
        case wrongOTPIsGenericError
        /// A repeated confirm answers "paid" without the voucher.
        case dropsVoucherOnRetry
        /// The token endpoint issues tokens whatever the client id and secret.
        case skipsCredentialChecks
        /// Requesting the OTP also pays the order at once (the storefront confirms on the buyer's behalf).
        case debitsBeforeOTP
        /// Starts a gateway payment as soon as an order is placed, before the buyer asks for the OTP: every
        /// answer the buyer sees is right; only the gateway-side effects (a charge, an SMS) show it.
        case chargesWhenOrdered
    }

    let breakage: Breakage
    let upstream: String
    let gateway: GatewayClient
    let http: HTTPClient
    let credentials: StorefrontCredentials
    private let confirmed = Confirmed()
    private let cards = Cards()

    /// Card numbers by Tokopedia user id, as the bind answers gave them.
    final class Cards: Sendable {
        let byUser = Mutex<[String: String]>([:])
        func set(_ user: String, _ card: String) { byUser.withLock { $0[user] = card } }
        func get(_ user: String) -> String? { byUser.withLock { $0[user] } }
    }

    final class Confirmed: Sendable {
        let paths = Mutex<Set<String>>([])
        func first(_ path: String) -> Bool { paths.withLock { $0.insert(path).inserted } }
    }

    init(_ breakage: Breakage, upstream: String, gateway: GatewayClient, http: HTTPClient, credentials: StorefrontCredentials) {
        self.breakage = breakage
        self.upstream = upstream
        self.gateway = gateway
        self.http = http
        self.credentials = credentials
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let body = Array(buffer: try await request.body.collect(upTo: 1 << 20))
        let method = HTTPMethod(rawValue: request.method.rawValue)
        let target = request.uri.description
        var headers = request.headers.map { ($0.name.canonicalName, $0.value) }
        let path = request.uri.path
        switch breakage {
        case .ignoresIdempotencyKey where path.hasSuffix("/payment/confirm"):
            headers = headers.filter { $0.0.lowercased() != "x-idempotency-key" } + [("X-Idempotency-Key", UUID().uuidString)]
        case .skipsCredentialChecks where path == "/token":
            headers = headers.filter { $0.0.lowercased() != "authorization" }
                + [("Authorization", "Basic " + Data("\(credentials.clientID):\(credentials.clientSecret)".utf8).base64EncodedString())]
        default: break
        }
        var (status, responseHeaders, responseBody) = try await forward(method, target, headers: headers, body: body)
        switch breakage {
        case .wrongOTPIsGenericError where String(decoding: responseBody, as: UTF8.self).contains("\"PAY_OTP_001\""):
            status = 500
            responseBody = Array(String(decoding: responseBody, as: UTF8.self).replacingOccurrences(of: "PAY_OTP_001", with: "SYS_API_500").utf8)
        case .dropsVoucherOnRetry where path.hasSuffix("/payment/confirm") && status == 200:
            let first = confirmed.first(path)
            if !first, var json = try? JSONSerialization.jsonObject(with: Data(responseBody)) as? [String: Any], var data = json["data"] as? [String: Any] {
                data["voucher"] = NSNull()
                json["data"] = data
                responseBody = Array(try JSONSerialization.data(withJSONObject: json))
            }
        case .debitsBeforeOTP where path.hasSuffix("/payment/otp") && status == 200:
            // Pays at once with the OTP the gateway just texted, before the buyer has typed anything.
            let orderID = path.split(separator: "/")[2]
            if let otp = try await otp(forOrder: String(orderID)) {
                let target = String(path.dropLast("otp".count)) + "confirm?" + (request.uri.query ?? "")
                let extra = headers.filter { $0.0.lowercased() == "authorization" } + [("X-Idempotency-Key", "eager-\(orderID)")]
                (status, responseHeaders, responseBody) = try await forward(.POST, target, headers: extra, body: Array(#"{"otp":"\#(otp)"}"#.utf8))
            }
        case .chargesWhenOrdered where path.hasSuffix("/user/bind") && status == 200:
            if let json = try? JSONSerialization.jsonObject(with: Data(responseBody)) as? [String: Any], let data = json["data"] as? [String: Any],
                let user = data["user_id"] as? NSNumber, let card = data["prakerja_card_number"] as? String
            {
                cards.set(user.stringValue, card)
            }
        case .chargesWhenOrdered where path.hasSuffix("/order") && request.method == .post && status == 200:
            if let json = try? JSONSerialization.jsonObject(with: Data(responseBody)) as? [String: Any], let data = json["data"] as? [String: Any],
                let order = data["order_id"] as? NSNumber, let user = data["user_id"] as? NSNumber, let course = data["product_id"] as? String,
                let card = cards.get(user.stringValue)
            {
                try await eagerCharge(order: order.stringValue, user: user.stringValue, card: card, course: course)
            }
        default: break
        }
        var fields = HTTPFields()
        for (name, value) in responseHeaders where !["content-length", "transfer-encoding", "connection"].contains(name.lowercased()) {
            if let n = HTTPField.Name(name) { fields.append(HTTPField(name: n, value: value)) }
        }
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: responseBody)))
    }

    private func forward(_ method: HTTPMethod, _ target: String, headers: [(String, String)], body: [UInt8]) async throws -> (Int, [(String, String)], [UInt8]) {
        var request = HTTPClientRequest(url: upstream + target)
        request.method = method
        for (name, value) in headers where !["host", "content-length", "connection"].contains(name.lowercased()) { request.headers.add(name: name, value: value) }
        if !body.isEmpty { request.body = .bytes(body) }
        let response = try await http.execute(request, timeout: .seconds(30))
        let bytes = Array(buffer: try await response.body.collect(upTo: 1 << 22))
        return (Int(response.status.code), response.headers.map { ($0.name, $0.value) }, bytes)
    }

    /// A gateway charge for a Tokopedia order the buyer has not started paying, signed with the platform's secret.
    private func eagerCharge(order: String, user: String, card: String, course: String) async throws {
        struct Credentials: Decodable {
            struct Platform: Decodable {
                var platformId: String
                var secret: String
            }
            var platforms: [Platform]
        }
        guard let secret = try await gateway.get("/sim/credentials").decode(Credentials.self).platforms.first(where: { $0.platformId == "tokopedia" })?.secret
        else { return }
        let body = ChargeRequest(cardNumber: card, courseID: course, platformOrderID: "eager-\(order)", accountID: user)
        _ = try await gateway.partner(.POST, "/partner/v1/charges", platformID: "tokopedia", secret: secret, body: Array(try JSONEncoder().encode(body)))
    }

    /// The newest OTP of the gateway's charge for a Tokopedia order (from the simulation API).
    private func otp(forOrder orderID: String) async throws -> String? {
        struct Row: Decodable {
            var id: String
            var platformId: String
            var platformOrderId: String
        }
        struct Detail: Decodable { var otp: String }
        let rows: [Row] = try await gateway.get("/sim/charges?q=\(orderID)").decode()
        guard let charge = rows.first(where: { $0.platformId == "tokopedia" && $0.platformOrderId == orderID }) else { return nil }
        return try await gateway.get("/sim/charges/\(charge.id)").decode(Detail.self).otp
    }
}
