import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP service at one base URL, called through a shared, pooled ``HTTPTransport``: the plain request →
/// response hop that the gateway client and every platform adapter build on.
public struct HTTPEndpoint: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var body: [UInt8]
        public var headers: [(String, String)]
        public var text: String { String(decoding: body, as: UTF8.self) }

        /// Decodes a JSON body with snake_case keys and ISO-8601 dates.
        public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
            try HTTPEndpoint.decoder.decode(T.self, from: Data(body))
        }

        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    /// The largest response body read (a larger one fails the request).
    public static let maximumBody = 16 * 1024 * 1024

    public let http: any HTTPTransport
    public let baseURL: String
    /// Bounds each request, connection attempts included.
    public var timeout: TimeAmount = .seconds(30)

    public init(http: any HTTPTransport, baseURL: String) {
        self.http = http
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    public func send(
        _ method: HTTPMethod, _ target: String, body: [UInt8]? = nil, headers: [(String, String)] = [], contentType: String = "application/json"
    ) async throws -> Response {
        var headers = headers
        if body != nil { headers.append(("Content-Type", contentType)) }
        return try await http.send(method, url: baseURL + target, headers: headers, body: body, timeout: timeout)
    }
}
