import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaServer
import PrakerjaSQLite
import ServiceLifecycle
import UnixSignals

/// The gateway and the seven storefronts as running services: the gateway first (its port decides the
/// storefronts' gateway URL, unless they pay through an external one), then the storefronts.
struct SimulationServices {
    var host: String
    var gatewayPort: Int
    /// Port of the first storefront; the others follow in registry order. 0 picks free ports.
    var storefrontPort: Int
    /// Storefronts pay through this gateway instead of the built-in one.
    var externalGateway: String?
    var platforms: [String]?
    var signals: [UnixSignal]
    var logger: Logger

    struct Running: Sendable {
        var gatewayURL: String
        var storefrontGatewayURL: String
        var storefronts: [StorefrontHost.Endpoint]
    }

    /// Starts everything, calls `ready` once all listen, then runs until the services stop — or, with
    /// `stopAfterReady`, shuts them down when `ready` returns.
    func run(
        gateway: Gateway, catalog: Catalog, storefrontStore: any StorefrontStore, http: HTTPClient, stopAfterReady: Bool,
        ready: @Sendable @escaping (Running) async throws -> Void
    ) async throws {
        let gatewayPorts = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(gateway: gateway, host: host, port: gatewayPort, wallClock: SystemTimeSource(), logger: logger) { port in
            gatewayPorts.continuation.yield(port)
            gatewayPorts.continuation.finish()
        }
        let gatewayGroup = ServiceGroup(services: [app], gracefulShutdownSignals: signals, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await gatewayGroup.run() }
            var ports = gatewayPorts.stream.makeAsyncIterator()
            guard let port = await ports.next() else { throw CancellationError() }
            let gatewayURL = "http://\(host):\(port)"
            let storefrontHost = StorefrontHost(
                catalog: catalog, gatewayURL: externalGateway ?? gatewayURL, http: http, store: storefrontStore, wallClock: SystemTimeSource(), only: platforms
            )
            let expected = storefrontHost.storefronts.count
            let endpoints = AsyncStream.makeStream(of: StorefrontHost.Endpoint.self)
            let base = storefrontPort
            let storefrontGroup = ServiceGroup(
                services: storefrontHost.services(host: host, port: { base == 0 ? 0 : base + $0 }, logger: logger) { endpoints.continuation.yield($0) },
                gracefulShutdownSignals: signals, logger: logger
            )
            tasks.addTask { try await storefrontGroup.run() }
            var running = Running(gatewayURL: gatewayURL, storefrontGatewayURL: externalGateway ?? gatewayURL, storefronts: [])
            for await endpoint in endpoints.stream {
                running.storefronts.append(endpoint)
                if running.storefronts.count == expected { break }
            }
            let order = PlatformRegistry.platformIDs
            running.storefronts.sort { (order.firstIndex(of: $0.platformID) ?? 0) < (order.firstIndex(of: $1.platformID) ?? 0) }
            do {
                try await ready(running)
            } catch {
                await storefrontGroup.triggerGracefulShutdown()
                await gatewayGroup.triggerGracefulShutdown()
                throw error
            }
            if stopAfterReady {
                await storefrontGroup.triggerGracefulShutdown()
                await gatewayGroup.triggerGracefulShutdown()
            }
            try await tasks.waitForAll()
        }
    }
}

/// A throwaway gateway and storefronts on free loopback ports for the duration of `body`.
enum InProcessGateway {
    static func with(
        options: GatewayOptions, platforms: [String]? = nil, externalGateway: String? = nil, http: HTTPClient,
        _ body: @Sendable @escaping (SimulationServices.Running) async throws -> Void
    ) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prakerja-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let catalog = try options.loadCatalog()
        let store = try SQLiteStore(path: dir.appendingPathComponent("demo.sqlite").path)
        let gateway = Gateway(catalog: catalog, store: store, clock: VirtualClock(base: SystemTimeSource()), configuration: options.configuration)
        try await gateway.start()
        let services = SimulationServices(
            host: "127.0.0.1", gatewayPort: 0, storefrontPort: 0, externalGateway: externalGateway, platforms: platforms, signals: [],
            logger: makeLogger(label: "prakerja-sim", level: .warning)
        )
        try await services.run(
            gateway: gateway, catalog: catalog, storefrontStore: try SQLiteStorefrontStore(path: dir.appendingPathComponent("storefronts.sqlite").path),
            http: http, stopAfterReady: true, ready: body
        )
    }
}
