import Foundation

/// The report on disk and on the terminal.
public enum LoadOutput {
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()
    public static let decoder = JSONDecoder()

    public static func write(_ report: LoadReport, json: String?, html: String?) throws {
        if let json { try encoder.encode(report).write(to: URL(fileURLWithPath: json)) }
        if let html { try Data(HTMLReport.render(report).utf8).write(to: URL(fileURLWithPath: html)) }
    }

    /// Steps in flow order, then any other.
    static func ordered(_ names: some Sequence<String>) -> [String] {
        let order = PurchaseLoad.steps + URLLoad.steps
        return names.sorted { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
    }

    /// The final table: per step and per platform, count, throughput, corrected percentiles (and the
    /// uncorrected p99 beside them), errors by kind; then rates, drops, audit and thresholds.
    public static func table(_ r: LoadReport) -> String {
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        func ms(_ v: Double) -> String { v >= 100 ? String(format: "%.0f", v) : v >= 10 ? String(format: "%.1f", v) : String(format: "%.2f", v) }
        func rows(_ title: String, _ series: [String: LoadReport.Series], _ names: [String]) -> [String] {
            var lines = [pad(title, 22) + lpad("count", 9) + lpad("/s", 9) + lpad("p50", 9) + lpad("p90", 9) + lpad("p99", 9) + lpad("p99.9", 9) + lpad("max", 9)
                + lpad("p99 unc.", 10) + "  errors (ms; corrected from intended start)"]
            for name in names {
                let s = series[name]!
                let errors = s.errorsByKind.isEmpty ? "0" : s.errorsByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                lines.append(
                    pad("  " + name, 22) + lpad("\(s.count)", 9) + lpad(String(format: "%.1f", s.throughput), 9) + lpad(ms(s.latencyMs.p50), 9)
                        + lpad(ms(s.latencyMs.p90), 9) + lpad(ms(s.latencyMs.p99), 9) + lpad(ms(s.latencyMs.p999), 9) + lpad(ms(s.latencyMs.max), 9)
                        + lpad(ms(s.uncorrectedLatencyMs.p99), 10) + "  " + errors
                )
            }
            return lines
        }
        var out = rows("step", r.steps, ordered(r.steps.keys))
        if !r.platforms.isEmpty { out += [""] + rows("platform (flows)", r.platforms, r.platforms.keys.sorted()) }
        let f = r.flows
        out.append("")
        out.append(
            String(format: "target %.1f/s  achieved %.1f/s (%.1f%%)  scheduled %d  started %d  completed %d  failed %d  dropped %d  late %d",
                r.targetRate, r.achievedRate, r.targetRate > 0 ? r.achievedRate / r.targetRate * 100 : 0, f.scheduled, f.started, f.completed, f.failed, f.dropped, f.late)
        )
        if !r.shards.isEmpty { out.append("shards: \(r.shards.joined(separator: ", "))") }
        if let audit = r.audit {
            out.append(audit.ok ? "audit: ok — every debit has exactly one voucher or refund, no balance went astray" : "audit: \(audit.problems.count) PROBLEMS")
            out += audit.problems.prefix(20).map { "  - \($0)" }
        }
        for t in r.thresholds {
            out.append("threshold \(t.ok ? "ok  " : "FAILED") \(t.expr)  (actual \(t.actual.map { String(format: "%.4g", $0) } ?? "no such step"))")
        }
        return out.joined(separator: "\n")
    }
}

/// One line a second on a terminal: rate achieved vs target, in flight, a step's p99, errors. Quiet when
/// standard output is not a terminal.
public final class Progress: Sendable {
    let enabled: Bool
    let target: Double
    let step: String
    let recorder: LatencyRecorder

    public init(quiet: Bool, target: Double, step: String, recorder: LatencyRecorder) {
        enabled = !quiet && isatty(1) == 1
        self.target = target
        self.step = step
        self.recorder = recorder
    }

    public func tick(_ counts: OpenModelRunner.Counts, _ inFlight: Int, _ elapsed: Double) {
        guard enabled else { return }
        let last = recorder.lastSecond(step)
        let line = String(format: "\r%4.0fs  started %.0f/s of %.0f/s  in flight %d  ", elapsed, Double(counts.started) / max(elapsed, 1), target, inFlight)
            + step + String(format: " p99 %.1f ms  errors %d  dropped %d  ", Double(last?.p99 ?? 0) / 1000, last?.errors ?? 0, counts.dropped)
        FileHandle.standardOutput.write(Data(line.utf8))
    }

    public func end() {
        if enabled { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }
}
