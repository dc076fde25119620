import Synchronization

/// The storefronts that pay through this gateway, with their base URLs and client credentials, as
/// `GET /sim/storefronts` lists them — so that a load generator or a test finds them from the gateway's URL.
/// Filled once they listen.
public final class StorefrontListing: Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public var platformId: String
        public var baseUrl: String
        public var clientId: String
        public var clientSecret: String

        public init(platformId: String, baseUrl: String, clientId: String, clientSecret: String) {
            self.platformId = platformId
            self.baseUrl = baseUrl
            self.clientId = clientId
            self.clientSecret = clientSecret
        }
    }

    private let state = Mutex<[Entry]>([])

    public init() {}

    public var entries: [Entry] { state.withLock { $0 } }

    public func set(_ entries: [Entry]) { state.withLock { $0 = entries } }
}
