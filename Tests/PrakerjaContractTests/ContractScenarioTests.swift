import Foundation
import PrakerjaContract
import PrakerjaCore
import PrakerjaPlatforms
import Testing

/// Scenario files are checked when they load: a typo or a step that cannot run is an error, never an
/// expectation silently dropped. The shipped files give every platform at least 30 scenarios.
struct ContractScenarioTests {
    func decode(_ json: String) throws -> [ContractScenario] {
        try JSONDecoder().decode([ContractScenario].self, from: Data(json.utf8))
    }

    @Test func theShippedScenariosCoverEveryPlatform() throws {
        let all = BrokenPlatformTests.scenarios
        #expect(all.count >= 60)
        for id in PlatformRegistry.platformIDs {
            #expect(all.filter { ContractRunner.applicability($0, platformID: id) == nil }.count >= 30, "\(id)")
        }
        for group in ["happy", "rule", "otp", "idempotency", "voucher", "redeem", "auth", "input", "callback"] {
            #expect(all.contains { $0.covers == group }, "\(group)")
        }
    }

    @Test(arguments: [
        (#"[{"name":"a","summary":"s","covers":"otp","steps":[{"do":"sign_in","expct":{}}]}]"#, "unknown key expct"),
        (#"[{"name":"a","summary":"s","covers":"otp","steps":[{"do":"sign_in","expect":{"eror":"otp_invalid"}}]}]"#, "unknown key eror"),
        (#"[{"name":"a","summary":"s","covers":"otp","steps":[{"do":"sign_in","wait":true}]}]"#, "sign_in does not take wait"),
        (#"[{"name":"a","summary":"s","covers":"otp","steps":[{"do":"advance","by":"6m","expect":{"error":"otp_invalid"}}]}]"#, "advance cannot expect error"),
        (#"[{"name":"a","summary":"s","covers":"otp","steps":[{"do":"sign_in"},{"do":"request_otp"}]}]"#, "place_order first"),
        (#"[{"name":"a","summary":"s","covers":"otp","steps":[{"do":"place_order"}]}]"#, "sign_in first"),
        (#"[{"name":"a","summary":"s","covers":"otp","steps":[{"do":"sign_in"},{"do":"place_order"},{"do":"order","order":"other_account"}]}]"#, "username other first"),
        (#"[{"name":"a","summary":"s","covers":"otp","steps":[{"do":"advance","by":"soon"}]}]"#, "a duration"),
        (#"[{"name":"a","summary":"s","covers":"otp","steps":[{"do":"sign_in","expect":{"error":"no_such_kind"}}]}]"#, "no_such_kind"),
        (#"[{"name":"A b","summary":"s","covers":"otp","steps":[{"do":"sign_in"}]}]"#, "lowercase"),
        (#"[{"name":"a","summary":"s","covers":"otp","steps":[{"do":"confirm","otp":"guess"}]}]"#, "otp is one of"),
    ])
    func mistakesAreRefused(_ json: String, mentioning: String) {
        #expect(throws: (any Error).self) { try decode(json) }
        do { _ = try decode(json) } catch { #expect("\(error)".contains(mentioning), "\(error)") }
    }

    @Test func aWellFormedScenarioLoads() throws {
        let s = try decode(
            #"[{"name":"a","summary":"s","covers":"otp","given":{"fault":"webhook.5xx","rules":"2023"},"applies":{"delivery":"webhook","retry_schedule":"15m,45m"},"#
                + #""steps":[{"do":"sign_in"},{"do":"place_order","type":"webinar"},{"do":"request_otp","expect":{"status":"awaiting_otp"}},"#
                + #"{"do":"advance","by":"15m"},{"do":"confirm","otp":"wrong","key":"k","times":2,"expect":{"error":"otp_invalid"}}],"#
                + #""effects":{"ledger":[],"faults_fired":["webhook.5xx"]}}]"#
        )
        #expect(s[0].exclusive)
        #expect(s[0].given.fault == .webhookServerError && s[0].given.rules == .y2023)
        #expect(ContractRunner.applicability(s[0], platformID: "tokopedia") != nil && ContractRunner.applicability(s[0], platformID: "sekolahmu") == nil)
    }

    @Test func junitEscapesAndNamesBothProfiles() {
        let results = [
            ContractResult(platform: "tokopedia", scenario: "rule-x", covers: "rule", rules: "2021", outcome: .passed, durationMS: 5),
            ContractResult(platform: "tokopedia", scenario: "rule-x", covers: "rule", rules: "2023", outcome: .failed, durationMS: 5,
                           failure: .init(step: 2, action: "confirm", expected: "a <b> & \"c\"", actual: "\u{1}x")),
        ]
        let xml = ContractReport(gateway: "g", rules: ["2021", "2023"], results: results, auditProblems: []).junit()
        #expect(xml.contains(#"name="rule-x [2021 rules]""#) && xml.contains(#"name="rule-x [2023 rules]""#))
        #expect(xml.contains("a &lt;b&gt; &amp; &quot;c&quot;") && xml.contains("\u{FFFD}x") && !xml.contains("\u{1}"))
        #expect(xml.contains(#"tests="3" failures="1""#))
    }
}
