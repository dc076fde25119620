import ArgumentParser
import Foundation
import Logging
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaSimulator
import PrakerjaSQLite

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the mock gateway on loopback.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "Log level: trace, debug, info (one line per request), notice, warning, error.") var logLevel: Logger.Level = .info
    @Option(help: "Port of the first storefront; the seven listen on consecutive ports (0 picks free ones).") var storefrontPort = 8081
    @Option(help: "SQLite file for the storefronts' accounts and orders (created if missing).") var storefrontDB = "prakerja-storefronts.sqlite"
    @Option(help: "Storefronts pay through this gateway URL instead of the built-in one.") var storefrontGateway: String?
    @OptionGroup var gateway: GatewayOptions

    func run() async throws {
        let logger = makeLogger(label: "prakerja-sim", level: logLevel)
        let catalog = try gateway.loadCatalog()
        let store = try SQLiteStore(path: gateway.db, durability: gateway.durability)
        let sim = Gateway(catalog: catalog, store: store, clock: VirtualClock(base: SystemTimeSource()), configuration: gateway.configuration)
        try await sim.start()
        let host = host
        let db = gateway.db
        let services = SimulationServices(
            host: host, gatewayPort: port, storefrontPort: storefrontPort, externalGateway: storefrontGateway, signals: [.sigterm, .sigint],
            logger: logger
        )
        let storefronts = try SQLiteStorefrontStore(path: storefrontDB)
        do {
            try await serve(services, gateway: sim, storefronts: storefronts, db: db)
        } catch let failure as ListenFailure {
            FileHandle.standardError.write(Data("prakerja-sim serve: \(failure)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func serve(_ services: SimulationServices, gateway sim: Gateway, storefronts: any StorefrontStore, db: String) async throws {
        try await withHTTPClient { http in
            try await services.run(gateway: sim, storefrontStore: storefronts, http: http, stopAfterReady: false) { running in
                let base = running.gatewayURL
                var text = """
                    prakerja-sim gateway listening on \(base)  (rules \(sim.rules.name.rawValue), db \(db), business time \(Timestamps.iso8601(sim.clock.now())))
                      catalog    \(base)/catalog
                      partner    \(base)/partner/v1/charges
                      redeem     \(base)/api/v1/integration/payment/redeem-code/{status,commit}
                      simulation \(base)/sim/
                      openapi    \(base)/openapi.yaml
                    storefronts (paying through \(running.storefrontGatewayURL); dialects in partners/<platform>/)

                    """
                for endpoint in running.storefronts {
                    let name = endpoint.platformID.padding(toLength: 14, withPad: " ", startingAt: 0)
                    text += "  \(name) \(endpoint.baseURL)  client_id \(endpoint.credentials.clientID)  client_secret \(endpoint.credentials.clientSecret)\n"
                }
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

func makeLogger(label: String, level: Logger.Level) -> Logger {
    var logger = Logger(label: label) { StreamLogHandler.standardOutput(label: $0) }
    logger.logLevel = level
    return logger
}
