import AsyncHTTPClient
import Crypto
import Foundation
import PrakerjaClient
import PrakerjaCore
import PrakerjaPlatforms

/// A platform's storefront under test: where it listens and the API client credentials it accepts.
public struct ContractTarget: Sendable {
    public var platformID: String
    public var baseURL: String
    public var credentials: StorefrontCredentials

    public init(platformID: String, baseURL: String, credentials: StorefrontCredentials) {
        self.platformID = platformID
        self.baseURL = baseURL
        self.credentials = credentials
    }
}

/// Runs contract scenarios against storefronts that pay through one gateway: sets up each scenario's
/// provider state through the gateway's simulation API, drives the storefront through its dialect's
/// adapter, and checks every step's outcome and, at the end, the gateway-side effects.
///
/// Scenarios run in parallel (`concurrency` at a time), each with its own participants and accounts;
/// the ones that move business time run afterwards, one at a time.
public struct ContractRunner: Sendable {
    public let http: any HTTPTransport
    public let catalog: Catalog
    public let gateway: GatewayClient
    public var concurrency: Int
    /// Real time, for request signatures (the adapters') and the adapter of `skewed_clock` steps.
    public let wallClock: any TimeSource
    /// How long asynchronous effects (e-mails, webhooks) and `wait` steps may take to show, in real time.
    public var settle: Duration = .seconds(10)
    /// Hears every request the adapters make and its answer, with the platform's id.
    public var observer: (@Sendable (String, AdapterTransport.Exchange) -> Void)?

    public init(http: any HTTPTransport, catalog: Catalog, gatewayURL: String, concurrency: Int = 8, wallClock: any TimeSource = SystemTimeSource()) {
        self.http = http
        self.catalog = catalog
        self.gateway = GatewayClient(http: http, baseURL: gatewayURL, wallClock: wallClock)
        self.concurrency = max(1, concurrency)
        self.wallClock = wallClock
    }

    /// The gateway's delivery retry schedule (nil from a gateway that does not say).
    public func retrySchedule() async -> RetrySchedule? {
        struct Faults: Decodable { var retrySchedule: String? }
        guard let response = try? await gateway.get("/sim/faults"), response.status == 200, let faults = try? response.decode(Faults.self) else { return nil }
        return faults.retrySchedule.flatMap { RetrySchedule(parsing: $0) }
    }

    /// The rules profile the gateway runs.
    public func rules() async throws -> RulesProfile.Name {
        struct Clock: Decodable { var rules: RulesProfile.Name }
        let response: GatewayClient.Response
        do { response = try await gateway.get("/sim/clock") } catch {
            throw ContractError("cannot reach the gateway at \(gateway.baseURL): \(error)")
        }
        guard response.status == 200, let clock = try? response.decode(Clock.self) else {
            throw ContractError("\(gateway.baseURL) is not a PrakerjaSim gateway (GET /sim/clock answered HTTP \(response.status))")
        }
        return clock.rules
    }

    /// Whether `scenario` applies to `platformID`'s dialect, and if not, why.
    public static func applicability(_ scenario: ContractScenario, platformID: String) -> String? {
        guard let dialect = PlatformRegistry.dialect(platformID) else { return "no dialect \(platformID)" }
        let a = scenario.applies
        if let delivery = a.delivery, delivery != dialect.delivery.rawValue { return "only for platforms with \(delivery) voucher delivery" }
        if let key = a.confirmKey, key != dialect.confirmCarriesKey {
            return key ? "only for dialects whose confirm carries an idempotency key" : "only for dialects whose confirm carries no key"
        }
        if let signed = a.signedTimestamps, signed != (dialect.timestampTolerance != nil) {
            return signed ? "only for dialects that sign a timestamp" : "only for dialects that sign no timestamp"
        }
        if let clientID = a.clientID, clientID != dialect.clientIDOnWire {
            return clientID ? "only for dialects whose clients send a client id" : "only for dialects authenticated by the secret alone"
        }
        return nil
    }

    /// Runs every applicable scenario on every target; `report` hears each result as it is known.
    public func run(
        _ scenarios: [ContractScenario], targets: [ContractTarget], report: @Sendable @escaping (ContractResult) async -> Void = { _ in }
    ) async throws -> [ContractResult] {
        let rules = try await rules()
        let schedule = await retrySchedule()
        let script = try await PurchaseScript.load(client: gateway)
        var shared: [(ContractScenario, ContractTarget)] = []
        var alone: [(ContractScenario, ContractTarget)] = []
        var results: [ContractResult] = []
        for scenario in scenarios {
            for target in targets {
                var reason = Self.applicability(scenario, platformID: target.platformID)
                if reason == nil, let wanted = scenario.given.rules, wanted != rules {
                    reason = "needs the \(wanted.rawValue) rules; the gateway runs \(rules.rawValue)"
                }
                if reason == nil, let wanted = scenario.applies.retrySchedule.flatMap({ RetrySchedule(parsing: $0) }),
                    schedule.map({ Array($0.delays.prefix(wanted.delays.count)) != wanted.delays }) ?? true
                {
                    reason = "advances by the retry schedule \(wanted); the gateway's is \(schedule?.description ?? "not given")"
                }
                if let reason {
                    let skipped = ContractResult(
                        platform: target.platformID, scenario: scenario.name, covers: scenario.covers, rules: rules.rawValue, outcome: .skipped, durationMS: 0,
                        reason: reason
                    )
                    results.append(skipped)
                    await report(skipped)
                } else if scenario.exclusive {
                    alone.append((scenario, target))
                } else {
                    shared.append((scenario, target))
                }
            }
        }
        let runner = self
        try await withThrowingTaskGroup(of: ContractResult.self) { group in
            var pending = shared.makeIterator()
            func next() -> Bool {
                guard let (scenario, target) = pending.next() else { return false }
                group.addTask { await runner.runOne(scenario, on: target, script: script, rules: rules) }
                return true
            }
            for _ in 0..<concurrency where !next() { break }
            while let result = try await group.next() {
                results.append(result)
                await report(result)
                _ = next()
            }
        }
        for (scenario, target) in alone {
            let result = await runOne(scenario, on: target, script: script, rules: rules)
            results.append(result)
            await report(result)
        }
        return ContractReport.ordered(results, platforms: targets.map(\.platformID), scenarios: scenarios)
    }

    /// The gateway's money-and-voucher audit, as problem lines.
    public func audit() async throws -> [String] {
        struct Audit: Decodable {
            var ok: Bool
            var problems: [String]
        }
        let response = try await gateway.get("/sim/audit")
        guard response.status == 200, let audit = try? response.decode(Audit.self) else {
            return ["GET /sim/audit answered HTTP \(response.status): \(response.text.prefix(200))"]
        }
        return audit.problems
    }

    func runOne(_ scenario: ContractScenario, on target: ContractTarget, script: PurchaseScript, rules: RulesProfile.Name) async -> ContractResult {
        let started = ContinuousClock.now
        var execution = ScenarioExecution(runner: self, scenario: scenario, target: target, script: script)
        let failure = await execution.run()
        let elapsed = ContinuousClock.now - started
        return ContractResult(
            platform: target.platformID, scenario: scenario.name, covers: scenario.covers, rules: rules.rawValue, outcome: failure == nil ? .passed : .failed,
            durationMS: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15, failure: failure
        )
    }
}

/// A real-time source an hour (or `offset`) away from another: an adapter that signs with a wrong clock.
struct SkewedClock: TimeSource {
    let base: any TimeSource
    let offset: TimeInterval
    func now() -> Date { base.now().addingTimeInterval(offset) }
}
