import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import PrakerjaClient

/// The lean client against a real Hummingbird server on loopback. Each route answers with the client's
/// port, so a test can tell which connection carried a request.
@Suite struct LeanHTTPClientTests {
    struct PeerContext: RequestContext {
        var coreContext: CoreRequestContextStorage
        let peerPort: Int

        init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            peerPort = source.channel.remoteAddress?.port ?? 0
        }
    }

    static func withServer(_ body: @Sendable @escaping (String) async throws -> Void) async throws {
        let router = Router(context: PeerContext.self)
        router.get("peer") { _, context in "\(context.peerPort)" }
        router.post("echo") { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Echo")!] = request.headers[HTTPField.Name("X-Test")!] ?? ""
            headers[HTTPField.Name("X-Peer")!] = "\(context.peerPort)"
            return Response(status: .accepted, headers: headers, body: .init(byteBuffer: bytes))
        }
        router.get("close") { _, context -> Response in
            var headers = HTTPFields()
            headers[.connection] = "close"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "\(context.peerPort)")))
        }
        router.get("slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(5))
            return "late"
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    static func withClient(connectionsPerOrigin: Int = 256, _ body: (LeanHTTPClient) async throws -> Void) async throws {
        let client = LeanHTTPClient(fallback: HTTPClient.shared, connectionsPerOrigin: connectionsPerOrigin)
        defer { client.shutdown() }
        try await body(client)
    }

    static func peer(_ client: LeanHTTPClient, _ base: String) async throws -> String {
        let response = try await client.send(.GET, url: base + "/peer", headers: [], body: nil, timeout: .seconds(5))
        #expect(response.status == 200)
        return response.text
    }

    @Test func sequentialRequestsShareOneKeptAliveConnection() async throws {
        try await Self.withServer { base in
            try await Self.withClient { client in
                var ports: Set<String> = []
                for _ in 0..<20 { ports.insert(try await Self.peer(client, base)) }
                #expect(ports.count == 1)
            }
        }
    }

    @Test func concurrentRequestsOpenConnectionsThatAreReusedAfterwards() async throws {
        try await Self.withServer { base in
            try await Self.withClient { client in
                func round() async throws -> Set<String> {
                    try await withThrowingTaskGroup(of: String.self) { group in
                        for _ in 0..<16 { group.addTask { try await Self.peer(client, base) } }
                        var ports: Set<String> = []
                        for try await port in group { ports.insert(port) }
                        return ports
                    }
                }
                let first = try await round()
                #expect(!first.isEmpty && first.count <= 16)
                let second = try await round()
                #expect(second.isSubset(of: first), "the second round opens no connection: it takes the idle ones")
            }
        }
    }

    @Test func connectionsPerOriginIsABoundAndWaitersGetTheirTurn() async throws {
        try await Self.withServer { base in
            try await Self.withClient(connectionsPerOrigin: 2) { client in
                let ports = try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<12 { group.addTask { try await Self.peer(client, base) } }
                    var ports: [String] = []
                    for try await port in group { ports.append(port) }
                    return ports
                }
                #expect(ports.count == 12)
                #expect(Set(ports).count <= 2)
            }
        }
    }

    @Test func bodiesAndHeadersMakeTheRoundTrip() async throws {
        try await Self.withServer { base in
            try await Self.withClient { client in
                let body = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
                let response = try await client.send(.POST, url: base + "/echo", headers: [("X-Test", "hello")], body: body, timeout: .seconds(5))
                #expect(response.status == 202)
                #expect(response.body == body)
                #expect(response.header("x-echo") == "hello")
                let empty = try await client.send(.POST, url: base + "/echo", headers: [], body: nil, timeout: .seconds(5))
                #expect(empty.status == 202 && empty.body.isEmpty)
                #expect(empty.header("X-Peer") == response.header("X-Peer"), "one connection carried both")
            }
        }
    }

    @Test func anAnswerThatClosesTheConnectionIsKeptAndTheNextRequestOpensAnother() async throws {
        try await Self.withServer { base in
            try await Self.withClient { client in
                let closing = try await client.send(.GET, url: base + "/close", headers: [], body: nil, timeout: .seconds(5))
                #expect(closing.status == 200)
                let next = try await Self.peer(client, base)
                #expect(next != closing.text)
                #expect(try await Self.peer(client, base) == next)
            }
        }
    }

    @Test func aRequestPastItsTimeoutFailsAsTimedOutAndItsConnectionIsNotReused() async throws {
        try await Self.withServer { base in
            try await Self.withClient { client in
                let started = ContinuousClock.now
                await #expect(throws: LeanHTTPClient.Failure.timedOut) {
                    try await client.send(.GET, url: base + "/slow", headers: [], body: nil, timeout: .milliseconds(200))
                }
                #expect(ContinuousClock.now - started < .seconds(4.5), "it gave up long before the server would have answered")
                // The late answer must not meet the next request: it goes out on a fresh connection.
                let response = try await client.send(.GET, url: base + "/peer", headers: [], body: nil, timeout: .seconds(5))
                #expect(response.status == 200 && response.text != "late")
            }
        }
    }

    @Test func aRequestWaitingForAConnectionGivesUpAtItsDeadlineWithoutBeingSent() async throws {
        try await Self.withServer { base in
            try await Self.withClient(connectionsPerOrigin: 1) { client in
                let held = Task { try await client.send(.GET, url: base + "/slow", headers: [], body: nil, timeout: .seconds(10)) }
                try await Task.sleep(for: .milliseconds(200))  // the one connection is busy with the slow request
                let started = ContinuousClock.now
                await #expect(throws: LeanHTTPClient.Failure.timedOut) {
                    try await client.send(.GET, url: base + "/peer", headers: [], body: nil, timeout: .milliseconds(300))
                }
                #expect(ContinuousClock.now - started < .seconds(4), "it left the queue at its deadline, not when the connection came back")
                #expect(try await held.value.text == "late")
                #expect(try await Self.peer(client, base) != "", "the pool still works")
            }
        }
    }

    @Test func aShutDownClientTakesNoMoreRequests() async throws {
        try await Self.withServer { base in
            let client = LeanHTTPClient(fallback: HTTPClient.shared)
            _ = try await Self.peer(client, base)
            client.shutdown()
            await #expect(throws: LeanHTTPClient.Failure.shutDown) {
                try await client.send(.GET, url: base + "/peer", headers: [], body: nil, timeout: .seconds(5))
            }
        }
    }

    @Test func aPortNobodyListensOnIsConnectionRefused() async throws {
        try await Self.withClient { client in
            do {
                _ = try await client.send(.GET, url: "http://127.0.0.1:9/peer", headers: [], body: nil, timeout: .seconds(5))
                Issue.record("expected a refusal")
            } catch let failure as LeanHTTPClient.Failure {
                guard case .connectionRefused = failure else {
                    Issue.record("expected connection refused, got \(failure)")
                    return
                }
                #expect(HTTPWebhookTransport.describe(failure) == "connection refused")
            }
        }
    }

    @Test func onlyPlainHTTPURLsAreTakenTheRestGoesToTheFallback() {
        let plain = Origin("http://127.0.0.1:8080/partner/v1/charges?x=1")
        #expect(plain?.host == "127.0.0.1" && plain?.port == 8080 && plain?.target == "/partner/v1/charges?x=1" && plain?.authority == "127.0.0.1:8080")
        #expect(Origin("http://localhost")?.port == 80 && Origin("http://localhost")?.target == "/")
        #expect(Origin("http://[::1]:9000/a")?.host == "::1" && Origin("http://[::1]:9000/a")?.port == 9000)
        #expect(Origin("http://host?q")?.target == "/?q")
        for other in ["https://127.0.0.1:8443/", "http://user@host/", "http://host:notaport/", "http://:80/", "ftp://host/", "http://host:0/"] {
            #expect(Origin(other) == nil, "\(other)")
        }
    }
}
