import Foundation
import Histogram
import Testing

@testable import PrakerjaLoad

/// Timing-sensitive: run one at a time.
@Suite(.serialized) struct RunnerTests {
    /// Records one step per flow the way the purchase flow does: corrected from the intended start.
    func timed(_ recorder: LatencyRecorder, _ start: OpenModelRunner.Start, _ work: () async -> Void) async {
        let clock = ContinuousClock()
        await work()
        let end = clock.now
        recorder.record(.init(name: "flow", corrected: end - start.intended, uncorrected: end - start.started, error: nil, endedAt: Double((end - start.runStart).microseconds) / 1e6))
    }

    @Test func everyScheduledFlowStartsAtTheTargetRate() async {
        let recorder = LatencyRecorder()
        let runner = OpenModelRunner(model: .open(.constant(rate: 400, duration: 2)))
        let counts = await runner.run { start in await timed(recorder, start) {} }
        #expect(counts.scheduled == 800 && counts.started == 800 && counts.dropped == 0)
        let report = LoadReport(mode: "test", seed: 0, configuration: [:], shard: nil, targetRate: 400, durationSeconds: 2,
            flows: .init(scheduled: 800, started: counts.started, completed: 800, failed: 0, dropped: 0, late: counts.late), recorder: recorder)
        #expect(report.achievedRate == 400 && report.steps["flow"]?.count == 800)
    }

    /// The system stalls once for 600 ms while at most one flow may run: the starts behind it queue. Measured
    /// from when they actually started, they look fast (coordinated omission); from when they were meant to, they
    /// carry the stall.
    @Test func aStallShowsInTheCorrectedPercentilesOnly() async {
        let recorder = LatencyRecorder()
        let runner = OpenModelRunner(model: .open(.constant(rate: 100, duration: 3)), maxInFlight: 1, maxDelay: .seconds(10))
        let counts = await runner.run { start in
            await timed(recorder, start) { try? await Task.sleep(for: start.index == 50 ? .milliseconds(600) : .milliseconds(1)) }
        }
        #expect(counts.started == 300 && counts.dropped == 0 && counts.late >= 30, "the starts behind the stall were late: \(counts.late)")
        let (series, _) = recorder.snapshot()
        let flow = try! #require(series["flow"])
        #expect(flow.corrected.valueAtPercentile(95) >= 200_000, "corrected p95 \(flow.corrected.valueAtPercentile(95)) µs carries the stall")
        #expect(flow.uncorrected.valueAtPercentile(95) < 100_000, "uncorrected p95 \(flow.uncorrected.valueAtPercentile(95)) µs hides it")
        #expect(flow.uncorrected.max >= 600_000, "only the stalled flow itself shows it uncorrected")
    }

    @Test func startsThatCannotBeginInTimeAreDropped() async {
        // One flow holds the only slot for a second: the ~200 starts due meanwhile wait 50 ms each at most.
        let runner = OpenModelRunner(model: .open(.constant(rate: 200, duration: 2)), maxInFlight: 1, maxDelay: .milliseconds(50))
        let counts = await runner.run { start in try? await Task.sleep(for: start.index == 10 ? .seconds(1) : .microseconds(100)) }
        #expect(counts.scheduled == 400 && counts.started + counts.dropped == 400, "\(counts)")
        #expect(counts.dropped >= 100, "the starts due during the stall were dropped: \(counts)")
    }

    @Test func aClosedModelKeepsNFlowsGoing() async {
        let inFlight = Locked(0), most = Locked(0)
        let runner = OpenModelRunner(model: .closed(flows: 4, duration: 2, limit: 200))
        let counts = await runner.run { _ in
            let now = inFlight.withLock { n in
                n += 1
                return n
            }
            most.withLock { $0 = max($0, now) }
            try? await Task.sleep(for: .milliseconds(5))
            inFlight.withLock { $0 -= 1 }
        }
        #expect(most.withLock { $0 } == 4 && counts.started > 20 && counts.started <= 200 && counts.dropped == 0, "\(counts)")
    }

    /// Memory grows with the run's seconds (one compact list of buckets per finished second, bounded by the
    /// histogram's buckets), never with the samples: five times the samples per second cost no more.
    @Test func memoryGrowsWithSecondsNotWithSamples() {
        func footprint(seconds: Int, perSecond: Int) -> Int {
            let recorder = LatencyRecorder()
            for second in 0..<seconds {
                for i in 0..<perSecond {
                    let micros = 100 + (i * 7_919 + second * 104_729) % 5_000
                    recorder.record(.init(name: "confirm", corrected: .microseconds(micros), uncorrected: .microseconds(micros), error: nil, endedAt: Double(second) + 0.5))
                }
            }
            _ = recorder.snapshot()  // seals the open seconds
            return recorder.footprint
        }
        let base = footprint(seconds: 10, perSecond: 20_000), heavy = footprint(seconds: 10, perSecond: 100_000)
        let longer = footprint(seconds: 20, perSecond: 20_000)
        #expect(heavy <= base * 11 / 10, "five times the samples: \(base) → \(heavy) bytes")
        #expect(longer > base && longer - base < base, "twice the seconds costs less than twice the memory: \(base) → \(longer) bytes")
    }
}
