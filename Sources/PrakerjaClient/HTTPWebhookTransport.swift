import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PrakerjaCore

/// Webhooks over HTTP: one POST per attempt through a shared, pooled `HTTPClient`.
public struct HTTPWebhookTransport: WebhookTransport {
    let http: HTTPClient

    public init(http: HTTPClient) { self.http = http }

    public func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async -> WebhookResponse {
        let started = ContinuousClock.now
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout.microseconds) * 1000))
            // The body is read (and dropped) so the connection can be reused; a receiver's answer is its status.
            _ = try? await response.body.collect(upTo: 1 << 20)
            return .answered(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, latency: ContinuousClock.now - started)
        } catch {
            return .unreachable(reason: Self.describe(error), latency: ContinuousClock.now - started)
        }
    }

    /// `connection refused`, `timed out`, `connection reset`, or the error's own words.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout { return "timed out" }
            if error == .remoteConnectionClosed { return "connection reset" }
        }
        let text = String(describing: error)
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") { return "timed out" }
        if text.contains("refused") || text.contains("ECONNREFUSED") { return "connection refused" }
        if text.contains("reset") || text.contains("ECONNRESET") { return "connection reset" }
        return text
    }
}
