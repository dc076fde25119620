import ArgumentParser
import Foundation
import PrakerjaContract
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
        static let configuration = CommandConfiguration(
            abstract: "Write partners/<platform>/{README.md,dialect.json} from the dialect definitions, and each storefront's OpenAPI document.",
            discussion: "The OpenAPI documents are derived from a full contract run against the built-in storefronts (about 20 s)."
        )
        @Option(help: "Catalog directory.") var mocks: String?
        @Option(help: "Output directory.") var out = "partners"
        @Option(help: "Where the storefronts' OpenAPI documents go (served at <storefront>/openapi.yaml).")
        var openapi = "Sources/PrakerjaPlatforms/Resources/openapi"

        func run() async throws {
            let catalog = try CatalogLocator.load(mocks)
            var files = try DialectDocuments.all(catalog: catalog).map { (URL(fileURLWithPath: out).appendingPathComponent($0.path), $0.text) }
            let scenarios = try ContractScenario.loadAll(from: CatalogLocator.directory(mocks).appendingPathComponent("contract"))
            let documents = try await withHTTPClient { http in
                try await StorefrontDocument.generateAll(catalog: catalog, scenarios: scenarios, http: http, logger: makeLogger(label: "prakerja-sim", level: .critical))
            }
            files += documents.map { (URL(fileURLWithPath: openapi).appendingPathComponent("\($0.platformID).yaml"), $0.yaml) }
            for (url, text) in files {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
                print("wrote \(url.path)")
            }
        }
    }
}
