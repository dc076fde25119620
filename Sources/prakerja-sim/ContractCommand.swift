import ArgumentParser
import AsyncHTTPClient
import Foundation
import PrakerjaClient
import PrakerjaContract
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaSimulator
import Synchronization

/// `prakerja-sim contract`: the purchase/voucher protocol's scenarios against a platform's storefront.
struct ContractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contract",
        abstract: "Contract-test platform storefronts against the shared purchase/voucher protocol.",
        subcommands: [ContractRunCommand.self, ContractExportCommand.self],
        defaultSubcommand: ContractRunCommand.self
    )
}

struct ContractRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the contract scenarios (mocks/contract/*.json) and print one line per scenario and platform.",
        discussion: """
            Without --gateway, an in-process gateway and the built-in storefronts are started (once with the 2021 rules, once \
            with the 2023 rules for the scenarios that need them). With --gateway, the storefronts it lists at /sim/storefronts \
            are tested, or with --target the storefront at that URL, which must pay through that gateway. Exit 0 only when \
            every scenario that ran passed and the gateway's audit is clean.
            """
    )

    @Option(help: "Platform id, or all.") var platform = "all"
    @Option(help: "Base URL of the storefront to test (needs --platform NAME and --gateway).") var target: String?
    @Option(help: "API client id the target storefront accepts (default: the built-in storefront's).") var clientId: String?
    @Option(help: "API client secret the target storefront accepts.") var clientSecret: String?
    @Option(help: "Base URL of the gateway the storefronts pay through; its /sim API sets up each scenario's state.") var gateway: String?
    @Option(name: .customLong("scenario"), help: "Only scenarios whose name matches this glob (repeatable), e.g. 'otp-*'.") var patterns: [String] = []
    @Flag(help: "List the scenarios and the platforms they apply to, and exit.") var list = false
    @Option(help: "Write JUnit XML here.") var junit: String?
    @Option(help: "Write the results as JSON here.") var json: String?
    @Option(help: "Scenarios run at once (those that move business time run alone afterwards).") var concurrency = 8
    @Option(help: "Scenario directory (default: mocks/contract).") var scenarios: String?
    @Option(help: "Catalog directory (default: ./mocks).") var mocks: String?

    func validate() throws {
        if platform != "all" && !PlatformRegistry.platformIDs.contains(platform) {
            throw ValidationError("--platform must be all or one of \(PlatformRegistry.platformIDs.joined(separator: ", "))")
        }
        if target != nil {
            if platform == "all" { throw ValidationError("--target tests one storefront: name its dialect with --platform") }
            if gateway == nil { throw ValidationError("--target needs --gateway: the gateway that storefront pays through (its /sim API sets up each scenario)") }
            if (clientId == nil) != (clientSecret == nil) { throw ValidationError("give both --client-id and --client-secret, or neither") }
            if URL(string: target!)?.host == nil { throw ValidationError("--target must be a URL such as https://staging.example.com") }
        } else if clientId != nil || clientSecret != nil {
            throw ValidationError("--client-id and --client-secret go with --target")
        }
        if let gateway, URL(string: gateway)?.host == nil { throw ValidationError("--gateway must be a URL such as http://127.0.0.1:8080") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
    }

    func run() async throws {
        let catalog = try CatalogLocator.load(mocks)
        let directory = scenarios.map { URL(fileURLWithPath: $0) } ?? CatalogLocator.directory(mocks).appendingPathComponent("contract")
        var chosen: [ContractScenario]
        do { chosen = try ContractScenario.loadAll(from: directory) } catch { throw ValidationError("\(error)") }
        if !patterns.isEmpty {
            chosen = chosen.filter { s in patterns.contains { fnmatch($0, s.name, 0) == 0 } }
            guard !chosen.isEmpty else { throw ValidationError("no scenario matches \(patterns.joined(separator: ", ")); see --list") }
        }
        let platforms = platform == "all" ? PlatformRegistry.platformIDs : [platform]
        if list {
            printList(chosen, platforms: platforms)
            return
        }
        let report = try await withHTTPClient { http in try await execute(chosen, platforms: platforms, catalog: catalog, http: http) }
        print(report.summary)
        if let junit { try Data(report.junit().utf8).write(to: URL(fileURLWithPath: junit)) }
        if let json { try report.json().write(to: URL(fileURLWithPath: json)) }
        if !report.ok { throw ExitCode(1) }
    }

    private func printList(_ scenarios: [ContractScenario], platforms: [String]) {
        for s in scenarios {
            let applies = platforms.filter { ContractRunner.applicability(s, platformID: $0) == nil }
            var notes: [String] = []
            if let rules = s.given.rules { notes.append("\(rules.rawValue) rules") }
            if s.exclusive { notes.append("moves business time") }
            if applies.count < platforms.count { notes.append("on " + applies.joined(separator: ", ")) }
            print("\(s.name.padding(toLength: 38, withPad: " ", startingAt: 0)) \(s.covers.padding(toLength: 12, withPad: " ", startingAt: 0)) \(s.summary)"
                + (notes.isEmpty ? "" : "  [\(notes.joined(separator: "; "))]"))
        }
        for p in platforms {
            print("\(p): \(scenarios.filter { ContractRunner.applicability($0, platformID: p) == nil }.count) scenarios")
        }
    }

    private func execute(_ scenarios: [ContractScenario], platforms: [String], catalog: Catalog, http: any HTTPTransport) async throws -> ContractReport {
        let printer: @Sendable (ContractResult) async -> Void = { print($0.line) }
        if let gateway {
            let runner = ContractRunner(http: http, catalog: catalog, gatewayURL: gateway, concurrency: concurrency)
            let rules = try await runner.rules()
            let targets = try await targets(gateway: gateway, platforms: platforms, http: http)
            let results = try await runner.run(scenarios, targets: targets, report: printer)
            return ContractReport(gateway: gateway, rules: [rules.rawValue], results: results, auditProblems: try await runner.audit())
        }
        // In process: a 2021 gateway for everything not tagged 2023; a 2023 gateway for the 2023 scenarios and,
        // again, the programme-rule scenarios that hold under both profiles.
        let collected = Mutex<(results: [ContractResult], problems: [String], rules: [String])>(([], [], []))
        for rules in RulesProfile.Name.allCases {
            let batch = scenarios.filter { $0.given.rules == rules || ($0.given.rules == nil && (rules == .y2021 || $0.covers == "rule")) }
            guard !batch.isEmpty else { continue }
            var configuration = Gateway.Configuration(rules: .named(rules), seed: 21, participants: 0)
            configuration.deliveryParallelism = 16
            let concurrency = concurrency
            try await TemporarySimulation.with(
                catalog: catalog, configuration: configuration, platforms: platforms, http: http, logger: makeLogger(label: "prakerja-sim", level: .critical)
            ) { running in
                let runner = ContractRunner(http: http, catalog: catalog, gatewayURL: running.gatewayURL, concurrency: concurrency)
                let targets = running.storefronts.map { ContractTarget(platformID: $0.platformID, baseURL: $0.baseURL, credentials: $0.credentials) }
                let results = try await runner.run(batch, targets: targets, report: printer)
                let problems = try await runner.audit().map { "\(rules.rawValue) rules: \($0)" }
                collected.withLock {
                    $0.results += results
                    $0.problems += problems
                    $0.rules.append(rules.rawValue)
                }
            }
        }
        return collected.withLock { c in
            ContractReport(gateway: "in-process", rules: c.rules, results: ContractReport.ordered(c.results, platforms: platforms, scenarios: scenarios), auditProblems: c.problems)
        }
    }

    private func targets(gateway: String, platforms: [String], http: any HTTPTransport) async throws -> [ContractTarget] {
        if let target {
            let dialect = PlatformRegistry.dialect(platform)!
            guard let p = try CatalogLocator.load(mocks).platform(platform) else { throw ValidationError("no platform \(platform) in the catalog") }
            let credentials = clientId.map { StorefrontCredentials(clientID: $0, clientSecret: clientSecret ?? "") } ?? dialect.credentials(for: p)
            return [ContractTarget(platformID: platform, baseURL: target.hasSuffix("/") ? String(target.dropLast()) : target, credentials: credentials)]
        }
        let response = try await GatewayClient(http: http, baseURL: gateway).get("/sim/storefronts")
        let listing: [StorefrontListingEntry] = response.status == 200 ? try response.decode() : []
        let targets = platforms.compactMap { id in
            listing.first { $0.platformId == id }.map {
                ContractTarget(platformID: id, baseURL: $0.baseUrl, credentials: StorefrontCredentials(clientID: $0.clientId, clientSecret: $0.clientSecret))
            }
        }
        guard !targets.isEmpty else {
            throw ValidationError("the gateway at \(gateway) lists no storefront for \(platforms.joined(separator: ", ")) (GET /sim/storefronts); give --target URL")
        }
        return targets
    }
}

/// `prakerja-sim contract export --format pact`: Pact V4 files for both sides of each platform — its storefront
/// → the gateway, and its adapter → its storefront (recorded against in-process storefronts).
struct ContractExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write Pact V4 contracts with provider states: each platform's storefront → the gateway, and its adapter → its storefront.",
        discussion: """
            The adapter → storefront contracts are recorded from the real adapters against in-process storefronts. Verify them with the \
            Pact verifier (PyPI pact-python-cli) against a running `prakerja-sim serve`: the gateway side with `pact verifier --dir DIR \
            --hostname 127.0.0.1 --port 8080 --provider-name prakerja-gateway --state-change-url http://127.0.0.1:8080/sim/pact/state`, a \
            storefront with `--port <its port> --provider-name tokopedia-storefront --state-change-url \
            http://127.0.0.1:8080/sim/pact/storefronts/state` (GET /sim/storefronts lists the ports).
            """
    )

    @Option(help: "Contract format (pact).") var format = "pact"
    @Option(help: "Directory to write the contracts to (created if missing).") var out: String
    @Option(help: "Platform id, or all.") var platform = "all"
    @Option(help: "Catalog directory (default: ./mocks).") var mocks: String?

    func validate() throws {
        guard format == "pact" else { throw ValidationError("--format must be pact") }
        if platform != "all" && !PlatformRegistry.platformIDs.contains(platform) {
            throw ValidationError("--platform must be all or one of \(PlatformRegistry.platformIDs.joined(separator: ", "))")
        }
    }

    func run() async throws {
        let catalog = try CatalogLocator.load(mocks)
        let dir = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let platforms = platform == "all" ? PlatformRegistry.platformIDs : [platform]
        var files = try PactExport.storefrontToGateway(catalog: catalog, platforms: platforms)
        let recorded = Mutex<[(file: String, json: Data)]>([])
        try await withHTTPClient { http in
            try await TemporarySimulation.with(
                catalog: catalog, configuration: Gateway.Configuration(rules: .named(.y2021), seed: 21, participants: 0), platforms: platforms, http: http,
                logger: makeLogger(label: "prakerja-sim", level: .critical)
            ) { running in
                let targets = running.storefronts.map { ContractTarget(platformID: $0.platformID, baseURL: $0.baseURL, credentials: $0.credentials) }
                    .sorted { $0.platformID < $1.platformID }
                let pacts = try await PactExport.adapterToStorefront(http: http, gatewayURL: running.gatewayURL, targets: targets)
                recorded.withLock { $0 = pacts }
            }
        }
        files += recorded.withLock { $0 }
        for (file, json) in files {
            let url = dir.appendingPathComponent(file)
            try json.write(to: url)
            print("wrote \(url.path)")
        }
    }
}
