import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PrakerjaCore

/// The HTTP side every adapter shares: one pooled `HTTPClient`, the storefront's base URL and the
/// client's credentials. Transport failures become ``BuyerError/Kind/platformUnavailable``.
public struct AdapterTransport: Sendable {
    /// One request and its answer, as the wire carried them (for the demo and for debugging).
    public struct Exchange: Sendable {
        public var method: String
        public var target: String
        public var requestHeaders: [(String, String)]
        public var requestBody: [UInt8]
        public var status: Int
        public var responseBody: [UInt8]
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]

        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public let http: HTTPClient
    public let baseURL: String
    public let credentials: StorefrontCredentials
    /// Real time, for signature timestamps.
    public let wallClock: any TimeSource
    public let observer: (@Sendable (Exchange) -> Void)?
    public var timeout: TimeAmount = .seconds(30)

    public init(
        http: HTTPClient, baseURL: String, credentials: StorefrontCredentials, wallClock: any TimeSource = SystemTimeSource(),
        observer: (@Sendable (Exchange) -> Void)? = nil
    ) {
        self.http = http
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.credentials = credentials
        self.wallClock = wallClock
        self.observer = observer
    }

    public func send(
        _ method: HTTPMethod, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil, contentType: String = "application/json"
    ) async throws(BuyerError) -> Response {
        var request = HTTPClientRequest(url: baseURL + target)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: Response
        do {
            let answer = try await http.execute(request, timeout: timeout)
            let buffer = try await answer.body.collect(upTo: 16 * 1024 * 1024)
            response = Response(status: Int(answer.status.code), headers: answer.headers.map { ($0.name, $0.value) }, body: Array(buffer.readableBytesView))
        } catch {
            throw BuyerError(.platformUnavailable, "\(method.rawValue) \(baseURL)\(target): \(error)")
        }
        observer?(Exchange(method: method.rawValue, target: target, requestHeaders: headers, requestBody: body ?? [], status: response.status, responseBody: response.body))
        return response
    }

    /// Decodes a success body; a body that does not fit the dialect is a platform error.
    public func decode<T: Decodable>(_ type: T.Type, _ response: Response, _ decoder: JSONDecoder) throws(BuyerError) -> T {
        do {
            return try decoder.decode(T.self, from: Data(response.body))
        } catch {
            throw BuyerError(.platformError, "unexpected \(T.self) body (HTTP \(response.status)): \(response.text.prefix(300))", httpStatus: response.status)
        }
    }

    /// The shared error for a refusal that carried dialect `code`: the table's kind, or — for a code the
    /// dialect does not define — platform unavailable on 502/503/504 and platform error otherwise.
    public static func refusal(code: String?, message: String?, status: Int, table: DialectErrorTable) -> BuyerError {
        if let code, let kind = table.kind(of: code) {
            return BuyerError(kind, message, platformCode: code, httpStatus: status)
        }
        let kind: BuyerError.Kind = [502, 503, 504].contains(status) ? .platformUnavailable : .platformError
        return BuyerError(kind, message ?? "HTTP \(status) without a known error code", platformCode: code, httpStatus: status)
    }

    public static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }
}

/// An access token an adapter fetched, reused until shortly before it expires.
public actor TokenCache {
    private var token: String?
    private var expiresAt: Date = .distantPast
    private let clock: any TimeSource

    public init(clock: any TimeSource) { self.clock = clock }

    public func token(fetch: @Sendable () async throws(BuyerError) -> (token: String, lifetime: TimeInterval)) async throws(BuyerError) -> String {
        if let token, clock.now() < expiresAt { return token }
        let fresh = try await fetch()
        token = fresh.token
        expiresAt = clock.now().addingTimeInterval(max(0, fresh.lifetime - 30))
        return fresh.token
    }

    public func forget() { token = nil }
}

/// Percent-encoding for ids placed in a path segment or query value.
public enum Path {
    static let allowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    public static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
