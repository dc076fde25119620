import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PrakerjaCore
import PrakerjaHTTP
import PrakerjaServer
import PrakerjaSQLite
import PrakerjaTesting
import Testing

/// A gateway on a real SQLite file, served in-process, with a fixed real-time clock for signatures.
struct HTTPHarness: Sendable {
    let world: TestWorld
    let store: SQLiteStore
    let wallClock = ManualTimeSource(Date(timeIntervalSince1970: 1_700_000_000))
    let dir: URL

    static func with<T: Sendable>(
        admission: Admission? = nil, _ body: @Sendable (HTTPHarness, any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prakerja-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("g.sqlite").path)
        let harness = HTTPHarness(world: try await TestWorld(store: store), store: store, dir: dir)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let app = Application(router: buildRouter(gateway: harness.world.gateway, wallClock: harness.wallClock, logger: logger, admission: admission))
        return try await app.test(.router) { client in try await body(harness, client) }
    }

    var gateway: Gateway { world.gateway }

    /// Signed partner-API headers for `platform`.
    func signed(_ platform: String = "tokopedia", method: HTTPRequest.Method, _ target: String, body: String, nonce: String = UUID().uuidString, at: Date? = nil, key: String? = nil) -> HTTPFields {
        var fields = HTTPFields()
        let secret = world.catalog.platform(platform)?.partnerSecret ?? "unknown-secret-0000"
        for (k, v) in PartnerSignature.headers(secret: secret, platformID: platform, now: at ?? wallClock.now(), nonce: nonce, method: method.rawValue, target: target, body: Array(body.utf8)) {
            fields[HTTPField.Name(k)!] = v
        }
        if let key { fields[HTTPField.Name("Idempotency-Key")!] = key }
        fields[.contentType] = "application/json"
        return fields
    }

    /// Signed redeem-API headers for `provider`.
    func redeemHeaders(_ provider: Provider, path: String, body: String, signKey: String? = nil, at: Date? = nil) -> HTTPFields {
        let ts = String(Int64((at ?? wallClock.now()).timeIntervalSince1970))
        var fields = HTTPFields()
        fields[HTTPField.Name("client_code")!] = provider.clientCode
        fields[HTTPField.Name("timestamp")!] = ts
        fields[HTTPField.Name("signature")!] = RedeemSignature.sign(key: signKey ?? provider.signKey, clientCode: provider.clientCode, timestamp: ts, method: "POST", path: path, body: Array(body.utf8))
        fields[.contentType] = "application/json"
        return fields
    }

    /// Everything a refused request must leave untouched.
    struct Snapshot: Equatable {
        var audit: AuditReport
        var participants: Int
        var sms: Int
        var email: Int
        var first: [Participant]
    }

    func snapshot() async throws -> Snapshot {
        let store = gateway.store
        return Snapshot(
            audit: try await store.audit(), participants: try await store.participantCount(),
            sms: try await store.outbox(channel: .sms, recipient: nil, afterID: 0, limit: 100_000).count,
            email: try await store.outbox(channel: .email, recipient: nil, afterID: 0, limit: 100_000).count,
            first: try await store.participants(offset: 0, limit: 50)
        )
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    var voucherCode: String { ((json["voucher"] as? [String: Any])?["code"] as? String) ?? "" }
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
}
