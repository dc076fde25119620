import ArgumentParser
import Foundation
import PrakerjaCore
import PrakerjaSQLite

/// Options shared by the commands that run a gateway.
struct GatewayOptions: ParsableArguments {
    @Option(help: "SQLite database file (created if missing).")
    var db: String = "prakerja-sim.sqlite"

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

    func validate() throws {
        guard (0...1_000_000).contains(participants) else { throw ValidationError("--participants must be between 0 and 1000000") }
    }

    var configuration: Gateway.Configuration {
        Gateway.Configuration(rules: .named(rules), seed: seed, participants: participants)
    }

    func loadCatalog() throws -> Catalog {
        try CatalogLocator.load(mocks)
    }
}

extension RulesProfile.Name: ExpressibleByArgument {}
extension SQLiteStore.Durability: ExpressibleByArgument {}

enum CatalogLocator {
    /// The catalog directory: the given path, `$PRAKERJA_MOCKS`, `./mocks`, or `mocks/` above the executable.
    static func directory(_ given: String?) -> URL {
        if let given { return URL(fileURLWithPath: given) }
        if let env = ProcessInfo.processInfo.environment["PRAKERJA_MOCKS"] { return URL(fileURLWithPath: env) }
        let fm = FileManager.default
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("mocks")
        if fm.fileExists(atPath: cwd.appendingPathComponent(CatalogLoader.fileNames.courses).path) { return cwd }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("mocks")
            if fm.fileExists(atPath: candidate.appendingPathComponent(CatalogLoader.fileNames.courses).path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return cwd
    }

    static func load(_ given: String?) throws -> Catalog {
        do {
            return try CatalogLoader.load(directory: directory(given))
        } catch let failure as CatalogLoadFailure {
            throw ValidationError("the catalog has errors:\n\(failure)")
        }
    }
}
