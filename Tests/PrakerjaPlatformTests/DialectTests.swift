import AsyncHTTPClient
import Foundation
import NIOCore
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaSQLite
import PrakerjaTesting
import Synchronization
import Testing

@Suite struct DialectTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every registered dialect; nothing here counts them by hand, so adding one needs no test change.
    static var dialectCount: Int { PlatformRegistry.dialects.count }

    @Test func partnersFoldersMatchTheDialectDefinitions() throws {
        let files = try DialectDocuments.all(catalog: TestWorld.catalog)
        #expect(Set(files.map(\.path)) == Set(PlatformRegistry.platformIDs.flatMap { ["\($0)/README.md", "\($0)/dialect.json"] }))
        for (path, text) in files {
            let committed = try String(contentsOf: Self.root.appendingPathComponent("partners").appendingPathComponent(path), encoding: .utf8)
            #expect(committed == text, "partners/\(path) is stale: run `prakerja-sim partners generate`")
        }
        #expect(Set(PlatformRegistry.platformIDs) == Set(TestWorld.catalog.platforms.map(\.id)), "every catalog platform has a dialect")
    }

    @Test func everyKindHasADifferentCodeOnEveryPlatform() {
        for kind in BuyerError.Kind.allCases {
            let codes = PlatformRegistry.dialects.map { $0.errors[kind].code }
            #expect(Set(codes).count == codes.count, "\(kind.rawValue): \(codes)")
        }
        let auth = Set(PlatformRegistry.dialects.map { $0.description.auth })
        #expect(auth.count == Self.dialectCount, "every dialect authenticates its own way")
    }

    @Test(arguments: ["PRK-ABCD-2345-EFGH", "PRK-0000-ZZZZ-9A9A"]) func voucherFormatsRoundTrip(code: String) {
        let shown = PlatformRegistry.dialects.map { $0.displayVoucher(code) }
        #expect(Set(shown).count == Self.dialectCount)
        for dialect in PlatformRegistry.dialects {
            #expect(dialect.canonicalVoucher(dialect.displayVoucher(code)) == code, "\(dialect.platformID)")
            #expect(dialect.canonicalVoucher(code) == nil, "\(dialect.platformID) must not accept the raw gateway code as its own")
        }
    }

    struct Refusal: Sendable {
        var platform: String
        var status: Int
        var keys: Set<String>
        var body: String
    }

    /// Requests that break each dialect — no credentials, on every endpoint; a route that does not exist —
    /// are refused in that dialect's own format, and no two dialects' refusals look alike.
    @Test func refusalsSpeakTheDialect() async throws {
        let shapes = Mutex<[String: Set<String>]>([:])
        for platform in PlatformRegistry.platformIDs {
            try await PlatformHarness.with(platform) { h in
                let dialect = h.dialect
                for endpoint in dialect.description.endpoints {
                    let path = endpoint.path.replacingOccurrences(of: #"\{[a-z_]+\}"#, with: "x", options: .regularExpression)
                    var request = HTTPClientRequest(url: h.storefront.baseURL + (endpoint.method == "GET" ? path : String(path.split(separator: "?")[0])))
                    request.method = .init(rawValue: endpoint.method)
                    if endpoint.method != "GET" { request.body = .bytes(ByteBuffer(string: "{}")) }
                    let refusal = try await Self.send(request, platform)
                    let expected = endpoint.operation == "token" ? [BuyerError.Kind.badCredentials, .invalidRequest] : [.badCredentials]
                    let matches = expected.contains { kind in Self.carries(refusal, dialect.errors[kind]) }
                    #expect(matches, "\(platform) \(endpoint.method) \(path): HTTP \(refusal.status) \(refusal.body)")
                }
                var stray = HTTPClientRequest(url: h.storefront.baseURL + "/no/such/endpoint")
                stray.method = .GET
                let refusal = try await Self.send(stray, platform)
                #expect(refusal.status < 500 && !refusal.keys.isEmpty, "\(platform): \(refusal.status) \(refusal.body)")
                shapes.withLock { $0[platform] = refusal.keys }
            }
        }
        let seen = shapes.withLock { $0 }
        #expect(seen.count == Self.dialectCount && Set(seen.values).count == Self.dialectCount, "a different error envelope per dialect: \(seen)")
    }

    static func send(_ request: HTTPClientRequest, _ platform: String) async throws -> Refusal {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        return Refusal(platform: platform, status: Int(response.status.code), keys: Set(object?.keys.map { $0 } ?? []), body: body)
    }

    /// Whether a refusal carries `entry`'s code and status (SNAP codes carry the endpoint's service digits).
    static func carries(_ refusal: Refusal, _ entry: DialectErrorTable.Entry) -> Bool {
        let code = NSRegularExpression.escapedPattern(for: entry.code).replacingOccurrences(of: "xx", with: "[0-9]{2}")
        let quoted = refusal.body.range(of: #"[:"]\#(code)[",}]"#, options: .regularExpression) != nil
        let status = entry.code.contains("xx") ? Int(entry.code.prefix(3))! : entry.httpStatus
        // Denials that Midtrans-like dialects send with HTTP 200 keep their status in the body.
        return quoted && (refusal.status == status || (refusal.status == 200 && [201, 202].contains(status)))
    }
}

@Suite struct SQLiteStorefrontStoreConformance {
    @Test(arguments: StorefrontStoreConformance.checks)
    func conformance(_ check: StorefrontStoreConformance.Check) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("storefront-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try await check.run(try SQLiteStorefrontStore(path: dir.appendingPathComponent("s.sqlite").path))
    }
}
