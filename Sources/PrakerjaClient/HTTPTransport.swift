import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// One HTTP request → response hop, whole bodies in and out: what ``HTTPEndpoint`` and the webhook
/// sender need from a client. Two implementations: AsyncHTTPClient's `HTTPClient` (the general client,
/// TLS and all), and ``LeanHTTPClient`` (plain HTTP/1.1 keep-alive on SwiftNIO's codecs, for the
/// loopback hot paths, handing anything else to an `HTTPClient`).
public protocol HTTPTransport: Sendable {
    func send(
        _ method: HTTPMethod, url: String, headers: [(String, String)], body: [UInt8]?, timeout: TimeAmount
    ) async throws -> HTTPEndpoint.Response
}

extension HTTPClient: HTTPTransport {
    public func send(
        _ method: HTTPMethod, url: String, headers: [(String, String)], body: [UInt8]?, timeout: TimeAmount
    ) async throws -> HTTPEndpoint.Response {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: HTTPEndpoint.maximumBody)
        return HTTPEndpoint.Response(
            status: Int(response.status.code), body: Array(buffer.readableBytesView), headers: response.headers.map { ($0.name, $0.value) }
        )
    }
}
