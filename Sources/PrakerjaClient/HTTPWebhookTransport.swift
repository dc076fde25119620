import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PrakerjaCore

/// Webhooks over HTTP: one POST per attempt through a shared, pooled ``HTTPTransport``.
public struct HTTPWebhookTransport: WebhookTransport {
    let http: any HTTPTransport

    public init(http: any HTTPTransport) { self.http = http }

    public func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async -> WebhookResponse {
        let started = ContinuousClock.now
        do {
            // The body is read (and dropped) so the connection can be reused; a receiver's answer is its status.
            let response = try await http.send(.POST, url: url, headers: headers, body: body, timeout: .nanoseconds(Int64(timeout.microseconds) * 1000))
            return .answered(status: response.status, headers: response.headers, latency: ContinuousClock.now - started)
        } catch {
            return .unreachable(reason: Self.describe(error), latency: ContinuousClock.now - started)
        }
    }

    /// `connection refused`, `timed out`, `connection reset`, or the error's own words.
    static func describe(_ error: any Error) -> String {
        if let error = error as? LeanHTTPClient.Failure {
            switch error {
            case .timedOut: return "timed out"
            case .connectionRefused: return "connection refused"
            case .connectionReset: return "connection reset"
            case .responseTooLarge, .shutDown: return error.description
            }
        }
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
