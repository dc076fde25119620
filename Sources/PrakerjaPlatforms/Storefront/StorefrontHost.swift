import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import PrakerjaClient
import PrakerjaCore
import PrakerjaHTTP
import ServiceLifecycle

/// The seven storefronts as HTTP services, each on its own port, each paying through the gateway at
/// `gatewayURL` (the built-in one or an external one).
public struct StorefrontHost: Sendable {
    public struct Endpoint: Sendable {
        public var platformID: String
        public var baseURL: String
        public var credentials: StorefrontCredentials
    }

    public let storefronts: [Storefront]

    /// `gatewayTimeout` bounds each gateway call (connection attempts included); keep it below the
    /// adapters' timeout so a dead gateway is reported as such rather than as a dead platform.
    /// `maxInFlight` bounds each storefront's requests in flight (nil: no bound).
    public init(
        catalog: Catalog, gatewayURL: String, http: any HTTPTransport, store: any StorefrontStore, wallClock: any TimeSource,
        gatewayTimeout: TimeAmount = .seconds(10), only platformIDs: [String]? = nil, webhooksFromGateway: Bool = false, maxInFlight: Int? = nil
    ) {
        var gateway = GatewayClient(http: http, baseURL: gatewayURL, wallClock: wallClock)
        gateway.timeout = gatewayTimeout
        storefronts = PlatformRegistry.dialects.compactMap { dialect in
            guard platformIDs?.contains(dialect.platformID) ?? true, let platform = catalog.platform(dialect.platformID) else { return nil }
            let engine = StorefrontEngine(
                dialect: dialect, platform: platform, catalog: catalog, gateway: gateway, store: store, clock: wallClock,
                webhooksFromGateway: webhooksFromGateway, admission: maxInFlight.map { Admission(limit: $0) }
            )
            return Storefront(engine: engine, credentials: dialect.credentials(for: platform), wallClock: wallClock)
        }
    }

    /// One Hummingbird application per storefront. `port(i)` is the port of the i-th (0 picks a free one);
    /// `onRunning` hears each storefront's endpoint once it listens.
    public func services(
        host: String, port: @escaping @Sendable (Int) -> Int, logger: Logger,
        onRunning: @escaping @Sendable (Endpoint) async -> Void
    ) -> [any Service] {
        storefronts.enumerated().map { index, storefront in
            var log = logger
            log[metadataKey: "platform"] = .string(storefront.dialect.platformID)
            let requested = port(index)
            return Application(
                router: storefront.router(logger: log),
                configuration: .init(address: .hostname(host, port: requested), serverName: "prakerja-sim-\(storefront.dialect.platformID)"),
                onServerRunning: { channel in
                    let bound = channel.localAddress?.port ?? requested
                    await onRunning(Endpoint(platformID: storefront.dialect.platformID, baseURL: "http://\(host):\(bound)", credentials: storefront.credentials))
                },
                logger: log
            )
        }
    }
}
