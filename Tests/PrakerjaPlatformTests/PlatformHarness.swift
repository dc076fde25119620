import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import PrakerjaClient
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaSimulator
import PrakerjaSQLite
import PrakerjaTesting
import Testing

/// A gateway on a real SQLite file and one platform's storefront on another, both listening on loopback
/// ports, and that platform's adapter: the whole buyer path over real HTTP. Business time is frozen (the
/// world's clock); real time for signatures and tokens is a manual clock shared by everyone.
struct PlatformHarness: Sendable {
    let platformID: String
    let world: TestWorld
    let wall: ManualTimeSource
    let gatewayURL: String
    let storefront: StorefrontHost.Endpoint
    let adapter: any PlatformAdapter
    let running: SimulationServices.Running

    var gateway: Gateway { world.gateway }
    var dialect: any PlatformDialect.Type { PlatformRegistry.dialect(platformID)! }

    /// Runs `body` against a fresh gateway and `platformID`'s storefront, started by the simulator's own
    /// wiring (``SimulationServices``). With `storefrontGateway`, the storefront pays through that URL instead.
    static func with(
        _ platformID: String, storefrontGateway: String? = nil, _ body: @escaping @Sendable (PlatformHarness) async throws -> Void
    ) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prakerja-platform-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let wall = ManualTimeSource(Date(timeIntervalSince1970: 1_700_000_000))
        let world = try await TestWorld(
            store: try SQLiteStore(path: dir.appendingPathComponent("gateway.sqlite").path), webhookTransport: HTTPWebhookTransport(http: LeanHTTPClient.shared),
            wallClock: wall
        )
        let storefronts = try SQLiteStorefrontStore(path: dir.appendingPathComponent("storefronts.sqlite").path)
        var logger = Logger(label: "platform-test")
        logger.logLevel = .critical
        let services = SimulationServices(
            externalGateway: storefrontGateway, platforms: [platformID], wallClock: wall, storefrontGatewayTimeout: .seconds(5), logger: logger,
            deliverInBackground: false
        )
        try await services.run(gateway: world.gateway, storefrontStore: storefronts, http: LeanHTTPClient.shared, stopAfterReady: true) { running in
            guard let endpoint = running.storefront(platformID) else { throw TestFailure("no storefront for \(platformID)") }
            let adapter = try PlatformRegistry.adapter(platformID, http: LeanHTTPClient.shared, baseURL: endpoint.baseURL, catalog: world.catalog, wallClock: wall)
            try await body(PlatformHarness(platformID: platformID, world: world, wall: wall, gatewayURL: running.gatewayURL, storefront: endpoint, adapter: adapter, running: running))
        }
    }

    /// An adapter for the same storefront with other credentials or another base URL.
    func otherAdapter(credentials: StorefrontCredentials? = nil, baseURL: String? = nil, wallClock: (any TimeSource)? = nil) throws -> any PlatformAdapter {
        try PlatformRegistry.adapter(platformID, http: LeanHTTPClient.shared, baseURL: baseURL ?? storefront.baseURL, catalog: world.catalog, credentials: credentials, wallClock: wallClock ?? wall,
            timeout: .seconds(5))
    }

    /// A fresh participant (videos watched) signed in on the platform.
    func buyer(_ username: String? = nil, videos: Int = 3) async throws -> (Participant, BuyerAccount) {
        let participant = try await world.participant(videos: videos)
        let suffix: String = String(UUID().uuidString.prefix(8))
        let name: String = username ?? "buyer-\(suffix)"
        let account = try await adapter.signIn(username: name, cardNumber: participant.cardNumber)
        return (participant, account)
    }

    /// The newest OTP texted to `participant`, as their phone shows it.
    func otp(_ participant: Participant) async throws -> String {
        let sms = try await gateway.store.outbox(channel: .sms, recipient: participant.phone, afterID: 0, limit: 10_000)
        guard let body = sms.last?.body, let otp = GatewayAPI.otp(in: body) else { throw TestFailure("no OTP texted to \(participant.phone)") }
        return otp
    }

    /// The cheapest course of `type` on the platform that `participant` can afford.
    func course(type: CourseType = .selfPaced, maxPrice: Rupiah = 1_000_000) async throws -> BuyerCourse {
        let courses = try await adapter.courses(type: type, limit: 1000)
        guard let course = courses.first(where: { $0.price <= maxPrice }) else { throw TestFailure("no \(type) course on \(platformID) within Rp \(maxPrice)") }
        return course
    }

    /// Places an order and requests its OTP.
    func awaitingOTP(_ account: BuyerAccount, course wanted: BuyerCourse? = nil) async throws -> BuyerOrder {
        var chosen: BuyerCourse
        if let wanted { chosen = wanted } else { chosen = try await course() }
        let order: BuyerOrder = try await adapter.placeOrder(account: account, courseID: chosen.id)
        return try await adapter.requestOTP(account: account, orderID: order.id)
    }

    /// The voucher from the transaction page, once the gateway made the deliveries that are due (the
    /// `voucher.issued` webhook, for platforms that learn the voucher that way).
    func voucher(_ account: BuyerAccount, _ orderID: String) async throws -> BuyerVoucher {
        try await gateway.delivery.runDue()
        return try await adapter.voucher(account: account, orderID: orderID)
    }

    /// A full purchase: order, OTP, confirm, voucher.
    func buy(_ participant: Participant, _ account: BuyerAccount, course wanted: BuyerCourse? = nil) async throws -> (BuyerOrder, BuyerVoucher) {
        let order: BuyerOrder = try await awaitingOTP(account, course: wanted)
        let code: String = try await otp(participant)
        _ = try await adapter.confirmOTP(account: account, orderID: order.id, otp: code, idempotencyKey: "pay-" + order.id)
        let paid: BuyerVoucher = try await voucher(account, order.id)
        let page: BuyerOrder = try await adapter.order(account: account, orderID: order.id)
        return (page, paid)
    }

    /// Redeems, completes and rates the training behind `voucher`, so its owner may buy again.
    func finishTraining(_ voucher: BuyerVoucher) async throws {
        let provider = world.catalog.provider(voucher.providerID)!
        _ = try await gateway.redeemCommit(provider: provider, redeemCode: voucher.redeemCode, sequence: 1)
        _ = try await gateway.completeTraining(voucherCode: voucher.code)
        _ = try await gateway.rateTraining(voucherCode: voucher.code, rating: 5)
    }
}
