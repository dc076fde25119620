import Foundation
import Logging
import PostgresNIO
import PrakerjaCore
import PrakerjaPostgres
import PrakerjaTesting
import Testing

/// The PostgreSQL store on a real server: `scripts/test.sh` starts one (`scripts/postgres.sh`) and names it in
/// `PRAKERJA_TEST_POSTGRES_URL`; without it these suites are skipped, and say so.
enum TestDatabase {
    static let url = ProcessInfo.processInfo.environment["PRAKERJA_TEST_POSTGRES_URL"]
    static let logger = Logger(label: "postgres-test") { _ in SwiftLogNoOpLogHandler() }

    /// A store on a new, empty database of the test server, its pool running for the duration of `body`.
    static func withStore<T: Sendable>(poolSize: Int = 20, _ body: @Sendable (PostgresStore) async throws -> T) async throws -> T {
        let url = try #require(url, "PRAKERJA_TEST_POSTGRES_URL is not set")
        let name = "prakerja_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        // Generous start-up: the whole suite runs at once on two cores, and databases are created one at a time.
        var adminSettings = try PostgresStore.Settings(url: url, poolSize: 2)
        adminSettings.startupTimeout = .seconds(120)
        let admin = PostgresStore(settings: adminSettings, logger: logger)
        var components = URLComponents(string: url)!
        components.path = "/" + name
        var settings = try PostgresStore.Settings(url: components.string!, poolSize: poolSize)
        settings.startupTimeout = .seconds(120)
        settings.connectTimeout = .seconds(30)
        let store = PostgresStore(settings: settings, logger: logger)
        // A client's pool runs once: the admin's spans the database's whole life.
        return try await running(admin) {
            try await admin.administer("CREATE DATABASE \(name)")
            let result = try await running(store) {
                try await store.prepare()
                return try await body(store)
            }
            try await admin.administer("DROP DATABASE \(name) WITH (FORCE)")
            return result
        }
    }

    static func running<T: Sendable>(_ store: some PostgresPool, _ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await store.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }
}

@Suite(.enabled(if: TestDatabase.url != nil, "needs PRAKERJA_TEST_POSTGRES_URL (scripts/test.sh starts a server)"))
struct PostgresStoreConformance {
    @Test(arguments: StoreConformance.checks)
    func conformance(_ check: StoreConformance.Check) async throws {
        try await TestDatabase.withStore { store in try await check.run(store) }
    }
}

@Suite(.enabled(if: TestDatabase.url != nil, "needs PRAKERJA_TEST_POSTGRES_URL (scripts/test.sh starts a server)"))
struct PostgresStorefrontStoreConformance {
    @Test(arguments: StorefrontStoreConformance.checks)
    func conformance(_ check: StorefrontStoreConformance.Check) async throws {
        try await TestDatabase.withStore { gateway in
            // The storefronts' tables beside the gateway's, in the same database.
            let store = PostgresStorefrontStore(settings: gateway.settings, logger: TestDatabase.logger)
            try await TestDatabase.running(store) {
                try await store.prepare()
                try await check.run(store)
            }
        }
    }
}

