import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP service at one base URL, called through a shared, pooled `HTTPClient`: the plain request →
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

    public let http: HTTPClient
    public let baseURL: String
    /// Bounds each request, connection attempts included.
    public var timeout: TimeAmount = .seconds(30)

    public init(http: HTTPClient, baseURL: String) {
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
}
