import ArgumentParser
import Foundation
import PrakerjaCore

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Show or regenerate the catalog (mocks/).",
        subcommands: [Show.self, Generate.self], defaultSubcommand: Show.self
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print catalog counts, optionally filtered.")
        @Option(help: "Catalog directory.") var mocks: String?
        @Option(help: "Only courses sold on this platform id.") var platform: String?
        @Option(help: "Only courses of this provider id.") var provider: String?
        @Option(help: "Only courses of this type: webinar, self_paced, offline.") var type: String?
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "List the matching courses too.") var list = false

        func run() async throws {
            let catalog = try CatalogLocator.load(mocks)
            var courseType: CourseType?
            if let type {
                guard let t = CourseType(rawValue: type) else { throw ValidationError("--type must be webinar, self_paced or offline") }
                courseType = t
            }
            if let platform, catalog.platform(platform) == nil {
                throw ValidationError("unknown platform \(platform); one of \(catalog.platforms.map(\.id).joined(separator: ", "))")
            }
            if let provider, catalog.provider(provider) == nil { throw ValidationError("unknown provider \(provider)") }
            let courses = catalog.courses(platform: platform, provider: provider, type: courseType)
            let summary = catalog.summary(of: courses)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                struct Output: Encodable {
                    var summary: Catalog.Summary
                    var courses: [Course]?
                }
                print(String(decoding: try encoder.encode(Output(summary: summary, courses: list ? courses : nil)), as: UTF8.self))
                return
            }
            print("platforms \(summary.platforms)  providers \(summary.providers)  courses \(summary.courses)")
            print(summary.coursesByType.sorted { $0.key < $1.key }.map { "  \($0.key) \($0.value)" }.joined(separator: "\n"))
            if list {
                for c in courses { print("\(c.id)  \(c.type.rawValue)  Rp \(c.price)  \(c.providerID)  \(c.title)") }
            }
        }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Regenerate the catalog files deterministically from a seed.")
        @Option(help: "Seed.") var seed: UInt64 = 2021
        @Option(help: "Output directory.") var out = "mocks"

        func run() async throws {
            let catalog = CatalogGenerator.generate(seed: seed)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            for (name, text) in try CatalogGenerator.render(catalog) {
                try text.write(toFile: (out as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
            print("wrote \(catalog.platforms.count) platforms, \(catalog.providers.count) providers, \(catalog.courses.count) courses to \(out)/")
        }
    }
}
