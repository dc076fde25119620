import Foundation

/// How the delivery engine sends a webhook. The real one is an AsyncHTTPClient client
/// (`PrakerjaClient.HTTPWebhookTransport`); the core only knows this shape.
public protocol WebhookTransport: Sendable {
    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async -> WebhookResponse
}

/// What a receiver did with one webhook request.
public enum WebhookResponse: Sendable {
    /// It answered: status, headers (for `Retry-After`), and how long it took in real time.
    case answered(status: Int, headers: [(String, String)], latency: Duration)
    /// It did not answer: refused, reset, timed out, unresolvable.
    case unreachable(reason: String, latency: Duration)
}

/// For gateways that send no webhooks (tests of other things): every attempt fails as unreachable.
public struct NoWebhookTransport: WebhookTransport {
    public init() {}
    public func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async -> WebhookResponse {
        .unreachable(reason: "this gateway has no webhook transport", latency: .zero)
    }
}
