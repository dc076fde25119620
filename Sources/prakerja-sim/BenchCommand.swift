import ArgumentParser
import AsyncHTTPClient
import Foundation
import Histogram
import PrakerjaClient
import PrakerjaCore
import Synchronization

/// Closed-loop throughput of full payment flows (create charge → read OTP → confirm) against a gateway,
/// with HdrHistogram latency per step and the money audit at the end.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure create-charge + confirm throughput against a running gateway."
    )

    @Option(help: "Base URL of the gateway.") var gateway: String
    @Option(help: "Purchase flows to run (one fresh participant each).") var flows = 2000
    @Option(help: "Flows in flight at once.") var concurrency = 32
    @Option(help: "Platform id to buy on.") var platform = "tokopedia"
    @Flag(help: "Print the result as JSON.") var json = false
    @Option(help: "HTTP client for this process's own calls: lean (SwiftNIO HTTP/1 keep-alive for plain http://, AsyncHTTPClient for TLS) or async-http-client.")
    var httpClient: HTTPClientChoice = .lean

    struct Result: Codable {
        var flows: Int
        var errors: Int
        var seconds: Double
        var flowsPerSecond: Double
        var requestsPerSecond: Double
        var latencyMicros: [String: [String: UInt64]]
        var auditOK: Bool
        var auditProblems: [String]
    }

    func run() async throws {
        let (flows, concurrency, platform) = (flows, concurrency, platform)
        try await withHTTPClient(httpClient) { http in
            let client = GatewayClient(http: http, baseURL: gateway)
            let script = try await PurchaseScript.load(client: client)
            let courses: GatewayAPI.Page<GatewayAPI.Course> = try await client.get("/catalog/courses?platform=\(platform)&type=self_paced&limit=500").decode()
            guard let course = courses.items.min(by: { $0.price < $1.price }) else { throw ValidationError("no course on \(platform)") }

            // Set-up (not timed): one fresh participant per flow, since each may hold one training at a time.
            var people: [GatewayAPI.Participant] = []
            try await withThrowingTaskGroup(of: [GatewayAPI.Participant].self) { group in
                for w in 0..<concurrency {
                    group.addTask {
                        var mine: [GatewayAPI.Participant] = []
                        for _ in stride(from: w, to: flows, by: concurrency) { mine.append(try await script.newParticipant()) }
                        return mine
                    }
                }
                for try await batch in group { people += batch }
            }

            let stats = BenchStats()
            let runID = UUID().uuidString.prefix(8)
            let started = ContinuousClock.now
            let everyone = people
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<concurrency {
                    group.addTask { () async throws -> Void in
                        for i in stride(from: w, to: everyone.count, by: concurrency) {
                            let flowStart = ContinuousClock.now
                            do {
                                _ = try await script.buy(
                                    participant: everyone[i], courseID: course.id, platformID: platform, orderID: "bench-\(runID)-\(i)"
                                ) { step, _, _, elapsed in
                                    stats.record(step.rawValue, elapsed)
                                }
                                stats.record("flow", ContinuousClock.now - flowStart)
                            } catch {
                                stats.fail(error)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - started
            let seconds = elapsed.seconds
            let audit: AuditReport = try JSONDecoder().decode(AuditReport.self, from: Data(try await client.get("/sim/audit").body))
            let done = flows - stats.errors.load(ordering: .relaxed)
            let latency = stats.histograms.withLock { h in
                h.mapValues { ["p50": $0.valueAtPercentile(50), "p90": $0.valueAtPercentile(90), "p99": $0.valueAtPercentile(99), "max": $0.max] }
            }
            let result = Result(
                flows: done, errors: stats.errors.load(ordering: .relaxed), seconds: seconds, flowsPerSecond: Double(done) / seconds,
                requestsPerSecond: Double(done * 3) / seconds, latencyMicros: latency, auditOK: audit.ok, auditProblems: audit.problems
            )
            if json {
                let encoder = JSONEncoder()
                encoder.keyEncodingStrategy = .convertToSnakeCase
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                print(String(format: "flows %d  errors %d  %.2f s  %.0f flows/s  %.0f req/s (create+otp+confirm)", done, result.errors, seconds, result.flowsPerSecond, result.requestsPerSecond))
                for (name, p) in latency.sorted(by: { $0.key < $1.key }) {
                    print("  \(name.padding(toLength: 14, withPad: " ", startingAt: 0)) p50 \(p["p50"]!) µs  p90 \(p["p90"]!) µs  p99 \(p["p99"]!) µs  max \(p["max"]!) µs")
                }
                print("audit: \(audit.ok ? "ok" : "PROBLEMS") — \(audit.paidCharges) paid charges, \(audit.vouchers) vouchers, Rp \(audit.totalDebited) debited")
            }
            if let e = stats.firstError.withLock({ $0 }) { print("first error: \(e)") }
            if !audit.ok || result.errors > 0 { throw ExitCode(1) }
        }
    }

    static func histogram() -> Histogram<UInt64> { Histogram(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three) }
    static func micros(_ d: Duration) -> UInt64 {
        UInt64(max(0, d.microseconds))
    }
}