@Suite(.enabled(if: TestDatabase.url != nil, "needs PRAKERJA_TEST_POSTGRES_URL (scripts/test.sh starts a server)"))
struct PostgresStoreTests {
    @Test func migratingTwiceAndConcurrentlyIsHarmless() async throws {
        try await TestDatabase.withStore { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { try await store.prepare() } }
                try await group.waitForAll()
            }
            #expect(try await store.participantCount() == 0)
        }
    }

    @Test func anAcknowledgedPaymentIsThereForAnotherPool() async throws {
        try await TestDatabase.withStore { store in
            let world = try await TestWorld(store: store)
            let p = try await world.participant()
            let (charge, voucher) = try await world.buy(p, course: world.courses()[0])
            // A second pool on the same database: what one process acknowledged, another reads.
            let other = PostgresStore(settings: store.settings, logger: TestDatabase.logger)
            let (readCharge, readVoucher, audit) = try await TestDatabase.running(other) { () async throws -> (Charge?, Voucher?, AuditReport) in
                (try await other.charge(id: charge.id), try await other.voucher(.code(voucher.code)), try await other.audit())
            }
            #expect(readCharge == charge && readVoucher == voucher)
            #expect(audit.ok && audit.paidCharges == 1 && audit.vouchers == 1)
        }
    }

    @Test func eachDeliveryAttemptIsClaimedByOneProcessAndAClaimExpires() async throws {
        try await TestDatabase.withStore { store in
            let world = try await TestWorld(store: store)
            let p = try await world.participant()
            let (charge, _) = try await world.buy(p, course: world.courses()[0])
            let delivery = try #require(try await store.deliveries(chargeID: charge.id).first { $0.status == .pending })
            let other = PostgresStore(settings: store.settings, logger: TestDatabase.logger)
            let now = Date()
            let claims = try await TestDatabase.running(other) { () async throws -> [Bool] in
                // Two processes race for attempt 1: one wins; the loser tries again before the lease ends, and loses.
                async let a = store.claimAttempt(deliveryID: delivery.id, number: 1, now: now, until: now + 60)
                async let b = other.claimAttempt(deliveryID: delivery.id, number: 1, now: now, until: now + 60)
                let first = try await [a, b]
                let again = try await other.claimAttempt(deliveryID: delivery.id, number: 1, now: now + 30, until: now + 90)
                // The winner died: after the lease, the attempt can be claimed again.
                let expired = try await other.claimAttempt(deliveryID: delivery.id, number: 1, now: now + 61, until: now + 121)
                // Attempt 2 cannot be claimed before attempt 1 is recorded.
                let early = try await other.claimAttempt(deliveryID: delivery.id, number: 2, now: now + 61, until: now + 121)
                return first + [again, expired, early]
            }
            #expect(claims[0] != claims[1], "one of two racing processes claims the attempt: \(claims)")
            #expect(claims[2] == false && claims[3] == true && claims[4] == false, "\(claims)")
        }
    }

    @Test func anUnreachableDatabaseIsAClearErrorAndA503Code() async throws {
        // A port nothing listens on.
        var settings = try PostgresStore.Settings(url: "postgres://nobody@127.0.0.1:9/none")
        settings.connectTimeout = .seconds(1)
        settings.startupTimeout = .seconds(2)
        let store = PostgresStore(settings: settings, logger: TestDatabase.logger)
        let (prepare, read) = try await TestDatabase.running(store) { () async throws -> ((any Error)?, (any Error)?) in
            var errors: [(any Error)?] = []
            do { try await store.prepare(); errors.append(nil) } catch { errors.append(error) }
            do { _ = try await store.participant(card: "5000000000000001"); errors.append(nil) } catch { errors.append(error) }
            return (errors[0], errors[1])
        }
        let error = prepare as? GatewayError
        #expect(error?.code == .storeUnavailable && error?.httpStatus == 503)
        #expect(error?.message.contains("127.0.0.1:9/none") == true && error?.message.contains("within 2") == true, "\(String(describing: prepare))")
        #expect((read as? GatewayError)?.code == .storeUnavailable, "\(String(describing: read))")
    }
}

struct PostgresSettingsTests {
    @Test func urlsAreReadWithTheirPasswordFromTheURLOrPGPASSWORD() throws {
        let s = try PostgresStore.Settings(url: "postgres://sim:s%40cret@db.example:6543/gateway?sslmode=require", poolSize: 8, environment: [:])
        #expect(s.host == "db.example" && s.port == 6543 && s.username == "sim" && s.password == "s@cret" && s.database == "gateway")
        #expect(s.requireTLS && s.poolSize == 8)
        let e = try PostgresStore.Settings(url: "postgresql://sim@127.0.0.1/gateway", environment: ["PGPASSWORD": "from-env"])
        #expect(e.port == 5432 && e.password == "from-env" && !e.requireTLS)
        for bad in ["postgres://127.0.0.1/gateway", "postgres://sim@127.0.0.1/", "mysql://sim@h/db", "postgres://sim@h/db?sslmode=maybe", "not a url"] {
            #expect(throws: GatewayError.self, "\(bad)") { try PostgresStore.Settings(url: bad, environment: [:]) }
        }
        #expect(throws: GatewayError.self) { try PostgresStore.Settings(url: "postgres://sim@h/db", poolSize: 0, environment: [:]) }
    }
}
