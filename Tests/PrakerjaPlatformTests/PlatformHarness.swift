import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import PrakerjaClient
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaServer
import PrakerjaSQLite
import PrakerjaTesting
import ServiceLifecycle
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

    var gateway: Gateway { world.gateway }
    var dialect: any PlatformDialect.Type { PlatformRegistry.dialect(platformID)! }

    /// Runs `body` against a fresh gateway and `platformID`'s storefront. With `storefrontGateway`, the
    /// storefront pays through that URL instead of the harness's gateway.
    static func with(_ platformID: String, storefrontGateway: String? = nil, _ body: @Sendable (PlatformHarness) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prakerja-platform-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let world = try await TestWorld(store: try SQLiteStore(path: dir.appendingPathComponent("gateway.sqlite").path))
        let storefronts = try SQLiteStorefrontStore(path: dir.appendingPathComponent("storefronts.sqlite").path)
        let wall = ManualTimeSource(Date(timeIntervalSince1970: 1_700_000_000))
        var logger = Logger(label: "platform-test")
        logger.logLevel = .critical

        let running = RunningServices(logger: logger)
        let gatewayApp = buildApplication(gateway: world.gateway, host: "127.0.0.1", port: 0, wallClock: wall, logger: logger) { port in
            await running.gatewayReady(port)
        }
        await running.start([gatewayApp])
        let gatewayURL = "http://127.0.0.1:\(await running.gatewayPort())"
        let host = StorefrontHost(
            catalog: world.catalog, gatewayURL: storefrontGateway ?? gatewayURL, http: .shared, store: storefronts, wallClock: wall,
            gatewayTimeout: .seconds(1), only: [platformID]
        )
        await running.start(host.services(host: "127.0.0.1", port: { _ in 0 }, logger: logger) { endpoint in
            await running.ready(endpoint)
        })
        let endpoint = try await running.endpoint()
        let adapter = try PlatformRegistry.adapter(platformID, http: .shared, baseURL: endpoint.baseURL, catalog: world.catalog, wallClock: wall)
        let harness = PlatformHarness(platformID: platformID, world: world, wall: wall, gatewayURL: gatewayURL, storefront: endpoint, adapter: adapter)
        do {
            try await body(harness)
        } catch {
            await running.stop()
            throw error
        }
        await running.stop()
    }

    /// An adapter for the same storefront with other credentials or another base URL.
    func otherAdapter(credentials: StorefrontCredentials? = nil, baseURL: String? = nil) throws -> any PlatformAdapter {
        try PlatformRegistry.adapter(platformID, http: .shared, baseURL: baseURL ?? storefront.baseURL, catalog: world.catalog, credentials: credentials, wallClock: wall,
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
    func course(type: CourseType = .selfPaced, maxPrice: Rupiah = 1_000_000) async throws -> StoreCourse {
        let courses = try await adapter.courses(type: type, limit: 1000)
        guard let course = courses.first(where: { $0.price <= maxPrice }) else { throw TestFailure("no \(type) course on \(platformID) within Rp \(maxPrice)") }
        return course
    }

    /// Places an order and requests its OTP.
    func awaitingOTP(_ account: BuyerAccount, course wanted: StoreCourse? = nil) async throws -> StoreOrder {
        var chosen: StoreCourse
        if let wanted { chosen = wanted } else { chosen = try await course() }
        let order: StoreOrder = try await adapter.placeOrder(account: account, courseID: chosen.id)
        return try await adapter.requestOTP(account: account, orderID: order.id)
    }

    /// The voucher, polling the transaction page as a buyer would on platforms that learn it later.
    func voucher(_ account: BuyerAccount, _ orderID: String) async throws -> StoreVoucher {
        for _ in 0..<50 {
            do {
                return try await adapter.voucher(account: account, orderID: orderID)
            } catch {
                guard error.kind == .voucherNotReady else { throw error }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("no voucher for order \(orderID) on \(platformID)")
    }

    /// A full purchase: order, OTP, confirm, voucher.
    func buy(_ participant: Participant, _ account: BuyerAccount, course wanted: StoreCourse? = nil) async throws -> (StoreOrder, StoreVoucher) {
        let order: StoreOrder = try await awaitingOTP(account, course: wanted)
        let code: String = try await otp(participant)
        _ = try await adapter.confirmOTP(account: account, orderID: order.id, otp: code, idempotencyKey: "pay-" + order.id)
        let paid: StoreVoucher = try await voucher(account, order.id)
        let page: StoreOrder = try await adapter.order(account: account, orderID: order.id)
        return (page, paid)
    }

    /// Redeems, completes and rates the training behind `voucher`, so its owner may buy again.
    func finishTraining(_ voucher: StoreVoucher) async throws {
        let provider = world.catalog.provider(voucher.providerID)!
        _ = try await gateway.redeemCommit(provider: provider, redeemCode: voucher.redeemCode, sequence: 1)
        _ = try await gateway.completeTraining(voucherCode: voucher.code)
        _ = try await gateway.rateTraining(voucherCode: voucher.code, rating: 5)
    }
}


/// Services started in the background for one test, with the ports they reported.
actor RunningServices {
    let logger: Logger
    var groups: [ServiceGroup] = []
    var tasks: [Task<Void, any Error>] = []
    var endpoints: [StorefrontHost.Endpoint] = []
    var waiters: [CheckedContinuation<StorefrontHost.Endpoint, Never>] = []

    init(logger: Logger) { self.logger = logger }

    func start(_ services: [any Service]) {
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [], logger: logger)
        groups.append(group)
        tasks.append(Task { try await group.run() })
    }

    var gateway: Int?
    var gatewayWaiter: CheckedContinuation<Int, Never>?

    func gatewayReady(_ port: Int) {
        if let waiter = gatewayWaiter { waiter.resume(returning: port) } else { gateway = port }
    }

    func gatewayPort() async -> Int {
        if let gateway { return gateway }
        return await withCheckedContinuation { gatewayWaiter = $0 }
    }

    func ready(_ endpoint: StorefrontHost.Endpoint) {
        if waiters.isEmpty { endpoints.append(endpoint) } else { waiters.removeFirst().resume(returning: endpoint) }
    }

    func endpoint() async -> StorefrontHost.Endpoint {
        if !endpoints.isEmpty { return endpoints.removeFirst() }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func stop() async {
        for group in groups.reversed() { await group.triggerGracefulShutdown() }
        for task in tasks { _ = try? await task.value }
    }
}
