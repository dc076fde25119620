import Foundation

/// A pass/fail condition over a run's report: `confirm.p99<50ms`, `flow.p999<=2s`, `errors<0.1%`,
/// `confirm.errors<1%`, `dropped==0`, `rate_ratio>=0.95`, `achieved_rate>=1900`. A failed one fails the run.
public struct Threshold: Sendable, Equatable {
    public enum Metric: Sendable, Equatable {
        /// Corrected latency of a step (or `flow`) at a percentile, or its maximum; in milliseconds.
        case latency(step: String, percentile: Double)
        /// A step's share of unexpected outcomes.
        case stepErrors(step: String)
        case stepCount(step: String)
        /// The share of flows with an unexpected outcome.
        case errors
        case dropped
        case late
        case achievedRate
        /// Achieved rate ÷ target rate.
        case rateRatio
    }

    public enum Comparison: String, Sendable, CaseIterable {
        case lessOrEqual = "<=", greaterOrEqual = ">=", equal = "==", less = "<", greater = ">"
    }

    public var expr: String
    public var metric: Metric
    public var comparison: Comparison
    public var value: Double

    /// Parses `expr`; a metric that names no step of the run (`steps`) or that does not exist is an error
    /// before the run starts.
    public init(_ expr: String, steps: Set<String>) throws(LoadError) {
        self.expr = expr
        let text = expr.replacingOccurrences(of: " ", with: "")
        guard let op = Comparison.allCases.compactMap({ c in text.range(of: c.rawValue).map { (c, $0) } }).min(by: { $0.1.lowerBound < $1.1.lowerBound }) else {
            throw LoadError("threshold '\(expr)' needs a comparison: <, <=, >, >= or ==")
        }
        comparison = op.0
        let name = String(text[..<op.1.lowerBound]), raw = String(text[op.1.upperBound...])
        let known = "errors, dropped, late, achieved_rate, rate_ratio, or STEP.{p50,p90,p95,p99,p999,max,errors,count} with STEP one of \(steps.sorted().joined(separator: ", "))"
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        var isLatency = false, isShare = false
        switch (parts.first ?? "", parts.count) {
        case ("errors", 1): (metric, isShare) = (.errors, true)
        case ("dropped", 1): metric = .dropped
        case ("late", 1): metric = .late
        case ("achieved_rate", 1): metric = .achievedRate
        case ("rate_ratio", 1): metric = .rateRatio
        case (let step, 2) where steps.contains(step):
            switch parts[1] {
            case "errors": (metric, isShare) = (.stepErrors(step: step), true)
            case "count": metric = .stepCount(step: step)
            case "max": (metric, isLatency) = (.latency(step: step, percentile: 100), true)
            case let p where p.hasPrefix("p") && p.count > 1:
                guard let percentile = Self.percentile(String(p.dropFirst())) else {
                    throw LoadError("threshold '\(expr)': \(p) is not a percentile; write p50, p99, p999 (99.9), p99.9, or max")
                }
                (metric, isLatency) = (.latency(step: step, percentile: percentile), true)
            default: throw LoadError("threshold '\(expr)': unknown metric '\(name)'; known: \(known)")
            }
        default: throw LoadError("threshold '\(expr)': unknown metric '\(name)'; known: \(known)")
        }
        guard let value = Self.number(raw, latency: isLatency, share: isShare) else {
            throw LoadError("threshold '\(expr)': '\(raw)' is not a \(isLatency ? "duration (50ms, 2s, 800us)" : isShare ? "share (0.1%, or 0.001)" : "number")")
        }
        self.value = value
    }

    /// `50` → 50, `99` → 99, `999` → 99.9, `9999` → 99.99, `99.9` → 99.9; strictly between 0 and 100 (the
    /// maximum is `max`).
    static func percentile(_ text: String) -> Double? {
        let value: Double?
        if text.contains(".") {
            value = text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) ? Double(text) : nil
        } else if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // More than two digits only for the nines: p999, p9999, p995 (not p100, which would read as 10.0).
            value = text.count <= 2 ? Double(text) : text.hasPrefix("9") ? Double(text.prefix(2) + "." + text.dropFirst(2)) : nil
        } else {
            value = nil
        }
        guard let value, value > 0, value < 100 else { return nil }
        return value
    }

    /// Durations become milliseconds; shares become fractions.
    static func number(_ raw: String, latency: Bool, share: Bool) -> Double? {
        if latency {
            for (suffix, scale) in [("ms", 1.0), ("us", 0.001), ("µs", 0.001), ("s", 1000.0)] where raw.hasSuffix(suffix) {
                return Double(raw.dropLast(suffix.count)).map { $0 * scale }
            }
            return Double(raw)
        }
        if share, raw.hasSuffix("%") { return Double(raw.dropLast()).map { $0 / 100 } }
        return Double(raw)
    }

    /// The metric's value in `report` (nil if the report has no such step).
    public func actual(in report: LoadReport) -> Double? {
        switch metric {
        case .errors: return report.errorRate
        case .dropped: return Double(report.flows.dropped)
        case .late: return Double(report.flows.late)
        case .achievedRate: return report.achievedRate
        case .rateRatio: return report.targetRate > 0 ? report.achievedRate / report.targetRate : 0
        case .stepCount(let step): return report.steps[step].map { Double($0.count) }
        case .stepErrors(let step):
            return report.steps[step].map { $0.count > 0 ? Double($0.errors) / Double($0.count) : 0 }
        case .latency(let step, let percentile):
            guard let series = report.steps[step] else { return nil }
            let h = series.histogram.histogram
            return Double(percentile >= 100 ? h.max : h.valueAtPercentile(percentile)) / 1000
        }
    }

    public func evaluate(_ report: LoadReport) -> LoadReport.ThresholdResult {
        guard let actual = actual(in: report) else { return .init(expr: expr, ok: false, actual: nil) }
        let ok: Bool
        switch comparison {
        case .less: ok = actual < value
        case .lessOrEqual: ok = actual <= value
        case .greater: ok = actual > value
        case .greaterOrEqual: ok = actual >= value
        case .equal: ok = actual == value
        }
        return .init(expr: expr, ok: ok, actual: actual)
    }
}
