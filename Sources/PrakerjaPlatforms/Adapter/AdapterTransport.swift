import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PrakerjaClient
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
        public var contentType: String
        public var status: Int
        public var responseBody: [UInt8]
    }

    public typealias Response = HTTPEndpoint.Response

    /// The storefront: one pooled `HTTPClient`, one base URL.
    var client: HTTPEndpoint
    public let credentials: StorefrontCredentials
    /// Real time, for signature timestamps.
    public let wallClock: any TimeSource
    public let observer: (@Sendable (Exchange) -> Void)?
    /// Keeps a request instead of sending it (Pact provider states); nil for normal use.
    public let capture: RequestCapture?
    public var baseURL: String { client.baseURL }
    public var timeout: TimeAmount {
        get { client.timeout }
        set { client.timeout = newValue }
    }

    public init(
        http: any HTTPTransport, baseURL: String, credentials: StorefrontCredentials, wallClock: any TimeSource = SystemTimeSource(),
        observer: (@Sendable (Exchange) -> Void)? = nil, capture: RequestCapture? = nil
    ) {
        self.client = HTTPEndpoint(http: http, baseURL: baseURL)
        self.wallClock = wallClock
        self.credentials = credentials
        self.observer = observer
        self.capture = capture
    }

    public func send(
        _ method: HTTPMethod, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil, contentType: String = "application/json"
    ) async throws(BuyerError) -> Response {
        if let capture, capture.intercept(.init(method: method.rawValue, target: target, headers: headers, body: body, contentType: contentType)) {
            throw BuyerError(.platformUnavailable, "\(method.rawValue) \(baseURL)\(target): kept for a provider state, not sent")
        }
        let response: Response
        do {
            response = try await client.send(method, target, body: body, headers: headers, contentType: contentType)
        } catch {
            throw BuyerError(.platformUnavailable, "\(method.rawValue) \(baseURL)\(target): \(error)")
        }
        observer?(Exchange(method: method.rawValue, target: target, requestHeaders: headers, requestBody: body ?? [], contentType: contentType, status: response.status, responseBody: response.body))
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
