import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import PrakerjaClient
import PrakerjaCore
import PrakerjaHTTP
import PrakerjaPlatforms
import PrakerjaServer
import ServiceLifecycle
import UnixSignals

/// The gateway and the storefronts as running services: the gateway first (its port decides the
/// storefronts' gateway URL, unless they pay through an external one), then the storefronts.
///
/// The one start-up wiring of the simulator: `serve`, `demo` and the tests all run through it.
public struct SimulationServices: Sendable {
    public var host: String
    public var gatewayPort: Int
    /// Port of the first storefront; the others follow in registry order. 0 picks free ports.
    public var storefrontPort: Int
    /// Storefronts pay through this gateway instead of the built-in one.
    public var externalGateway: String?
    /// Only these platforms' storefronts (all when nil).
    public var platforms: [String]?
    /// Real time, for signature windows and tokens.
    public var wallClock: any TimeSource
    /// Bounds each storefront → gateway call; keep it below the adapters' timeout so a dead gateway is
    /// reported as such rather than as a dead platform.
    public var storefrontGatewayTimeout: TimeAmount
    public var signals: [UnixSignal]
    public var logger: Logger
    /// Runs a ``DeliveryWorker`` beside the gateway (business time flowing with real time).
    public var deliverInBackground: Bool
    /// Requests each storefront works on at once (the gateway's partner and redeem APIs: 8 times as many);
    /// past it a request is answered `503` with `Retry-After` at once (`overloaded`). Nil: no bound.
    public var maxInFlight: Int?

    public init(
        host: String = "127.0.0.1", gatewayPort: Int = 0, storefrontPort: Int = 0, externalGateway: String? = nil, platforms: [String]? = nil,
        wallClock: any TimeSource = SystemTimeSource(), storefrontGatewayTimeout: TimeAmount = .seconds(10), signals: [UnixSignal] = [],
        logger: Logger, deliverInBackground: Bool = true, maxInFlight: Int? = SimulationServices.defaultMaxInFlight
    ) {
        self.deliverInBackground = deliverInBackground
        self.maxInFlight = maxInFlight
        self.host = host
        self.gatewayPort = gatewayPort
        self.storefrontPort = storefrontPort
        self.externalGateway = externalGateway
        self.platforms = platforms
        self.wallClock = wallClock
        self.storefrontGatewayTimeout = storefrontGatewayTimeout
        self.signals = signals
        self.logger = logger
    }

    /// The default bound on requests in flight per storefront.
    public static let defaultMaxInFlight = 128
    /// The gateway's bound, as a multiple of a storefront's: one more than the seven storefronts together.
    public static let gatewayRoomPerStorefrontRoom = 8

    /// Where everything listens, once it does.
    public struct Running: Sendable {
        public var gatewayURL: String
        public var storefrontGatewayURL: String
        /// In registry order.
        public var storefronts: [StorefrontHost.Endpoint]
        /// The gateway's bound on requests in flight (its partner and redeem APIs), if it has one.
        public var gatewayAdmission: Admission?
        /// Each storefront's bound, by platform id.
        public var storefrontAdmissions: [String: Admission] = [:]

        public func storefront(_ platformID: String) -> StorefrontHost.Endpoint? { storefronts.first { $0.platformID == platformID } }
    }

