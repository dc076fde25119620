import Foundation
import PrakerjaCore
import Testing

@testable import PrakerjaLoad

@Suite struct WorkloadTests {
    @Test func plansFollowTheWeightsAndTheSeed() {
        let w = Workload(platforms: ["tokopedia": 3, "bukalapak": 1], errorPaths: ["wrong_otp_first": 0.1, "unknown_course": 0.05], redeem: 0.5, seed: 7)
        let plans = (0..<20_000).map(w.plan)
        let toko = Double(plans.filter { $0.platformID == "tokopedia" }.count) / 20_000
        #expect(abs(toko - 0.75) < 0.02, "\(toko)")
        let wrong = Double(plans.filter { $0.errorPath == "wrong_otp_first" }.count) / 20_000
        let unknown = Double(plans.filter { $0.errorPath == "unknown_course" }.count) / 20_000
        #expect(abs(wrong - 0.1) < 0.01 && abs(unknown - 0.05) < 0.01)
        #expect(abs(Double(plans.filter(\.redeem).count) / 20_000 - 0.5) < 0.02)
        #expect((0..<100).map(w.plan) == (0..<100).map(w.plan), "the same seed, the same plans")
        var other = w
        other.seed = 8
        #expect((0..<100).map(other.plan) != (0..<100).map(w.plan))
    }

    @Test func workloadFilesAreCheckedAgainstTheCatalog() throws {
        let json = #"{"platforms": {"tokopedia": 1}, "course_types": {"self_paced": 2, "webinar": 1}, "error_paths": {"wrong_otp_first": 0.02}, "redeem": 0.3, "seed": 5}"#
        let w = try JSONDecoder().decode(Workload.self, from: Data(json.utf8))
        #expect(w.courseTypes == ["self_paced": 2, "webinar": 1] && w.errorPaths == ["wrong_otp_first": 0.02] && w.redeem == 0.3 && w.seed == 5)
        let catalog = try CatalogLoader.load(directory: URL(fileURLWithPath: TestCatalog.directory))
        try w.validate(catalog: catalog)
        #expect((0..<1000).map(w.plan).filter { $0.courseType == .webinar }.allSatisfy { !$0.redeem }, "webinar codes are not redeemed by the load")
        for bad in [
            Workload(platforms: ["shopee": 1]), Workload(platforms: ["tokopedia": 0]), Workload(platforms: ["tokopedia": 1], courseTypes: ["podcast": 1]),
            Workload(platforms: ["tokopedia": 1], errorPaths: ["sneeze": 0.1]), Workload(platforms: ["tokopedia": 1], errorPaths: ["wrong_otp_first": 0.8, "unknown_course": 0.3]),
            Workload(platforms: ["tokopedia": 1], redeem: 2),
        ] {
            #expect(throws: LoadError.self) { try bad.validate(catalog: catalog) }
        }
    }
}

enum TestCatalog {
    /// The committed catalog, `mocks/` at the package root.
    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("mocks").path
    }
}
