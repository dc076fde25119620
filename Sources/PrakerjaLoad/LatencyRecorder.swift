import Foundation
import Histogram
import Synchronization

/// Latency histograms (microseconds, 3 significant digits, up to an hour), error counts by kind, and
/// per-second interval histograms — for each step, each platform's flows and whole flows. Corrected figures
/// are measured from when the work was meant to start, uncorrected ones from when it did.
///
/// Memory does not grow with the number of samples: a histogram has a fixed size, and each finished second
/// is kept as a compact list of its recorded buckets.
public final class LatencyRecorder: Sendable {
    public struct Sample: Sendable {
        public var name: String
        public var corrected: Duration
        public var uncorrected: Duration
        /// The error kind (the shared taxonomy's), or nil when the step did what was expected.
        public var error: String?
        /// When it ended, as seconds since the run's start (for the time series).
        public var endedAt: Double

        public init(name: String, corrected: Duration, uncorrected: Duration, error: String?, endedAt: Double) {
            self.name = name
            self.corrected = corrected
            self.uncorrected = uncorrected
            self.error = error
            self.endedAt = endedAt
        }
    }

    struct Series {
        var corrected = LatencyRecorder.histogram()
        var uncorrected = LatencyRecorder.histogram()
        var errors: [String: Int] = [:]
    }

    struct Interval {
        var histograms: [String: Histogram<UInt64>] = [:]
        var errors: [String: Int] = [:]
    }

    struct State {
        var series: [String: Series] = [:]
        /// Seconds still open to late samples, by index.
        var open: [Int: Interval] = [:]
        var sealed: [IntervalReport] = []
        var newest = 0
    }

    private let state = Mutex(State())

    public init() {}

    public static func histogram() -> Histogram<UInt64> {
        Histogram(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    static func micros(_ d: Duration) -> UInt64 { UInt64(min(max(0, d.microseconds), 3_600_000_000)) }

    public func record(_ sample: Sample) {
        let corrected = Self.micros(sample.corrected), uncorrected = Self.micros(sample.uncorrected)
        let second = max(0, Int(sample.endedAt))
        state.withLock { s in
            s.series[sample.name, default: Series()].corrected.record(corrected)
            s.series[sample.name, default: Series()].uncorrected.record(uncorrected)
            if let kind = sample.error { s.series[sample.name, default: Series()].errors[kind, default: 0] += 1 }
            // A sample for a second already sealed counts in the oldest open one.
            let slot = s.sealed.last.map { max(second, $0.second + 1) } ?? second
            s.open[slot, default: Interval()].histograms[sample.name, default: Self.histogram()].record(corrected)
            if sample.error != nil { s.open[slot, default: Interval()].errors[sample.name, default: 0] += 1 }
            if slot > s.newest {
                s.newest = slot
                // Seconds two behind the newest take no more samples: keep them compact.
                for old in s.open.keys.sorted() where old < slot - 1 { Self.seal(&s, old) }
            }
        }
    }

    private static func seal(_ s: inout State, _ second: Int) {
        guard let interval = s.open.removeValue(forKey: second) else { return }
        var steps: [String: IntervalReport.Step] = [:]
        for (name, h) in interval.histograms { steps[name] = IntervalReport.Step(histogram: EncodedHistogram(h), errors: interval.errors[name] ?? 0) }
        s.sealed.append(IntervalReport(second: second, steps: steps))
    }

    /// Every series and every second so far (open seconds sealed first).
    public func snapshot() -> (series: [String: (corrected: Histogram<UInt64>, uncorrected: Histogram<UInt64>, errors: [String: Int])], intervals: [IntervalReport]) {
        state.withLock { s in
            for second in s.open.keys.sorted() { Self.seal(&s, second) }
            return (s.series.mapValues { ($0.corrected, $0.uncorrected, $0.errors) }, s.sealed.sorted { $0.second < $1.second })
        }
    }

    /// Count and corrected p99 of `name` in the last finished second, for the progress line.
    public func lastSecond(_ name: String) -> (count: UInt64, p99: UInt64, errors: Int)? {
        state.withLock { s in
            guard let interval = s.open[s.newest - 1] ?? s.open[s.newest], let h = interval.histograms[name] else { return nil }
            return (h.totalCount, h.valueAtPercentile(99), interval.errors[name] ?? 0)
        }
    }

    /// Bytes held, to show that memory does not grow with the samples recorded.
    public var footprint: Int {
        state.withLock { s in
            s.series.values.reduce(0) { $0 + $1.corrected.estimatedFootprintInBytes + $1.uncorrected.estimatedFootprintInBytes }
                + s.open.values.reduce(0) { $0 + $1.histograms.values.reduce(0) { $0 + $1.estimatedFootprintInBytes } }
                + s.sealed.reduce(0) { $0 + $1.steps.values.reduce(0) { $0 + $1.histogram.values.count * 16 } }
        }
    }
}

/// A histogram as the report carries it: its recorded buckets as `[value, count]` pairs (value = the
/// bucket's highest equivalent value in microseconds), which rebuild the same buckets exactly.
public struct EncodedHistogram: Codable, Sendable, Equatable {
    public var values: [[UInt64]]

    public init(_ h: Histogram<UInt64>) {
        values = h.recordedValues().map { [$0.value, $0.count] }
    }

    public init(values: [[UInt64]]) { self.values = values }

    public var histogram: Histogram<UInt64> {
        var h = LatencyRecorder.histogram()
        for pair in values where pair.count == 2 { _ = h.record(pair[0], count: pair[1]) }
        return h
    }

    public init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([[UInt64]].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(values)
    }
}
