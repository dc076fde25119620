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

/// One purchase and redemption per platform, through the shared protocol only.
struct Demo: Sendable {
    let catalog: Catalog
    let quiet: Bool
    let credentials: StorefrontCredentials?

    func run(http: HTTPClient, gatewayURL: String, storefronts: [String: String]) async throws {
        let client = GatewayClient(http: http, baseURL: gatewayURL)
        let script = try await PurchaseScript.load(client: client)
        var failures: [String] = []
        for platformID in PlatformRegistry.platformIDs where storefronts[platformID] != nil {
            do {
                try await purchase(platformID, baseURL: storefronts[platformID]!, http: http, client: client, script: script)
            } catch {
                failures.append(platformID)
                print("\(platformID): FAILED: \(error)")
            }
        }
        if !failures.isEmpty { throw ValidationError("the demo failed on \(failures.joined(separator: ", "))") }
        print("\ndemo: \(storefronts.count) of \(storefronts.count) platforms bought and redeemed a course")
    }

    private func purchase(_ platformID: String, baseURL: String, http: HTTPClient, client: GatewayClient, script: PurchaseScript) async throws {
        let quiet = quiet
        let adapter = try PlatformRegistry.adapter(platformID, http: http, baseURL: baseURL, catalog: catalog, credentials: credentials) { exchange in
            guard !quiet else { return }
            print(Self.render(exchange))
        }
        let participant = try await script.newParticipant()
        let name = catalog.platform(platformID)?.name ?? platformID
        if !quiet { print("\n== \(name) at \(baseURL)  participant card \(participant.cardNumber), balance Rp \(participant.balance)") }
        func step(_ text: String) { if !quiet { print("-- \(text)") } }
        step("sign in and bind the card")
        let account = try await adapter.signIn(username: "demo-\(participant.cardNumber.suffix(6))", cardNumber: participant.cardNumber)
        step("browse self-paced courses")
        let courses = try await adapter.courses(type: .selfPaced, limit: 20)
        guard let course = courses.first(where: { $0.price <= participant.balance }) else { throw ValidationError("no affordable self-paced course on \(platformID)") }
        step("place an order for \(course.id) \"\(course.title)\" Rp \(course.price)")
        let order = try await adapter.placeOrder(account: account, courseID: course.id)
        step("request the OTP")
        _ = try await adapter.requestOTP(account: account, orderID: order.id)
        let sms: [GatewayAPI.Message] = try await client.get("/sim/outbox/sms?recipient=\(participant.phone)").decode()
        guard let otp = sms.last.flatMap({ GatewayAPI.otp(in: $0.body) }) else { throw ValidationError("no OTP texted to \(participant.phone)") }
        step("the participant reads OTP \(otp) from the SMS and confirms")
        let paid = try await adapter.confirmOTP(account: account, orderID: order.id, otp: otp, idempotencyKey: "demo-\(order.id)")
        var voucher = paid.voucher
        if voucher == nil { step("paid; the voucher arrives later on this platform: poll the transaction page") }
        var polls = 0
        while voucher == nil, polls < 100 {
            do {
                voucher = try await adapter.voucher(account: account, orderID: order.id)
            } catch {
                guard error.kind == .voucherNotReady else { throw error }
            }
            if voucher == nil {
                polls += 1
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        guard let voucher else { throw ValidationError("no voucher on \(platformID) after \(polls) polls") }
        step("redeem \(voucher.redeemCode) at provider \(voucher.providerID)")
        try await script.redeem(
            GatewayAPI.Voucher(code: voucher.code, redeemCode: voucher.redeemCode, invoiceCode: voucher.invoiceCode, providerId: voucher.providerID, status: "active")
        )
        let after: GatewayAPI.Participant = try await client.get("/sim/participants/\(participant.cardNumber)").decode()
        print("\(platformID): paid Rp \(course.price) for \(course.id), voucher \(voucher.displayCode) (\(voucher.code)), redeemed; balance Rp \(participant.balance) -> Rp \(after.balance)")
    }

    static func render(_ exchange: AdapterTransport.Exchange) -> String {
        func clip(_ bytes: [UInt8], _ limit: Int = 260) -> String {
            let text = String(decoding: bytes, as: UTF8.self)
            return text.count > limit ? String(text.prefix(limit)) + "…" : text
        }
        let headers = exchange.requestHeaders.map { name, value in "\(name): \(value.count > 28 ? String(value.prefix(28)) + "…" : value)" }
        var lines = ["   > \(exchange.method) \(exchange.target)"]
        if !headers.isEmpty { lines.append("     " + headers.joined(separator: "  ")) }
        if !exchange.requestBody.isEmpty { lines.append("     " + clip(exchange.requestBody)) }
        lines.append("   < \(exchange.status) " + clip(exchange.responseBody))
        return lines.joined(separator: "\n")
    }
}

/// Runs `body` with one shared HTTP client and shuts it down afterwards.
func withHTTPClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
    var config = HTTPClient.Configuration()
    config.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    do {
        let result = try await body(http)
        try await http.shutdown()
        return result
    } catch {
        try? await http.shutdown()
        throw error
    }
}
