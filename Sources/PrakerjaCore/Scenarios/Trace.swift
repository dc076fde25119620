import Foundation

/// What a scenario run did, in business time: the buyer's steps with their outcomes and the whole timeline
/// across lanes (participant, platform, gateway, e-mail, webhook, provider). Real time (latencies, signature
/// timestamps) is left out, so the same seed gives byte-identical traces, and `replay` can compare them.
public struct Trace: Codable, Sendable, Equatable {
    public struct Step: Codable, Sendable, Equatable {
        public var step: String
        public var at: String
        public var outcome: String

        public init(step: String, at: String, outcome: String) {
            self.step = step
            self.at = at
            self.outcome = outcome
        }
    }

    public struct Entry: Codable, Sendable, Equatable {
        public var at: String
        public var lane: String
        public var kind: String
        public var detail: String

        public init(at: String, lane: String, kind: String, detail: String) {
            self.at = at
            self.lane = lane
            self.kind = kind
            self.detail = detail
        }
    }

    public var scenario: String
    public var platform: String
    public var seed: UInt64
    public var retrySchedule: String
    public var steps: [Step]
    public var timeline: [Entry]
    /// The expectations that did not hold (empty when the scenario behaved as its file says).
    public var unmet: [String]

    public init(scenario: String, platform: String, seed: UInt64, retrySchedule: String, steps: [Step], timeline: [Entry], unmet: [String]) {
        self.scenario = scenario
        self.platform = platform
        self.seed = seed
        self.retrySchedule = retrySchedule
        self.steps = steps
        self.timeline = timeline
        self.unmet = unmet
    }

    enum CodingKeys: String, CodingKey {
        case scenario, platform, seed, steps, timeline, unmet
        case retrySchedule = "retry_schedule"
    }

    /// The trace as stable JSON bytes (keys sorted, one line per entry is not needed: byte equality is).
    public var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(self))) ?? []
    }

    /// The first place where `other` differs from this trace, in words; nil when they are the same.
    public func firstDivergence(from other: Trace) -> String? {
        for (i, (a, b)) in zip(steps, other.steps).enumerated() where a != b {
            return "step \(i + 1): expected \(a.step) at \(a.at) → \(a.outcome); got \(b.step) at \(b.at) → \(b.outcome)"
        }
        if steps.count != other.steps.count { return "expected \(steps.count) steps, got \(other.steps.count)" }
        for (i, (a, b)) in zip(timeline, other.timeline).enumerated() where a != b {
            return "timeline entry \(i + 1): expected \(a.at) \(a.lane) \(a.kind) \(a.detail)\n                      got \(b.at) \(b.lane) \(b.kind) \(b.detail)"
        }
        if timeline.count != other.timeline.count {
            let extra = timeline.count < other.timeline.count ? other.timeline[timeline.count] : timeline[other.timeline.count]
            return "expected \(timeline.count) timeline entries, got \(other.timeline.count) (first unmatched: \(extra.at) \(extra.lane) \(extra.kind))"
        }
        return nil
    }

    /// The readable timeline: one line per entry, lanes in columns.
    public var text: String {
        var lines = ["scenario \(scenario) on \(platform), seed \(seed), retries after \(retrySchedule)"]
        for s in steps { lines.append("  step  \(s.at)  \(s.step.padding(toLength: 22, withPad: " ", startingAt: 0)) → \(s.outcome)") }
        lines.append("timeline (business time, WIB = UTC+7):")
        for e in timeline {
            lines.append("  \(e.at)  \(e.lane.padding(toLength: 11, withPad: " ", startingAt: 0)) \(e.kind.padding(toLength: 26, withPad: " ", startingAt: 0)) \(e.detail)")
        }
        lines.append(unmet.isEmpty ? "as expected" : "NOT as expected:\n" + unmet.map { "  - \($0)" }.joined(separator: "\n"))
        return lines.joined(separator: "\n")
    }
}
