import ArgumentParser
import Foundation
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaSimulator

/// `prakerja-sim reproduce`: runs a failure from the catalogue and prints its timeline.
struct ReproduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Reproduce a voucher-delivery failure from mocks/scenarios/ and print its timeline.",
        discussion: "Runs in process: a fresh gateway in frozen business time and the platform's storefront, driven through its adapter."
    )

    @Argument(help: "Scenario name (see --list).") var scenario: String?
    @Flag(help: "List the scenarios with the complaint each reproduces.") var list = false
    @Option(help: "Seed of ids, OTPs, codes and probabilistic faults.") var seed: UInt64 = 21
    @Option(help: "Platform id, or all.") var platform = "tokopedia"
    @Option(help: "Delays between delivery attempts (business time).") var retrySchedule: String = RetrySchedule.xendit.description
    @Option(help: "Write the trace as JSON to this file (for `prakerja-sim replay`).") var trace: String?
    @Flag(help: "Print the trace as JSON instead of the readable timeline.") var json = false
    @Option(help: "Catalog directory (default: ./mocks).") var mocks: String?

    func validate() throws {
        if !list && scenario == nil { throw ValidationError("name a scenario, or --list") }
        if platform != "all" && !PlatformRegistry.platformIDs.contains(platform) {
            throw ValidationError("--platform must be all or one of \(PlatformRegistry.platformIDs.joined(separator: ", "))")
        }
        if trace != nil && platform == "all" { throw ValidationError("--trace records one platform's run: name one with --platform") }
        guard RetrySchedule(parsing: retrySchedule) != nil else { throw ValidationError("--retry-schedule must be delays such as 15m,45m,2h") }
    }

    func run() async throws {
        let catalog = try CatalogLocator.load(mocks)
        let scenarios = try Scenario.loadAll(from: CatalogLocator.directory(mocks).appendingPathComponent("scenarios"))
        if list {
            for s in scenarios {
                print("\(s.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(s.failure)\n\(String(repeating: " ", count: 29))\"\(s.complaint.id)\" — \(s.complaint.en)")
            }
            return
        }
        guard let chosen = scenarios.first(where: { $0.name == scenario }) else {
            throw ValidationError("no scenario \(scenario ?? ""); known: \(scenarios.map(\.name).joined(separator: ", "))")
        }
        let platforms = platform == "all" ? PlatformRegistry.platformIDs : [platform]
        let schedule = RetrySchedule(parsing: retrySchedule) ?? .xendit
        var failed = false
        try await withHTTPClient { http in
            let runner = ScenarioRunner(catalog: catalog, http: http, logger: makeLogger(label: "prakerja-sim", level: .critical))
            for id in platforms {
                let result = try await runner.run(chosen, platform: id, seed: seed, schedule: schedule)
                failed = failed || !result.unmet.isEmpty
                if json {
                    FileHandle.standardOutput.write(Data(result.json + [10]))
                } else {
                    print("\"\(chosen.complaint.id)\" — \(chosen.complaint.en)\nrecovery: \(chosen.recovery)\n\(result.text)\n")
                }
                if let trace { try Data(result.json).write(to: URL(fileURLWithPath: trace)) }
            }
        }
        if failed { throw ExitCode(1) }
    }
}