    /// Starts everything, calls `ready` once all listen, then runs until the services stop — or, with
    /// `stopAfterReady`, shuts them down when `ready` returns. A port that cannot be listened on ends the
    /// run with a ``ListenFailure`` naming it.
    public func run(
        gateway: Gateway, storefrontStore: any StorefrontStore, http: any HTTPTransport, stopAfterReady: Bool,
        ready: @Sendable @escaping (Running) async throws -> Void
    ) async throws {
        let (host, logger) = (host, logger)
        let gatewayPorts = AsyncStream.makeStream(of: Int.self)
        let listing = StorefrontListing()
        // The storefronts are the front door: the gateway's bound sits above what all of them may send it at
        // once, so past capacity purchases are refused at their first step at a storefront, not mid-payment at
        // the gateway (which still refuses a direct partner client past it).
        let gatewayAdmission = maxInFlight.map { Admission(limit: $0 * Self.gatewayRoomPerStorefrontRoom) }
        let app = buildApplication(
            gateway: gateway, host: host, port: gatewayPort, wallClock: wallClock, logger: logger, storefronts: listing, admission: gatewayAdmission
        ) { port in
            gatewayPorts.continuation.yield(port)
            gatewayPorts.continuation.finish()
        }
        // Signals stop the storefronts first; the gateway stops after them, so no storefront call to the
        // gateway is cut off by the shutdown itself.
        var gatewayServices: [any Service] = [app]
        if deliverInBackground { gatewayServices.append(DeliveryWorker(gateway: gateway, waitClock: ContinuousClock(), logger: logger)) }
        let gatewayGroup = ServiceGroup(services: gatewayServices, gracefulShutdownSignals: [], logger: logger)
        let requestedGatewayPort = gatewayPort
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { gatewayPorts.continuation.finish() }
                do { try await gatewayGroup.run() } catch { throw ListenFailure(error, service: "gateway", host: host, port: requestedGatewayPort) ?? error }
            }
            var ports = gatewayPorts.stream.makeAsyncIterator()
            guard let port = await ports.next() else {
                try await tasks.waitForAll()  // the gateway's failure, if it failed
                throw CancellationError()
            }
            let gatewayURL = "http://\(host):\(port)"
            let storefrontHost = StorefrontHost(
                catalog: gateway.catalog, gatewayURL: externalGateway ?? gatewayURL, http: http, store: storefrontStore, wallClock: wallClock,
                gatewayTimeout: storefrontGatewayTimeout, only: platforms, webhooksFromGateway: externalGateway == nil, maxInFlight: maxInFlight
            )
            let expected = storefrontHost.storefronts.count
            let storefrontAdmissions = Dictionary(
                uniqueKeysWithValues: storefrontHost.storefronts.compactMap { storefront in storefront.engine.admission.map { (storefront.dialect.platformID, $0) } }
            )
            let endpoints = AsyncStream.makeStream(of: StorefrontHost.Endpoint.self)
            let base = storefrontPort
            let storefrontGroup = ServiceGroup(
                services: storefrontHost.services(host: host, port: { base == 0 ? 0 : base + $0 }, logger: logger) {
                    endpoints.continuation.yield($0)
                },
                gracefulShutdownSignals: signals, logger: logger
            )
            tasks.addTask {
                defer { endpoints.continuation.finish() }
                do {
                    try await storefrontGroup.run()
                } catch {
                    await gatewayGroup.triggerGracefulShutdown()
                    let ports = base == 0 ? "free ports" : "ports \(base)-\(base + expected - 1)"
                    throw ListenFailure(error, service: "storefronts (\(ports))", host: host, port: 0) ?? error
                }
            }
            var running = Running(
                gatewayURL: gatewayURL, storefrontGatewayURL: externalGateway ?? gatewayURL, storefronts: [], gatewayAdmission: gatewayAdmission,
                storefrontAdmissions: storefrontAdmissions
            )
            for await endpoint in endpoints.stream {
                running.storefronts.append(endpoint)
                if running.storefronts.count == expected { break }
            }
            guard running.storefronts.count == expected else {
                try await tasks.waitForAll()  // a storefront's failure
                throw CancellationError()
            }
            let order = PlatformRegistry.platformIDs
            running.storefronts.sort { (order.firstIndex(of: $0.platformID) ?? 0) < (order.firstIndex(of: $1.platformID) ?? 0) }
            if externalGateway == nil {
                try await subscribe(running.storefronts, to: gateway)
                let entries = running.storefronts.map {
                    StorefrontListing.Entry(platformId: $0.platformID, baseUrl: $0.baseURL, clientId: $0.credentials.clientID, clientSecret: $0.credentials.clientSecret)
                }
                listing.set(entries)
                listing.set(stateSetup: StorefrontPactStates(gateway: gateway, http: http, storefronts: entries, wallClock: wallClock))
            }
            do {
                try await ready(running)
            } catch {
                await storefrontGroup.triggerGracefulShutdown()
                await gatewayGroup.triggerGracefulShutdown()
                throw error
            }
            if stopAfterReady { await storefrontGroup.triggerGracefulShutdown() }
            // Whichever ends first (the storefronts on a signal, or either failing) ends the rest, storefronts
            // before the gateway; the first failure is what the run throws.
            var failure: (any Error)?
            do { try await tasks.next() } catch { failure = error }
            await storefrontGroup.triggerGracefulShutdown()
            await gatewayGroup.triggerGracefulShutdown()
            while true {
                do {
                    guard try await tasks.next() != nil else { break }
                } catch {
                    failure = failure ?? error
                }
            }
            if let failure { throw failure }
        }
    }

    /// Points the gateway's webhooks for the webhook-delivery platforms at their built-in storefronts —
    /// unless the platform's endpoint was set to somewhere else (`--webhook`, `PUT /sim/webhooks`), which
    /// wins. An endpoint left by an earlier run's built-in storefront (on another port) is replaced.
    private func subscribe(_ storefronts: [StorefrontHost.Endpoint], to gateway: Gateway) async throws {
        let existing = try await gateway.store.webhookEndpoints()
        for endpoint in storefronts where PlatformRegistry.dialect(endpoint.platformID)?.delivery == .webhook {
            let current = existing.first { $0.platformID == endpoint.platformID }
            guard current == nil || current!.url.hasSuffix(Storefront.webhookPath) else { continue }
            _ = try await gateway.setWebhookEndpoint(platformID: endpoint.platformID, url: endpoint.baseURL + Storefront.webhookPath)
        }
    }
}
