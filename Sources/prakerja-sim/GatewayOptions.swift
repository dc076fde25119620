import ArgumentParser
import Foundation
import PrakerjaCore
import PrakerjaSQLite

/// Options shared by the commands that run a gateway.
struct GatewayOptions: ParsableArguments {
    @Option(help: "SQLite database file (created if missing), or a PostgreSQL URL postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (password also from PGPASSWORD), which several gateway processes can share.")
    var db: String = "prakerja-sim.sqlite"

    @Option(help: "PostgreSQL connections per process (with a postgres:// --db).")
    var dbPool: Int = 20

    @Option(help: "Programme rules: 2021 (default) or 2023.")
    var rules: RulesProfile.Name = .y2021

    @Option(help: "Seed for the participant population, OTPs and codes.")
    var seed: UInt64 = 21

    @Option(help: "Participants to create when the database is empty.")
    var participants: Int = 1000

    @Option(help: "SQLite durability: normal (survives a killed process) or full (fsync per commit).")
    var durability: SQLiteStore.Durability = .normal

    @Option(help: "Catalog directory (default: ./mocks, or the one beside the executable's package).")
    var mocks: String?

    @Option(help: "Delays between delivery attempts, in business time (s, m, h, d), e.g. 15m,45m,2h,6h,12h,24h.")
    var retrySchedule: String = RetrySchedule.xendit.description

    @Option(help: "Injected failures with their probabilities, e.g. 'email.lost=0.02,webhook.5xx=0.1' (see the README's fault table).")
    var faults: String = ""

    @Option(help: "Seed of the fault pattern: the same seed and requests give the same failures.")
    var faultSeed: UInt64 = 1

    var storeLocation: StoreLocation { get throws { try StoreLocation(db, poolSize: dbPool) } }

    func validate() throws {
        _ = try storeLocation
        guard (0...1_000_000).contains(participants) else { throw ValidationError("--participants must be between 0 and 1000000") }
        do { _ = try FaultPlan(parsing: faults, seed: faultSeed) } catch { throw ValidationError("--faults: \(error.message)") }
        guard RetrySchedule(parsing: retrySchedule) != nil else {
            throw ValidationError("--retry-schedule must be delays such as 15m,45m,2h (units s, m, h, d), not '\(retrySchedule)'")
        }
    }

    var configuration: Gateway.Configuration {
        var configuration = Gateway.Configuration(rules: .named(rules), seed: seed, participants: participants)
        configuration.retrySchedule = RetrySchedule(parsing: retrySchedule) ?? .xendit
        configuration.faults = (try? FaultPlan(parsing: faults, seed: faultSeed)) ?? .none
        return configuration
    }

    func loadCatalog() throws -> Catalog {
        try CatalogLocator.load(mocks)
    }
}

extension RulesProfile.Name: ExpressibleByArgument {}
extension SQLiteStore.Durability: ExpressibleByArgument {}
