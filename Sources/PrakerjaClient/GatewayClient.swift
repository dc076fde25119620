import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PrakerjaCore

/// An HTTP client of a running gateway: signed partner calls, signed redeem calls, simulation calls.
/// Share one per process (it pools connections through the `HTTPClient` it is given).
public struct GatewayClient: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var body: [UInt8]
        public var headers: [(String, String)]
        public var text: String { String(decoding: body, as: UTF8.self) }

        public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
            try GatewayClient.decoder.decode(T.self, from: Data(body))
        }

        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    public let http: HTTPClient
    public let baseURL: String
    /// Real time, for signature timestamps.
    public let wallClock: any TimeSource
    public var timeout: TimeAmount = .seconds(30)

    public init(http: HTTPClient, baseURL: String, wallClock: any TimeSource = SystemTimeSource()) {
        self.http = http
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.wallClock = wallClock
    }

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    // MARK: Plain calls

    public func send(
        _ method: HTTPMethod, _ target: String, body: [UInt8]? = nil, headers: [(String, String)] = [], contentType: String = "application/json"
    ) async throws -> Response {
        var request = HTTPClientRequest(url: baseURL + target)
        request.method = method
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await http.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Response(status: Int(response.status.code), body: Array(buffer.readableBytesView), headers: response.headers.map { ($0.name, $0.value) })
    }

    public func get(_ target: String) async throws -> Response { try await send(.GET, target) }

    public func post(_ target: String, json: some Encodable) async throws -> Response {
        try await send(.POST, target, body: Array(try JSONEncoder().encode(json)))
    }

    // MARK: Signed calls

    /// A partner-API call signed for `platform` with a fresh nonce.
    public func partner(
        _ method: HTTPMethod, _ target: String, platformID: String, secret: String, body: [UInt8]? = nil, idempotencyKey: String? = nil
    ) async throws -> Response {
        var headers = PartnerSignature.headers(
            secret: secret, platformID: platformID, now: wallClock.now(), nonce: UUID().uuidString, method: method.rawValue, target: target,
            body: body ?? []
        )
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        return try await send(method, target, body: body, headers: headers)
    }

    /// A redeem-code API call (`status` or `commit`) signed as the provider.
    public func redeem(_ action: String, clientCode: String, signKey: String, redeemCode: String, sequence: Int? = nil) async throws -> Response {
        let path = "/api/v1/integration/payment/redeem-code/\(action)"
        var json = #"{"redeem_code":"\#(redeemCode)""#
        if let sequence { json += #","sequence":\#(sequence)"# }
        json += "}"
        let ts = String(Int64(wallClock.now().timeIntervalSince1970))
        let signature = RedeemSignature.sign(key: signKey, clientCode: clientCode, timestamp: ts, method: "POST", path: path, body: Array(json.utf8))
        return try await send(
            .POST, path, body: Array(json.utf8), headers: [("client_code", clientCode), ("signature", signature), ("timestamp", ts)]
        )
    }
}

/// Client-side shapes of the gateway's JSON (decoded with snake_case → camelCase).
public enum GatewayAPI {
    public struct Charge: Decodable, Sendable {
        public var id: String
        public var status: String
        public var amount: Int64
        public var courseId: String
        public var otpExpiresAt: Date
        public var voucher: Voucher?
    }

    public struct Voucher: Decodable, Sendable {
        public var code: String
        public var redeemCode: String
        public var invoiceCode: String
        public var providerId: String
        public var status: String

        public init(code: String, redeemCode: String, invoiceCode: String, providerId: String, status: String) {
            self.code = code
            self.redeemCode = redeemCode
            self.invoiceCode = invoiceCode
            self.providerId = providerId
            self.status = status
        }
    }

    public struct Message: Decodable, Sendable {
        public var id: Int64
        public var recipient: String
        public var subject: String
        public var body: String
        public var chargeId: String?
    }

    public struct Participant: Decodable, Sendable {
        public var cardNumber: String
        public var phone: String
        public var email: String
        public var balance: Int64
        public var videosWatched: Int
        public var status: String
    }

    public struct Credentials: Decodable, Sendable {
        public struct Platform: Decodable, Sendable {
            public var platformId: String
            public var secret: String
        }
        public struct Provider: Decodable, Sendable {
            public var providerId: String
            public var clientCode: String
            public var signKey: String
        }
        public var platforms: [Platform]
        public var providers: [Provider]
    }

    public struct Error: Decodable, Sendable {
        public struct Inner: Decodable, Sendable {
            public var code: String
            public var message: String
        }
        public var error: Inner
    }

    public struct Course: Decodable, Sendable {
        public var id: String
        public var title: String
        public var providerId: String
        public var type: String
        public var price: Int64
        public var platforms: [String]
    }

    public struct Page<T: Decodable & Sendable>: Decodable, Sendable {
        public var total: Int
        public var items: [T]
    }

    public struct Summary: Decodable, Sendable {
        public var platforms: Int
        public var providers: Int
        public var courses: Int
    }

    /// The OTP in an SMS body.
    public static func otp(in message: String) -> String? {
        guard let range = message.range(of: #"\b\d{6}\b"#, options: .regularExpression) else { return nil }
        return String(message[range])
    }
}
