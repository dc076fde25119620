import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import PrakerjaClient
import PrakerjaContract
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaSimulator
import PrakerjaTesting
import Synchronization
import Testing

/// The contract kit catches broken platforms: each deliberately broken Tokopedia storefront fails the full
/// contract run, and among its failures is the scenario written for that mistake. The transparent proxy
/// passes everything, so the failures come from the breakage and not from the proxy.
@Suite(.serialized)
struct BrokenPlatformTests {
    static let scenarios: [ContractScenario] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try! ContractScenario.loadAll(from: root.appendingPathComponent("mocks/contract"))
    }()

    /// Each breakage, the scenario written for it, and where in that scenario it must show.
    @Test(arguments: [
        (BrokenStorefront.Breakage.ignoresIdempotencyKey, "confirm-wrong-otp-replayed", "confirm"),
        (.wrongOTPIsGenericError, "otp-wrong-then-right", "confirm"),
        (.dropsVoucherOnRetry, "confirm-retry-same-key", "confirm"),
        (.skipsCredentialChecks, "bad-client-secret", "sign_in"),
        (.debitsBeforeOTP, "voucher-before-payment", "voucher"),
        (.chargesWhenOrdered, "bad-secret-on-payment", "effects: charges"),
    ])
    func caught(_ breakage: BrokenStorefront.Breakage, scenario: String, at action: String) async throws {
        let results = try await Self.run(breakage)
        let failed = results.filter { $0.outcome == .failed }.map(\.scenario)
        #expect(failed.contains(scenario), "\(breakage) should fail \(scenario); failed: \(failed)")
        let failure = results.first { $0.scenario == scenario }?.failure
        #expect(failure?.action == action, "\(breakage) should show at \(action): \(failure?.text ?? "passed")")
        #expect(results.filter { $0.outcome == .passed }.count >= 10, "the rest of the protocol still works through the broken storefront")
    }

    @Test func transparentProxyPasses() async throws {
        let results = try await Self.run(.none)
        #expect(results.filter { $0.outcome == .failed }.map { "\($0.scenario): \($0.failure?.text ?? "")" } == [])
        #expect(results.filter { $0.outcome == .passed }.count >= 30)
    }

    /// A throwaway gateway and its Tokopedia storefront, the broken proxy in front of the storefront, and
    /// the whole contract run against the proxy.
    static func run(_ breakage: BrokenStorefront.Breakage) async throws -> [ContractResult] {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let results = try await run(breakage, http: http)
            try await http.shutdown()
            return results
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    static func run(_ breakage: BrokenStorefront.Breakage, http: HTTPClient) async throws -> [ContractResult] {
        let logger = Logger(label: "contract-test") { _ in SwiftLogNoOpLogHandler() }
        let box = Mutex<[ContractResult]>([])
        try await TemporarySimulation.with(
            catalog: TestWorld.catalog, configuration: Gateway.Configuration(seed: 21, participants: 0), platforms: ["tokopedia"], http: http, logger: logger
        ) { running in
            let storefront = running.storefront("tokopedia")!
            let gateway = GatewayClient(http: http, baseURL: running.gatewayURL)
            let proxy = BrokenStorefront(breakage, upstream: storefront.baseURL, gateway: gateway, http: http, credentials: storefront.credentials)
            let port = AsyncStream.makeStream(of: Int.self)
            let app = Application(
                responder: proxy, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { port.continuation.yield($0.localAddress?.port ?? 0) }, logger: logger
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.runService() }
                var ports = port.stream.makeAsyncIterator()
                let bound = await ports.next() ?? 0
                let target = ContractTarget(platformID: "tokopedia", baseURL: "http://127.0.0.1:\(bound)", credentials: storefront.credentials)
                var runner = ContractRunner(http: http, catalog: TestWorld.catalog, gatewayURL: running.gatewayURL)
                runner.settle = .seconds(3)  // a broken storefront fails many scenarios' effects: do not wait 10 s on each
                let results = try await runner.run(scenarios.filter { $0.given.rules == nil || $0.given.rules == .y2021 }, targets: [target])
                box.withLock { $0 = results }
                group.cancelAll()
            }
        }
        return box.withLock { $0 }
    }
}
