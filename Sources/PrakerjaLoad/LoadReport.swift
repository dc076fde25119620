import Foundation
import Histogram

/// What a load run found, as `--json` writes it and `load merge` reads it. Latencies are in milliseconds;
/// the encoded histograms (microseconds) make merging shards exact.
public struct LoadReport: Codable, Sendable, Equatable {
    public struct Percentiles: Codable, Sendable, Equatable {
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var p999: Double
        public var max: Double

        init(_ h: Histogram<UInt64>) {
            func ms(_ micros: UInt64) -> Double { (Double(micros) / 1000 * 1000).rounded() / 1000 }
            p50 = ms(h.valueAtPercentile(50))
            p90 = ms(h.valueAtPercentile(90))
            p99 = ms(h.valueAtPercentile(99))
            p999 = ms(h.valueAtPercentile(99.9))
            max = ms(h.max)
        }
    }

    /// One step (or a platform's flows, or whole flows).
    public struct Series: Codable, Sendable, Equatable {
        public var count: UInt64
        public var errors: Int
        public var errorsByKind: [String: Int]
        /// Completions per second of the run's length.
        public var throughput: Double
        public var latencyMs: Percentiles
        public var uncorrectedLatencyMs: Percentiles
        public var histogram: EncodedHistogram
        public var uncorrectedHistogram: EncodedHistogram

        /// Figures are taken from the histograms as the report encodes them (to their 3 significant digits), so
        /// a report read back, or merged, shows exactly the same numbers.
        init(corrected raw: Histogram<UInt64>, uncorrected rawUncorrected: Histogram<UInt64>, errors: [String: Int], duration: Double) {
            let corrected = EncodedHistogram(raw).histogram, uncorrected = EncodedHistogram(rawUncorrected).histogram
            count = corrected.totalCount
            errorsByKind = errors
            self.errors = errors.values.reduce(0, +)
            throughput = duration > 0 ? (Double(count) / duration * 10).rounded() / 10 : 0
            latencyMs = Percentiles(corrected)
            uncorrectedLatencyMs = Percentiles(uncorrected)
            histogram = EncodedHistogram(corrected)
            uncorrectedHistogram = EncodedHistogram(uncorrected)
        }

        enum CodingKeys: String, CodingKey {
            case count, errors, throughput, histogram
            case errorsByKind = "errors_by_kind"
            case latencyMs = "latency_ms"
            case uncorrectedLatencyMs = "uncorrected_latency_ms"
            case uncorrectedHistogram = "uncorrected_histogram"
        }
    }

    public struct Flows: Codable, Sendable, Equatable {
        /// Starts the profile called for.
        public var scheduled: Int
        public var started: Int
        public var completed: Int
        /// Flows with an unexpected outcome at some step.
        public var failed: Int
        /// Starts that could not begin within the allowed delay (every in-flight slot taken): never run.
        public var dropped: Int
        /// Starts that began more than 10 ms after their intended time (measured from the intended time).
        public var late: Int
        /// Seconds over which the flows started: the schedule's length, or longer when the generator fell behind.
        public var startSpanSeconds: Double

        enum CodingKeys: String, CodingKey {
            case scheduled, started, completed, failed, dropped, late
            case startSpanSeconds = "start_span_seconds"
        }

        public init(scheduled: Int, started: Int, completed: Int, failed: Int, dropped: Int, late: Int, startSpanSeconds: Double = 0) {
            self.startSpanSeconds = startSpanSeconds
            self.scheduled = scheduled
            self.started = started
            self.completed = completed
            self.failed = failed
            self.dropped = dropped
            self.late = late
        }
    }

    public struct Audit: Codable, Sendable, Equatable {
        public var ok: Bool
        public var problems: [String]

        public init(ok: Bool, problems: [String]) {
            self.ok = ok
            self.problems = problems
        }
    }

    public struct ThresholdResult: Codable, Sendable, Equatable {
        public var expr: String
        public var ok: Bool
        public var actual: Double?
    }

    public var mode: String
    public var seed: UInt64
    public var configuration: [String: String]
    public var shards: [String]
    public var targetRate: Double
    public var achievedRate: Double
    public var durationSeconds: Double
    public var flows: Flows
    public var dropped: Int
    public var audit: Audit?
    public var thresholds: [ThresholdResult]
    /// By step name, and `flow` for whole flows.
    public var steps: [String: Series]
    /// Whole flows by platform.
    public var platforms: [String: Series]
    public var intervals: [IntervalReport]

    enum CodingKeys: String, CodingKey {
        case mode, seed, configuration, shards, flows, dropped, audit, thresholds, steps, platforms, intervals
        case targetRate = "target_rate"
        case achievedRate = "achieved_rate"
        case durationSeconds = "duration_seconds"
    }

