import AsyncHTTPClient
import ArgumentParser
import Foundation
import Logging
import PrakerjaClient
import PrakerjaCore
import PrakerjaHTTP
import PrakerjaPlatforms
import PrakerjaSimulator
import PrakerjaSQLite

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the mock gateway on loopback.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "HTTP client for this process's own calls: lean (SwiftNIO HTTP/1 keep-alive for plain http://, AsyncHTTPClient for TLS) or async-http-client.")
    var httpClient: HTTPClientChoice = .lean
    @Option(
        help: """
            Requests each storefront works on at once (the gateway's partner and redeem APIs: 8 times as many); past it a request \
            is answered 503 with Retry-After at once (kind overloaded in a load report). 0: no bound.
            """
    )
    var maxInFlight = SimulationServices.defaultMaxInFlight
    @Option(help: "Log level: trace, debug, info (one line per request), notice, warning, error.") var logLevel: Logger.Level = .info
    @Option(help: "Port of the first storefront; the seven listen on consecutive ports (0 picks free ones).") var storefrontPort = 8081
    @Option(
        help: """
            SQLite file for the storefronts' accounts and orders (created if missing), or a PostgreSQL URL (may be --db's database). \
            Default: named after --db (prakerja-sim.sqlite → prakerja-sim-storefronts.sqlite), or --db's PostgreSQL database.
            """
    )
    var storefrontDB: String?
    @Option(help: "Storefronts pay through this gateway URL instead of the built-in one.") var storefrontGateway: String?
    @OptionGroup var gateway: GatewayOptions

    @Option(name: .customLong("webhook"), help: "PLATFORM=URL: send that platform's webhooks to URL (repeatable; also PUT /sim/webhooks/{platform}).")
    var webhooks: [String] = []
    @Option(help: "HOST:PORT of an SMTP server (Mailpit, MailHog, a relay): voucher e-mails go there too, e-mail faults included.")
    var smtp: String?
    @Option(help: "Sender address of the e-mails sent over SMTP.") var smtpFrom = "voucher@prakerja-sim.local"

    /// `--storefront-db`, or its default beside `--db`.
    var storefrontPath: String {
        if let storefrontDB { return storefrontDB }
        if gateway.db.hasPrefix("postgres://") || gateway.db.hasPrefix("postgresql://") { return gateway.db }
        let db = gateway.db
        return db.hasSuffix(".sqlite") ? String(db.dropLast(".sqlite".count)) + "-storefronts.sqlite" : db + "-storefronts"
    }

    func validate() throws {
        guard maxInFlight >= 0 else { throw ValidationError("--max-in-flight must be 0 (no bound) or a positive number of requests") }
        do { _ = try StoreLocation(storefrontPath, poolSize: gateway.dbPool) } catch let error as ValidationError {
            throw ValidationError("--storefront-db: \(error.message.replacingOccurrences(of: "--db: ", with: ""))")
        }
        if let smtp, SMTPMailer(address: smtp) == nil { throw ValidationError("--smtp takes HOST:PORT, not '\(smtp)'") }
        guard SMTPMailer.isPlainAddress(smtpFrom) else { throw ValidationError("--smtp-from takes an address such as voucher@example.test, not '\(smtpFrom)'") }
        for pair in webhooks {
            guard let eq = pair.firstIndex(of: "="), !pair[..<eq].isEmpty else { throw ValidationError("--webhook takes PLATFORM=URL, not '\(pair)'") }
            do { try WebhookEndpoint.validate(String(pair[pair.index(after: eq)...])) } catch { throw ValidationError("--webhook \(pair): \(error.message)") }
        }
    }

    func run() async throws {
        let logger = makeLogger(label: "prakerja-sim", level: logLevel)
        let catalog = try gateway.loadCatalog()
        let location = try gateway.storeLocation
        let storefrontLocation = try StoreLocation(storefrontPath, poolSize: gateway.dbPool)
        // The storefronts' accounts are bound to this gateway's cards: a storefront file made with another gateway
        // database is refused (a fresh gateway hands the same seeded cards out again).
        let pairsWithGateway = storefrontGateway == nil
        let services = SimulationServices(
            host: host, gatewayPort: port, storefrontPort: storefrontPort, externalGateway: storefrontGateway, signals: [.sigterm, .sigint],
            logger: logger, maxInFlight: maxInFlight > 0 ? maxInFlight : nil
        )
        let configuration = {
            var configuration = gateway.configuration
            configuration.deliveryParallelism = 16
            return configuration
        }()
        let (db, webhooks) = (location.display, webhooks)
        let mailer: SMTPMailer? = {
            var mailer = smtp.flatMap(SMTPMailer.init(address:))
            mailer?.from = smtpFrom
            return mailer
        }()
        do {
            try await location.with(durability: gateway.durability, logger: logger) { store in
            try await storefrontLocation.withStorefronts(logger: logger) { storefronts in
            if pairsWithGateway, let gatewayStore = store as? SQLiteStore, let storefrontStore = storefronts as? SQLiteStorefrontStore,
                case .sqlite(let path) = storefrontLocation
            {
                do {
                    try await storefrontStore.pair(gatewayInstance: try await gatewayStore.instanceID(), storePath: path)
                } catch let mismatch as StorefrontPairingMismatch {
                    FileHandle.standardError.write(Data("prakerja-sim serve: \(mismatch)\n".utf8))
                    throw ExitCode(2)
                }
            }
            try await withHTTPClient(httpClient) { http in
                let sim = Gateway(
                    catalog: catalog, store: store, clock: VirtualClock(base: SystemTimeSource()), configuration: configuration,
                    webhookTransport: HTTPWebhookTransport(http: http), mailer: mailer
                )
                try await sim.start()
                for pair in webhooks {
                    let eq = pair.firstIndex(of: "=")!
                    do {
                        _ = try await sim.setWebhookEndpoint(platformID: String(pair[..<eq]), url: String(pair[pair.index(after: eq)...]))
                    } catch let error as GatewayError {
                        throw ValidationError("--webhook \(pair): \(error.message) Platforms: \(catalog.platforms.map(\.id).joined(separator: ", ")).")
                    }
                }
                try await serve(services, gateway: sim, storefronts: storefronts, http: http, db: db, mailer: mailer)
            }
            }
            }
        } catch let refused as FileOwnership.Refused {
            FileHandle.standardError.write(Data("prakerja-sim serve: \(refused)\n".utf8))
            throw ExitCode(2)
        } catch let failure as ListenFailure {
            FileHandle.standardError.write(Data("prakerja-sim serve: \(failure)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func serve(
        _ services: SimulationServices, gateway sim: Gateway, storefronts: any StorefrontStore, http: any HTTPTransport, db: String, mailer: SMTPMailer?
    ) async throws {
        let schedule = sim.configuration.retrySchedule
        let endpoints = try await sim.store.webhookEndpoints()
        do {
            try await services.run(gateway: sim, storefrontStore: storefronts, http: http, stopAfterReady: false) { running in
                let base = running.gatewayURL
                var text = """
                    prakerja-sim gateway listening on \(base)  (rules \(sim.rules.name.rawValue), db \(db), business time \(Timestamps.iso8601(sim.clock.now())))
                      console    \(base)/console
                      catalog    \(base)/catalog
                      partner    \(base)/partner/v1/charges
                      redeem     \(base)/api/v1/integration/payment/redeem-code/{status,commit}
                      simulation \(base)/sim/
                      openapi    \(base)/openapi.yaml
                      e-mail     \(mailer.map { "voucher e-mails also go to \($0.name) from \($0.from)" } ?? "in the simulator's mailbox only (--smtp HOST:PORT sends them to a mail server too)")
                      webhooks   Standard Webhooks, retried after \(schedule); secrets at \(base)/sim/credentials\(endpoints.isEmpty ? "; none configured (--webhook PLATFORM=URL)" : "")
                    \(endpoints.map { "  \($0.platformID) → \($0.url)\($0.enabled ? "" : " (disabled)")\n" }.joined())storefronts (paying through \(running.storefrontGatewayURL); dialects in partners/<platform>/)

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
    let wallClock = SystemTimeSource()
    flushLogsAtExit
    var logger = Logger(label: label) { BufferedLogHandler(label: $0, now: { wallClock.now() }) }
    logger.logLevel = level
    return logger
}

/// Registered once: what the request log still holds is written when the process exits.
private let flushLogsAtExit: Void = {
    atexit { BufferedLogHandler.standardOutput.flush() }
}()
