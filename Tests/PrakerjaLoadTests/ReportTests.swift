import Foundation
import Histogram
import Testing

@testable import PrakerjaLoad

@Suite struct ReportTests {
    func report(_ samples: [(String, Int, String?)], started: Int, rate: Double = 10, shard: String? = nil) -> LoadReport {
        let recorder = LatencyRecorder()
        for (name, micros, error) in samples {
            recorder.record(.init(name: name, corrected: .microseconds(micros), uncorrected: .microseconds(micros / 2), error: error, endedAt: Double(micros % 3)))
        }
        let failed = samples.filter { $0.0 == "flow" && $0.2 != nil }.count
        let flows = samples.filter { $0.0 == "flow" }.count
        return LoadReport(mode: "purchase", seed: 1, configuration: [:], shard: shard, targetRate: rate, durationSeconds: 10,
            flows: .init(scheduled: started, started: started, completed: flows - failed, failed: failed, dropped: 0, late: 0), recorder: recorder)
    }

    @Test func twoShardsMergeIntoOneRunsHistograms() throws {
        let a1: [(String, Int, String?)] = (0..<500).map { ("confirm", 1_000 + $0 * 37, nil) }
        let a2: [(String, Int, String?)] = (0..<100).map { ("flow", 20_000 + $0 * 91, $0 == 3 ? "otp_invalid" : nil) }
        let b1: [(String, Int, String?)] = (0..<700).map { ("confirm", 5_000 + $0 * 53, $0 % 100 == 0 ? "gateway_unavailable" : nil) }
        let b2: [(String, Int, String?)] = (0..<100).map { ("flow", 9_000 + $0 * 13, nil) }
        let (a, b) = (a1 + a2, b1 + b2)
        let whole = report(a + b, started: 200, rate: 20)
        let merged = try LoadReport.merge([report(a, started: 100, shard: "1/2"), report(b, started: 100, shard: "2/2")])
        #expect(merged.steps["confirm"]?.histogram == whole.steps["confirm"]?.histogram, "exactly the histogram of one run with every sample")
        #expect(merged.steps["confirm"]?.uncorrectedHistogram == whole.steps["confirm"]?.uncorrectedHistogram)
        #expect(merged.steps["confirm"]?.latencyMs == whole.steps["confirm"]?.latencyMs && merged.steps["flow"]?.latencyMs == whole.steps["flow"]?.latencyMs)
        #expect(merged.steps["confirm"]?.errorsByKind == ["gateway_unavailable": 7] && merged.steps["flow"]?.errorsByKind == ["otp_invalid": 1])
        #expect(merged.flows.started == 200 && merged.flows.failed == 1 && merged.targetRate == 20 && merged.shards == ["1/2", "2/2"])
        // Per-second series merge exactly too.
        for second in 0..<3 {
            let m = merged.intervals.first { $0.second == second }?.steps["confirm"], w = whole.intervals.first { $0.second == second }?.steps["confirm"]
            #expect(m?.histogram.histogram.totalCount == w?.histogram.histogram.totalCount && m?.p99Ms == w?.p99Ms)
        }
        // Through JSON and back, as `load merge` reads the files.
        let again = try LoadOutput.decoder.decode(LoadReport.self, from: LoadOutput.encoder.encode(merged))
        #expect(again == merged)
        #expect(throws: LoadError.self) { try LoadReport.merge([]) }
        let twice = report(a, started: 100, shard: "1/2")
        #expect(throws: LoadError.self, "the same shard twice would count its flows twice") { try LoadReport.merge([twice, twice]) }
    }

    @Test func theReportHasTheFieldsATeamsCIReads() throws {
        let confirms: [(String, Int, String?)] = (0..<10).map { ("confirm", 2_000 * ($0 + 1), nil) }
        let flows: [(String, Int, String?)] = (0..<10).map { _ in ("flow", 30_000, nil) }
        let r = report(confirms + flows, started: 10)
        let json = try #require(try JSONSerialization.jsonObject(with: LoadOutput.encoder.encode(r)) as? [String: Any])
        for key in ["seed", "configuration", "target_rate", "achieved_rate", "dropped", "thresholds", "steps", "intervals"] { #expect(json[key] != nil, "\(key)") }
        let confirm = try #require((json["steps"] as? [String: Any])?["confirm"] as? [String: Any])
        for key in ["count", "errors", "latency_ms", "uncorrected_latency_ms", "histogram", "uncorrected_histogram"] { #expect(confirm[key] != nil, "\(key)") }
        let latency = try #require(confirm["latency_ms"] as? [String: Double])
        #expect(Set(latency.keys) == ["p50", "p90", "p99", "p999", "max"] && latency["max"]! >= 19.9 && latency["max"]! <= 20.1)
        let html = HTMLReport.render(r)
        #expect(html.contains("<svg") && !html.contains("<script") && !html.contains("http://") && !html.contains("https://"), "self-contained")
    }

    @Test func thresholdsPassFailAndNameTheirMetric() throws {
        let steps = Set(PurchaseLoad.steps)
        let confirms: [(String, Int, String?)] = (0..<100).map { ("confirm", 1_000 * ($0 + 1), $0 < 2 ? "otp_invalid" : nil) }
        let flows: [(String, Int, String?)] = (0..<100).map { ("flow", 50_000, $0 == 0 ? "otp_invalid" : nil) }
        let r = report(confirms + flows, started: 100)
        func check(_ expr: String) throws -> Bool { try Threshold(expr, steps: steps).evaluate(r).ok }
        #expect(try check("confirm.p50<=51ms") && !(try check("confirm.p99<50ms")) && (try check("confirm.max<101ms")))
        #expect(try check("confirm.p99 < 0.2s") && (try check("confirm.p999<=100.1ms")) && (try check("confirm.p99>500us")))
        #expect(try Threshold("confirm.p99.9<1s", steps: steps).metric == .latency(step: "confirm", percentile: 99.9), "the table's own column name works")
        #expect(try Threshold("confirm.p9999<1s", steps: steps).metric == .latency(step: "confirm", percentile: 99.99))
        #expect(try check("errors<2%") && !(try check("errors<0.5%")) && (try check("errors<=0.01")))
        #expect(try check("confirm.errors<=2%") && !(try check("confirm.errors<1%")))
        #expect(try check("dropped==0") && (try check("rate_ratio>=0.99")) && (try check("achieved_rate>=10")) && (try check("confirm.count==100")))
        #expect(try Threshold("voucher.p99<1s", steps: steps).evaluate(r).actual == nil, "a step the run did not reach has no value and fails")
        for (bad, words) in [
            ("confrm.p99<50ms", "unknown metric 'confrm.p99'"), ("confirm.p42x<1ms", "is not a percentile"), ("confirm.mean<1ms", "unknown metric 'confirm.mean'"), ("latency<5ms", "unknown metric 'latency'"),
            ("confirm.p99", "needs a comparison"), ("confirm.p99<fast", "is not a duration"), ("errors<lots", "is not a share"),
            ("confirm.p100<1s", "is not a percentile"), ("confirm.pinf<1s", "is not a percentile"), ("confirm.p0.5.5<1s", "is not a percentile"), ("confirm.p1e3<1s", "is not a percentile"),
        ] {
            #expect(throws: LoadError.self) { try Threshold(bad, steps: steps) }
            do { _ = try Threshold(bad, steps: steps) } catch { #expect(error.description.contains(words), "\(bad): \(error)") }
        }
    }
}
