import ArgumentParser
import AsyncHTTPClient
import Foundation
import Histogram
import PrakerjaClient
import PrakerjaCore
import Synchronization

/// Latency histograms and error counts shared by the benchmark's workers.
final class BenchStats: Sendable {
    let histograms = Mutex([String: Histogram<UInt64>]())
    let errors = Atomic<Int>(0)
    let firstError = Mutex<String?>(nil)

    func record(_ name: String, _ elapsed: Duration) {
        histograms.withLock { all in
            var h = all[name] ?? BenchCommand.histogram()
            _ = h.record(BenchCommand.micros(elapsed))
            all[name] = h
        }
    }

    func fail(_ error: any Error) {
        errors.add(1, ordering: .relaxed)
        firstError.withLock { $0 = $0 ?? "\(error)" }
    }
}