    public init(
        mode: String, seed: UInt64, configuration: [String: String], shard: String?, targetRate: Double, durationSeconds: Double, flows: Flows,
        recorder: LatencyRecorder
    ) {
        self.mode = mode
        self.seed = seed
        self.configuration = configuration
        shards = shard.map { [$0] } ?? []
        self.targetRate = targetRate
        self.durationSeconds = durationSeconds
        self.flows = flows
        dropped = flows.dropped
        // Flows started per second of real time: if starting took longer than the schedule (the generator fell
        // behind), the longer span counts.
        let span = max(durationSeconds, flows.startSpanSeconds)
        achievedRate = span > 0 ? (Double(flows.started) / span * 100).rounded() / 100 : 0
        thresholds = []
        let (series, intervals) = recorder.snapshot()
        var steps: [String: Series] = [:], platforms: [String: Series] = [:]
        for (name, s) in series {
            let report = Series(corrected: s.corrected, uncorrected: s.uncorrected, errors: s.errors, duration: durationSeconds)
            if name.hasPrefix(Self.platformPrefix) { platforms[String(name.dropFirst(Self.platformPrefix.count))] = report } else { steps[name] = report }
        }
        self.steps = steps
        self.platforms = platforms
        self.intervals = intervals
    }

    /// Recorder names under which whole flows of one platform are kept.
    public static let platformPrefix = "platform:"

    /// The share of flows with an unexpected outcome.
    public var errorRate: Double {
        let finished = flows.completed + flows.failed
        return finished > 0 ? Double(flows.failed) / Double(finished) : 0
    }

    /// Several shards' reports as one run's: counts and histograms added exactly, rates summed, audits
    /// combined; thresholds are for the caller to evaluate again over the whole.
    public static func merge(_ reports: [LoadReport]) throws(LoadError) -> LoadReport {
        guard var merged = reports.first else { throw LoadError("nothing to merge") }
        guard reports.allSatisfy({ $0.mode == merged.mode }) else { throw LoadError("cannot merge runs of different modes (\(Set(reports.map(\.mode)).sorted()))") }
        let labels = reports.flatMap(\.shards)
        guard Set(labels).count == labels.count else { throw LoadError("the same shard is given twice (\(labels.sorted().joined(separator: ", "))): its flows would count twice") }
        for r in reports.dropFirst() {
            merged.shards += r.shards
            merged.targetRate += r.targetRate
            merged.achievedRate += r.achievedRate
            merged.durationSeconds = max(merged.durationSeconds, r.durationSeconds)
            merged.flows.scheduled += r.flows.scheduled
            merged.flows.started += r.flows.started
            merged.flows.completed += r.flows.completed
            merged.flows.failed += r.flows.failed
            merged.flows.dropped += r.flows.dropped
            merged.flows.late += r.flows.late
            merged.flows.startSpanSeconds = max(merged.flows.startSpanSeconds, r.flows.startSpanSeconds)
            merged.dropped += r.dropped
            if let audit = r.audit {
                let mine = merged.audit ?? Audit(ok: true, problems: [])
                merged.audit = Audit(ok: mine.ok && audit.ok, problems: mine.problems + audit.problems.filter { !mine.problems.contains($0) })
            }
            merged.steps = merge(merged.steps, r.steps, duration: merged.durationSeconds)
            merged.platforms = merge(merged.platforms, r.platforms, duration: merged.durationSeconds)
            var byS = Dictionary(merged.intervals.map { ($0.second, $0) }, uniquingKeysWith: { $0.adding($1) })
            for interval in r.intervals { byS[interval.second] = byS[interval.second].map { $0.adding(interval) } ?? interval }
            merged.intervals = byS.values.sorted { $0.second < $1.second }
        }
        merged.thresholds = []
        merged.configuration["shard"] = nil
        return merged
    }

    static func merge(_ a: [String: Series], _ b: [String: Series], duration: Double) -> [String: Series] {
        var out = a
        for (name, s) in b {
            guard let mine = a[name] else {
                out[name] = s
                continue
            }
            var corrected = mine.histogram.histogram, uncorrected = mine.uncorrectedHistogram.histogram
            corrected.add(s.histogram.histogram)
            uncorrected.add(s.uncorrectedHistogram.histogram)
            out[name] = Series(corrected: corrected, uncorrected: uncorrected, errors: mine.errorsByKind.merging(s.errorsByKind, uniquingKeysWith: +), duration: duration)
        }
        return out
    }
}

/// One second of the run: each step's corrected latencies and errors in it.
public struct IntervalReport: Codable, Sendable, Equatable {
    public struct Step: Codable, Sendable, Equatable {
        public var count: UInt64
        public var errors: Int
        public var p50Ms: Double
        public var p99Ms: Double
        public var maxMs: Double
        public var histogram: EncodedHistogram

        init(histogram: EncodedHistogram, errors: Int) {
            let h = histogram.histogram
            count = h.totalCount
            self.errors = errors
            p50Ms = Double(h.valueAtPercentile(50)) / 1000
            p99Ms = Double(h.valueAtPercentile(99)) / 1000
            maxMs = Double(h.max) / 1000
            self.histogram = histogram
        }

        enum CodingKeys: String, CodingKey {
            case count, errors, histogram
            case p50Ms = "p50_ms"
            case p99Ms = "p99_ms"
            case maxMs = "max_ms"
        }
    }

    public var second: Int
    public var steps: [String: Step]

    func adding(_ other: IntervalReport) -> IntervalReport {
        var steps = self.steps
        for (name, s) in other.steps {
            guard let mine = steps[name] else {
                steps[name] = s
                continue
            }
            var h = mine.histogram.histogram
            h.add(s.histogram.histogram)
            steps[name] = Step(histogram: EncodedHistogram(h), errors: mine.errors + s.errors)
        }
        return IntervalReport(second: second, steps: steps)
    }
}
