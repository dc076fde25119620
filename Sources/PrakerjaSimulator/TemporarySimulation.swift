import AsyncHTTPClient
import Foundation
import Logging
import PrakerjaClient
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaSQLite

/// A throwaway gateway and storefronts on free loopback ports, on SQLite files in a temporary directory
/// that is removed afterwards, for the duration of `body`.
public enum TemporarySimulation {
    public static func with(
        catalog: Catalog, configuration: Gateway.Configuration, platforms: [String]? = nil, externalGateway: String? = nil, http: any HTTPTransport,
        logger: Logger, _ body: @Sendable @escaping (SimulationServices.Running) async throws -> Void
    ) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prakerja-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("gateway.sqlite").path)
        let gateway = Gateway(
            catalog: catalog, store: store, clock: VirtualClock(base: SystemTimeSource()), configuration: configuration,
            webhookTransport: HTTPWebhookTransport(http: http)
        )
        try await gateway.start()
        let services = SimulationServices(externalGateway: externalGateway, platforms: platforms, logger: logger)
        try await services.run(
            gateway: gateway, storefrontStore: try SQLiteStorefrontStore(path: dir.appendingPathComponent("storefronts.sqlite").path), http: http,
            stopAfterReady: true, ready: body
        )
    }
}
