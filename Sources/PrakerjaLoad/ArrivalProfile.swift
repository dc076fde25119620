import Foundation

/// When flows start, as an open model: a target arrival rate over time — constant, or ramping linearly
/// through stages (k6's ramping-arrival-rate, vegeta's pacer) — independent of how fast flows finish.
public struct ArrivalProfile: Sendable, Equatable, Codable {
    public struct Stage: Sendable, Equatable, Codable {
        /// Seconds the stage lasts.
        public var duration: Double
        /// Flows per second reached at the stage's end (linearly from the previous stage's target).
        public var target: Double

        public init(duration: Double, target: Double) {
            self.duration = duration
            self.target = target
        }
    }

    /// The rate at the start of the first stage.
    public var startRate: Double
    public var stages: [Stage]

    public init(startRate: Double, stages: [Stage]) {
        self.startRate = startRate
        self.stages = stages
    }

    /// `rate` flows per second for `duration` seconds.
    public static func constant(rate: Double, duration: Double) -> ArrivalProfile {
        ArrivalProfile(startRate: rate, stages: [Stage(duration: duration, target: rate)])
    }

    /// `30s:100,60s:2000`: ramp from 0 to 100/s over 30 s, then to 2000/s over 60 s (`1m`, `500ms` and `90`
    /// seconds work too).
    public static func parse(stages text: String) throws(LoadError) -> ArrivalProfile {
        var stages: [Stage] = []
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: ":")
            guard pieces.count == 2, let duration = Self.seconds(String(pieces[0])), duration > 0, duration <= 86_400,
                let target = Double(pieces[1].trimmingCharacters(in: .whitespaces)), target >= 0, target <= 1_000_000
            else { throw LoadError("--stages takes DURATION:RATE pairs such as '30s:100,60s:2000', not '\(part)'") }
            stages.append(Stage(duration: duration, target: target))
        }
        guard !stages.isEmpty else { throw LoadError("--stages is empty") }
        guard stages.reduce(0, { $0 + $1.duration }) <= 86_400 else { throw LoadError("--stages last more than a day") }
        return ArrivalProfile(startRate: 0, stages: stages)
    }

    /// `60s`, `2m`, `500ms`, `1h`, or plain seconds.
    public static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        for (suffix, scale) in [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)] where t.hasSuffix(suffix) {
            return Double(t.dropLast(suffix.count)).map { $0 * scale }.flatMap { $0.isFinite ? $0 : nil }
        }
        return Double(t).flatMap { $0.isFinite ? $0 : nil }
    }

    public var duration: Double { stages.reduce(0) { $0 + $1.duration } }

    /// Flows the profile starts over its whole length.
    public var expectedCount: Double {
        var from = startRate
        return stages.reduce(0) { total, stage in
            defer { from = stage.target }
            return total + (from + stage.target) / 2 * stage.duration
        }
    }

    /// The mean target rate: flows per second over the whole length.
    public var meanRate: Double { duration > 0 ? expectedCount / duration : 0 }

    /// The target rate `t` seconds in.
    public func rate(at t: Double) -> Double {
        var (from, begin) = (startRate, 0.0)
        for stage in stages {
            if t < begin + stage.duration { return from + (stage.target - from) * (t - begin) / stage.duration }
            (from, begin) = (stage.target, begin + stage.duration)
        }
        return from
    }

    /// The intended start of each flow, in seconds from the run's start, in order: flow `k` starts when the
    /// integral of the rate reaches `k`. Computed one at a time (memory does not grow with the run).
    public func arrivals() -> Arrivals { Arrivals(profile: self) }

    public struct Arrivals: Sequence, IteratorProtocol, Sendable {
        let profile: ArrivalProfile
        var k = 0.0
        var stage = 0
        /// Flows before the current stage, and when it began.
        var before = 0.0
        var begin = 0.0
        var from: Double

        init(profile: ArrivalProfile) {
            self.profile = profile
            from = profile.startRate
        }

        public mutating func next() -> Double? {
            while stage < profile.stages.count {
                let s = profile.stages[stage]
                let inStage = (from + s.target) / 2 * s.duration
                let need = k - before
                if need < inStage - 1e-9 {
                    // Solve from·t + a·t²/2 = need for t in [0, duration), a = (target − from) / duration.
                    let a = (s.target - from) / s.duration
                    let t: Double
                    if abs(a) < 1e-12 {
                        t = need / from
                    } else {
                        let disc = Swift.max(0, from * from + 2 * a * need)
                        t = (disc.squareRoot() - from) / a
                    }
                    k += 1
                    return begin + Swift.min(Swift.max(t, 0), s.duration)
                }
                before += inStage
                begin += s.duration
                from = s.target
                stage += 1
            }
            return nil
        }
    }
}

/// A mistake in what the load generator was asked to do, found before it starts.
public struct LoadError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
