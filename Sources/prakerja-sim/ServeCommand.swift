import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PrakerjaCore
import PrakerjaServer
import PrakerjaSQLite
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the mock gateway on loopback.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "Log level: trace, debug, info (one line per request), notice, warning, error.") var logLevel: Logger.Level = .info
    @OptionGroup var gateway: GatewayOptions

    func run() async throws {
        let logger = makeLogger(label: "prakerja-sim", level: logLevel)
        let catalog = try gateway.loadCatalog()
        let store = try SQLiteStore(path: gateway.db, durability: gateway.durability)
        let sim = Gateway(catalog: catalog, store: store, clock: VirtualClock(base: SystemTimeSource()), configuration: gateway.configuration)
        try await sim.start()
        let host = host
        let app = buildApplication(gateway: sim, host: host, port: port, wallClock: SystemTimeSource(), logger: logger) { port in
            let base = "http://\(host):\(port)"
            FileHandle.standardOutput.write(Data((
                """
                prakerja-sim gateway listening on \(base)  (rules \(sim.rules.name.rawValue), db \(gateway.db), business time \(Timestamps.iso8601(sim.clock.now())))
                  catalog    \(base)/catalog
                  partner    \(base)/partner/v1/charges
                  redeem     \(base)/api/v1/integration/payment/redeem-code/{status,commit}
                  simulation \(base)/sim/
                  openapi    \(base)/openapi.yaml

                """
            ).utf8))
        }
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

func makeLogger(label: String, level: Logger.Level) -> Logger {
    var logger = Logger(label: label) { StreamLogHandler.standardOutput(label: $0) }
    logger.logLevel = level
    return logger
}
