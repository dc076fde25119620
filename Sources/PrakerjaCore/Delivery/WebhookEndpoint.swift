import Foundation

/// A platform's callback URL for webhooks, and whether it still takes them (a `410 Gone` disables it until
/// it is configured again).
public struct WebhookEndpoint: Codable, Sendable, Equatable {
    public var platformID: String
    public var url: String
    public var enabled: Bool
    public var updatedAt: Date

    public init(platformID: String, url: String, enabled: Bool = true, updatedAt: Date) {
        self.platformID = platformID
        self.url = url
        self.enabled = enabled
        self.updatedAt = updatedAt
    }

    /// An absolute http(s) URL with a host.
    public static func validate(_ url: String) throws(GatewayError) {
        guard url.count <= 2048, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
            let host = parsed.host, !host.isEmpty
        else { throw GatewayError.field("url", "must be an absolute http or https URL") }
    }
}
