import Foundation
import Testing

@testable import PrakerjaLoad

@Suite struct ArrivalProfileTests {
    @Test func aConstantRateStartsFlowsEvenlySpaced() {
        let starts = Array(ArrivalProfile.constant(rate: 100, duration: 10).arrivals())
        #expect(starts.count == 1000)
        #expect(zip(starts, starts.dropFirst()).allSatisfy { abs(($1 - $0) - 0.01) < 1e-9 })
        #expect(starts.first == 0 && starts.last! < 10)
    }

    @Test func stagesRampLinearly() throws {
        let profile = try ArrivalProfile.parse(stages: "10s:100,5s:100,1m:0")
        #expect(profile.duration == 75 && profile.expectedCount == 500 + 500 + 3000)
        let starts = Array(profile.arrivals())
        #expect(starts.count == 4000)
        #expect(zip(starts, starts.dropFirst()).allSatisfy { $0 <= $1 }, "in order")
        // Half of the ramp's 500 flows come in its last 2.93 s (where the rate is highest): t = 10·√0.5.
        #expect(starts.filter { $0 < 10 * 0.5.squareRoot() }.count == 250)
        #expect(abs(profile.rate(at: 5) - 50) < 1e-9 && profile.rate(at: 12) == 100 && abs(profile.rate(at: 45) - 50) < 1e-9)
        #expect(profile.meanRate == 4000.0 / 75)
    }

    @Test func badStagesAreRefused() {
        for bad in ["", "30s", "x:100", "30s:-1", "0s:10", "30s:abc", "2d:10", "30s:1e9"] {
            #expect(throws: LoadError.self, "\(bad)") { try ArrivalProfile.parse(stages: bad) }
        }
        #expect(ArrivalProfile.seconds("2m") == 120 && ArrivalProfile.seconds("500ms") == 0.5 && ArrivalProfile.seconds("1h") == 3600 && ArrivalProfile.seconds("7") == 7)
        #expect(ArrivalProfile.seconds("soon") == nil)
    }
}
