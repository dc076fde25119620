import ArgumentParser
import Foundation
import PrakerjaPlatforms

struct PartnersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partners", abstract: "Describe the seven platform dialects or regenerate partners/.",
        subcommands: [List.self, Generate.self], defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per platform: auth, envelope, error codes, delivery.")
        @Option(help: "Catalog directory.") var mocks: String?

        func run() async throws {
            _ = try CatalogLocator.load(mocks)
            for dialect in PlatformRegistry.dialects {
                let d = dialect.description
                print("\(dialect.platformID): \(d.borrowedFrom); voucher \(dialect.delivery.rawValue); e.g. \(dialect.displayVoucher("PRK-ABCD-2345-EFGH"))")
            }
        }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write partners/<platform>/{README.md,dialect.json} from the dialect definitions.")
        @Option(help: "Catalog directory.") var mocks: String?
        @Option(help: "Output directory.") var out = "partners"

        func run() async throws {
            let catalog = try CatalogLocator.load(mocks)
            for (path, text) in try DialectDocuments.all(catalog: catalog) {
                let url = URL(fileURLWithPath: out).appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
                print("wrote \(url.path)")
            }
        }
    }
}
