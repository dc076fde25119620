import ArgumentParser
import Foundation
import PrakerjaCore
import PrakerjaSimulator

/// `prakerja-sim replay`: runs a recorded trace's scenario again and proves the timeline identical.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Re-run a trace written by `reproduce --trace` and compare: identical, or the first divergence (exit 1)."
    )

    @Argument(help: "The trace file.") var file: String
    @Option(help: "Run with other retry delays than the trace's (to see what a change does).") var retrySchedule: String?
    @Option(help: "Catalog directory (default: ./mocks).") var mocks: String?

    func run() async throws {
        let recorded: Trace
        do {
            recorded = try JSONDecoder().decode(Trace.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw ValidationError("\(file) is not a trace written by `prakerja-sim reproduce --trace`: \(error)")
        }
        guard let schedule = RetrySchedule(parsing: retrySchedule ?? recorded.retrySchedule) else {
            throw ValidationError("the retry schedule \(retrySchedule ?? recorded.retrySchedule) is not delays such as 15m,45m,2h")
        }
        let catalog = try CatalogLocator.load(mocks)
        let scenarios = try Scenario.loadAll(from: CatalogLocator.directory(mocks).appendingPathComponent("scenarios"))
        guard let scenario = scenarios.first(where: { $0.name == recorded.scenario }) else { throw ValidationError("no scenario \(recorded.scenario)") }
        let again = try await withHTTPClient { http in
            try await ScenarioRunner(catalog: catalog, http: http, logger: makeLogger(label: "prakerja-sim", level: .critical))
                .run(scenario, platform: recorded.platform, seed: recorded.seed, schedule: schedule)
        }
        if let divergence = recorded.firstDivergence(from: again) {
            print("replay of \(recorded.scenario) on \(recorded.platform) (seed \(recorded.seed)) DIVERGES\n  \(divergence)")
            throw ExitCode(1)
        }
        print("replay of \(recorded.scenario) on \(recorded.platform) (seed \(recorded.seed)): identical, \(again.steps.count) steps, \(again.timeline.count) timeline entries")
    }
}
