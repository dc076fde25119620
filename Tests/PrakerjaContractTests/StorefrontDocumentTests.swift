import AsyncHTTPClient
import Foundation
import Logging
import PrakerjaContract
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaTesting
import Testing

/// The storefronts' OpenAPI documents (served at `<storefront>/openapi.yaml`) are what a full contract run
/// derives today: regenerating them changes nothing, and each documents every endpoint of its dialect.
struct StorefrontDocumentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func committedDocumentsMatchAFreshContractRun() async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let generated: [(platformID: String, yaml: String)]
        do {
            generated = try await StorefrontDocument.generateAll(
                catalog: TestWorld.catalog, scenarios: BrokenPlatformTests.scenarios, http: http,
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            )
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
        #expect(generated.map(\.platformID) == PlatformRegistry.platformIDs)
        for (platformID, yaml) in generated {
            let file = Self.root.appendingPathComponent("Sources/PrakerjaPlatforms/Resources/openapi/\(platformID).yaml")
            let committed = try String(contentsOf: file, encoding: .utf8)
            #expect(committed == yaml, "\(platformID).yaml is stale: run `prakerja-sim partners generate`")
            let dialect = PlatformRegistry.dialect(platformID)!
            for endpoint in dialect.description.endpoints {
                let path = String(endpoint.path.split(separator: "?").first!)
                #expect(yaml.contains("\"\(path)\":"), "\(platformID) documents \(path)")
                #expect(yaml.contains("\"operationId\": \"\(endpoint.operation)\""), "\(platformID) documents \(endpoint.operation)")
            }
            #expect(yaml.contains("\"4XX\":"))
        }
    }
}
