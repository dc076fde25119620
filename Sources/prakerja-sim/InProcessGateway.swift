import Foundation
import Hummingbird
import Logging
import PrakerjaCore
import PrakerjaServer
import PrakerjaSQLite
import ServiceLifecycle

/// Runs a gateway on a free loopback port with a throwaway database for the duration of `body`.
enum InProcessGateway {
    static func with<T: Sendable>(options: GatewayOptions, _ body: @Sendable @escaping (String) async throws -> T) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prakerja-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("demo.sqlite").path)
        let gateway = Gateway(
            catalog: try options.loadCatalog(), store: store, clock: VirtualClock(base: SystemTimeSource()), configuration: options.configuration
        )
        try await gateway.start()
        let logger = makeLogger(label: "prakerja-sim", level: .warning)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(gateway: gateway, host: "127.0.0.1", port: 0, wallClock: SystemTimeSource(), logger: logger) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let result = try await body("http://127.0.0.1:\(port)")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }
}
