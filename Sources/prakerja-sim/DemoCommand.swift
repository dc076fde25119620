import ArgumentParser
import AsyncHTTPClient
import Foundation
import PrakerjaClient
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaSimulator

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Buy a course on each platform through its adapter and redeem it, printing every step with the platform's own wire format."
    )

    @Option(help: "Platform id, or all.") var platform = "all"
    @Option(help: "Base URL of a running gateway; without it, one is started in-process. The storefronts pay through it.") var gateway: String?
    @Option(help: "Base URL of an external storefront for --platform (e.g. a partner's staging system).") var storefront: String?
    @Option(help: "Client id for --storefront (default: the built-in storefront's).") var clientID: String?
    @Option(help: "Client secret for --storefront.") var clientSecret: String?
    @Flag(help: "Print only one line per platform.") var quiet = false
    @OptionGroup var options: GatewayOptions

    func validate() throws {
        guard platform == "all" || PlatformRegistry.dialect(platform) != nil else {
            throw ValidationError("--platform must be all or one of \(PlatformRegistry.platformIDs.joined(separator: ", "))")
        }
        if storefront != nil, platform == "all" { throw ValidationError("--storefront needs one --platform") }
        if (clientID == nil) != (clientSecret == nil) { throw ValidationError("give --client-id and --client-secret together") }
    }

    func run() async throws {
        let platforms = platform == "all" ? PlatformRegistry.platformIDs : [platform]
        let catalog = try options.loadCatalog()
        let demo = Demo(catalog: catalog, quiet: quiet, credentials: clientID.map { StorefrontCredentials(clientID: $0, clientSecret: clientSecret ?? "") })
        let external = storefront
        try await withHTTPClient { http in
            if let gateway, let external {
                try await demo.run(http: http, gatewayURL: gateway, storefronts: [platforms[0]: external])
                return
            }
            try await TemporarySimulation.with(
                catalog: catalog, configuration: options.configuration, platforms: platforms, externalGateway: gateway, http: http,
                logger: makeLogger(label: "prakerja-sim", level: .warning)
            ) { running in
                if gateway == nil { print("started an in-process gateway at \(running.gatewayURL)") }
                var urls = Dictionary(uniqueKeysWithValues: running.storefronts.map { ($0.platformID, $0.baseURL) })
                if let external { urls[platforms[0]] = external }
                try await demo.run(http: http, gatewayURL: gateway ?? running.gatewayURL, storefronts: urls)
            }
        }
    }
}

/// Which HTTP client carries a process's own calls (`--http-client`).
enum HTTPClientChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Plain `http://` on SwiftNIO's HTTP/1 codecs with a keep-alive pool, AsyncHTTPClient for the rest.
    case lean
    /// AsyncHTTPClient for everything.
    case asyncHTTPClient = "async-http-client"
}

/// Runs `body` with one shared HTTP client and shuts it down afterwards: the lean client for plain
/// `http://` (falling back to AsyncHTTPClient for TLS and the rest), or AsyncHTTPClient alone.
func withHTTPClient<T>(_ choice: HTTPClientChoice = .lean, _ body: (any HTTPTransport) async throws -> T) async throws -> T {
    var config = HTTPClient.Configuration()
    config.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
    // No tracer is bootstrapped; without this each request still opens and closes a no-op span with its
    // attributes (about a tenth of the load generator's CPU per request).
    config.tracing.tracer = nil
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    let lean = choice == .lean ? LeanHTTPClient(fallback: http) : nil
    do {
        let result = try await body(lean ?? http)
        lean?.shutdown()
        try await http.shutdown()
        return result
    } catch {
        lean?.shutdown()
        try? await http.shutdown()
        throw error
    }
}
