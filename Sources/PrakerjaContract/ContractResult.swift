import Foundation
import PrakerjaCore

/// One scenario's verdict on one platform.
public struct ContractResult: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable { case passed, failed, skipped }

    /// The first difference found, as expected vs actual.
    public struct Failure: Codable, Sendable, Equatable {
        /// 1-based step number; nil for the end-of-scenario effects or the set-up.
        public var step: Int?
        public var action: String
        public var expected: String
        public var actual: String

        public init(step: Int?, action: String, expected: String, actual: String) {
            self.step = step
            self.action = action
            self.expected = expected
            self.actual = actual
        }

        public var text: String {
            let at = step.map { "step \($0) \(action)" } ?? action
            return "\(at): expected \(expected), got \(actual)"
        }
    }

    public var platform: String
    public var scenario: String
    public var covers: String
    /// The rules profile the gateway ran.
    public var rules: String
    public var outcome: Outcome
    public var durationMS: Double
    public var failure: Failure?
    /// Why a skipped scenario did not run.
    public var reason: String?

    public init(
        platform: String, scenario: String, covers: String, rules: String, outcome: Outcome, durationMS: Double, failure: Failure? = nil, reason: String? = nil
    ) {
        self.platform = platform
        self.scenario = scenario
        self.covers = covers
        self.rules = rules
        self.outcome = outcome
        self.durationMS = durationMS
        self.failure = failure
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case platform, scenario, covers, rules, outcome, failure, reason
        case durationMS = "duration_ms"
    }

    /// The runner's line for it.
    public var line: String {
        let head = "\(outcome == .passed ? "PASS" : outcome == .failed ? "FAIL" : "SKIP")  \(platform.padding(toLength: 13, withPad: " ", startingAt: 0)) \(scenario)"
            + (rules == RulesProfile.Name.y2021.rawValue ? "" : " [\(rules) rules]")
        switch outcome {
        case .passed: return head + String(format: "  (%.2fs)", durationMS / 1000)
        case .failed: return head + "\n      " + (failure?.text ?? "failed")
        case .skipped: return head + "  — " + (reason ?? "not applicable")
        }
    }
}

/// A whole run: every result, the gateway's audit, and the reports CI reads.
public struct ContractReport: Codable, Sendable {
    public var gateway: String
    public var rules: [String]
    public var results: [ContractResult]
    /// Problems the gateway's money-and-voucher audit found after the run.
    public var auditProblems: [String]

    public init(gateway: String, rules: [String], results: [ContractResult], auditProblems: [String]) {
        self.gateway = gateway
        self.rules = rules
        self.results = results
        self.auditProblems = auditProblems
    }

    enum CodingKeys: String, CodingKey {
        case gateway, rules, results, passed, failed, skipped, ok
        case auditProblems = "audit_problems"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(gateway, forKey: .gateway)
        try c.encode(rules, forKey: .rules)
        try c.encode(ok, forKey: .ok)
        try c.encode(count(.passed), forKey: .passed)
        try c.encode(count(.failed), forKey: .failed)
        try c.encode(count(.skipped), forKey: .skipped)
        try c.encode(auditProblems, forKey: .auditProblems)
        try c.encode(results, forKey: .results)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        gateway = try c.decode(String.self, forKey: .gateway)
        rules = try c.decode([String].self, forKey: .rules)
        results = try c.decode([ContractResult].self, forKey: .results)
        auditProblems = try c.decode([String].self, forKey: .auditProblems)
    }

