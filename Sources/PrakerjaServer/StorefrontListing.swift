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
    private let states = Mutex<(any StorefrontStateSetup)?>(nil)

    public init() {}

    public var entries: [Entry] { state.withLock { $0 } }

    public func set(_ entries: [Entry]) { state.withLock { $0 = entries } }

    /// Provider states for verifying the adapter → storefront Pact contracts (`POST
    /// /sim/pact/storefronts/state`); nil while no storefront runs in this process.
    public var stateSetup: (any StorefrontStateSetup)? { states.withLock { $0 } }

    public func set(stateSetup: (any StorefrontStateSetup)?) { states.withLock { $0 = stateSetup } }
}

/// Sets up a provider state of an adapter → storefront Pact contract in the storefronts this process runs
/// (implemented next to them, where the platforms' adapters are known).
public protocol StorefrontStateSetup: Sendable {
    /// The state names it knows.
    var states: [String] { get }
    /// Makes what `state` names and answers with the values the contract's `ProviderState` generators use;
    /// a bad state or parameter is a ``GatewayError`` (a 4xx).
    func setUp(state: String, params: [String: String]) async throws -> [String: String]
}
