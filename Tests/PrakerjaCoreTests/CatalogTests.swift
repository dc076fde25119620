import Foundation
import PrakerjaCore
import PrakerjaTesting
import Testing

@Suite struct CatalogTests {
    @Test func committedCatalogHasTheProgrammesNumbers() {
        let c = TestWorld.catalog
        #expect(c.platforms.count == 7)
        #expect(c.providers.count == 183)
        #expect(c.courses.count == 780)
        #expect(c.courses.allSatisfy { $0.price > 0 && $0.price <= 1_000_000 })
        #expect(Set(c.courses.map(\.type)) == Set(CourseType.allCases))
        #expect(c.courses.filter { $0.type == .webinar }.allSatisfy { !$0.sessions.isEmpty })
        #expect(c.providers.allSatisfy { p in c.courses.contains { $0.providerID == p.id } })
        #expect(c.platforms.allSatisfy { p in c.courses.contains { $0.platforms.contains(p.id) } })
        #expect(c.platform("bukalapak")?.customerService.contact == "021-50813333")
        #expect(c.platform("sisnaker")?.customerService.contact == "021-50816000")
    }

    @Test func committedFilesAreTheGeneratorsOutput() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for (name, text) in try CatalogGenerator.render(CatalogGenerator.generate(seed: 2021)) {
            let committed = try String(contentsOf: root.appendingPathComponent("mocks/\(name)"), encoding: .utf8)
            #expect(committed == text, "mocks/\(name) differs from `prakerja-sim catalog generate --seed 2021`")
        }
    }

    @Test func generationIsDeterministic() throws {
        let a = try CatalogGenerator.render(CatalogGenerator.generate(seed: 5)).map(\.1)
        let b = try CatalogGenerator.render(CatalogGenerator.generate(seed: 5)).map(\.1)
        let c = try CatalogGenerator.render(CatalogGenerator.generate(seed: 6)).map(\.1)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func loaderReportsEveryBadRowWithFileAndLine() throws {
        let files = try CatalogGenerator.render(CatalogGenerator.generate(seed: 3))
        var courses = files[2].1.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        courses[1] = courses[1].replacingOccurrences(of: #""price":"#, with: #""price":2000000,"old_price":"#)
        courses[2] = "{not json"
        courses[3] = courses[3].replacingOccurrences(of: #""provider_id":"lp-"#, with: #""provider_id":"zz-"#)
        courses.insert(courses[4], at: 5)  // a duplicate id on line 6
        let error = #expect(throws: CatalogLoadFailure.self) {
            try CatalogLoader.parse(platforms: ("platforms.jsonl", files[0].1), providers: ("providers.jsonl", files[1].1), courses: ("courses.jsonl", courses.joined(separator: "\n")))
        }
        let lines = error?.errors.map(\.description) ?? []
        #expect(lines.contains { $0.hasPrefix("courses.jsonl:2: price must be between 1 and 1000000") })
        #expect(lines.contains { $0 == "courses.jsonl:3: not valid JSON" })
        #expect(lines.contains { $0.hasPrefix("courses.jsonl:4: unknown provider_id zz-") })
        #expect(lines.contains { $0.hasPrefix("courses.jsonl:6: duplicate course id") })
    }

    @Test func missingFieldIsNamed() {
        let error = #expect(throws: CatalogLoadFailure.self) {
            try CatalogLoader.parse(
                platforms: ("p", #"{"id":"x","name":"X","partner_secret":"0123456789abcdef0"}"#), providers: ("v", ""), courses: ("c", "")
            )
        }
        #expect(error?.errors.first?.description == "p:1: missing field customer_service")
    }
}