    /// Results by platform, then in scenario-file order, then by rules profile.
    public static func ordered(_ results: [ContractResult], platforms: [String], scenarios: [ContractScenario]) -> [ContractResult] {
        let order = Dictionary(scenarios.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        return results.sorted {
            (platforms.firstIndex(of: $0.platform) ?? 0, order[$0.scenario] ?? 0, $0.rules) < (platforms.firstIndex(of: $1.platform) ?? 0, order[$1.scenario] ?? 0, $1.rules)
        }
    }

    public func count(_ outcome: ContractResult.Outcome) -> Int { results.filter { $0.outcome == outcome }.count }

    /// All ran scenarios passed, at least one ran, and the audit is clean.
    public var ok: Bool { count(.failed) == 0 && count(.passed) > 0 && auditProblems.isEmpty }

    public var summary: String {
        let platforms = Set(results.map(\.platform)).count
        var text = "contract: \(count(.passed)) passed, \(count(.failed)) failed, \(count(.skipped)) skipped on \(platforms) platform\(platforms == 1 ? "" : "s")"
        text += auditProblems.isEmpty ? "; audit clean" : "; audit: \(auditProblems.count) problem(s): " + auditProblems.prefix(5).joined(separator: "; ")
        return text
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// JUnit XML: one `<testsuite>` per platform, one `<testcase>` per scenario (classname
    /// `contract.<platform>.<covers>`), `<failure>` with the difference, `<skipped>` with the reason, and a
    /// `gateway` suite holding the audit.
    public func junit() -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        let total = results.count + 1
        let failures = count(.failed) + (auditProblems.isEmpty ? 0 : 1)
        let seconds = results.reduce(0) { $0 + $1.durationMS } / 1000
        xml += #"<testsuites name="prakerja-sim contract" tests="\#(total)" failures="\#(failures)" errors="0" skipped="\#(count(.skipped))" time="\#(Self.seconds(seconds))">"# + "\n"
        var platforms: [String] = []
        for r in results where !platforms.contains(r.platform) { platforms.append(r.platform) }
        for platform in platforms {
            let cases = results.filter { $0.platform == platform }
            let time = cases.reduce(0) { $0 + $1.durationMS } / 1000
            xml += #"  <testsuite name="\#(Self.escape(platform))" tests="\#(cases.count)" failures="\#(cases.filter { $0.outcome == .failed }.count)" errors="0" skipped="\#(cases.filter { $0.outcome == .skipped }.count)" time="\#(Self.seconds(time))">"# + "\n"
            for r in cases {
                // A scenario run under both rules profiles is two test cases, named apart.
                let twice = cases.filter { $0.scenario == r.scenario }.count > 1
                let name = r.scenario + (twice ? " [\(r.rules) rules]" : "")
                let head = #"    <testcase classname="contract.\#(Self.escape(platform)).\#(Self.escape(r.covers))" name="\#(Self.escape(name))" time="\#(Self.seconds(r.durationMS / 1000))""#
                switch r.outcome {
                case .passed: xml += head + "/>\n"
                case .skipped: xml += head + ">\n      <skipped message=\"\(Self.escape(r.reason ?? ""))\"/>\n    </testcase>\n"
                case .failed:
                    let text = r.failure?.text ?? "failed"
                    xml += head + ">\n      <failure message=\"\(Self.escape(text))\" type=\"contract\">\(Self.escape(text))</failure>\n    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        xml += #"  <testsuite name="gateway" tests="1" failures="\#(auditProblems.isEmpty ? 0 : 1)" errors="0" skipped="0" time="0.000">"# + "\n"
        if auditProblems.isEmpty {
            xml += #"    <testcase classname="contract.gateway" name="audit" time="0.000"/>"# + "\n"
        } else {
            let text = auditProblems.joined(separator: "\n")
            xml += #"    <testcase classname="contract.gateway" name="audit" time="0.000">"# + "\n"
            xml += "      <failure message=\"the money-and-voucher audit found \(auditProblems.count) problem(s)\" type=\"audit\">\(Self.escape(text))</failure>\n    </testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }

    /// XML text and attribute escaping; characters XML 1.0 cannot carry become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default:
                let v = scalar.value
                let allowed = v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || (0x10000...0x10FFFF).contains(v)
                out.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return out
    }
}
