import Foundation
import Logging
import PostgresNIO
import PrakerjaCore
import Synchronization

/// One PostgreSQL database as the stores use it: a `PostgresClient` pool, a health check, transactions that are
/// run again when they lose a race, and errors sorted into the domain's (``GatewayError/Code/storeUnavailable``
/// when the database does not answer). The gateway's store and the storefronts' store each use one.
public final class PostgresDatabase: Sendable {
    public struct Settings: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String
        public var poolSize: Int
        /// `sslmode=require`: TLS, with the server's certificate verified (stricter than libpq's `require`).
        public var requireTLS: Bool
        /// `sslmode=prefer`: TLS when the server offers it.
        public var preferTLS: Bool
        /// How long connecting, and a health check, may take.
        public var connectTimeout: Duration = .seconds(5)
        /// How long reaching the database and migrating it may take at start-up.
        public var startupTimeout: Duration = .seconds(10)

        /// Settings from `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`; the password
        /// from the URL or, failing that, `PGPASSWORD`.
        public init(url: String, poolSize: Int = 20, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
            guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme ?? ""), let host = parts.host, !host.isEmpty else {
                throw GatewayError.field("db", "a PostgreSQL URL looks like postgres://USER@HOST:PORT/DATABASE")
            }
            let database = String(parts.path.drop(while: { $0 == "/" }))
            guard let user = parts.user, !user.isEmpty, !database.isEmpty else {
                throw GatewayError.field("db", "the PostgreSQL URL needs a user and a database: postgres://USER@HOST:PORT/DATABASE")
            }
            guard (1...1000).contains(poolSize) else { throw GatewayError.field("db-pool", "must be from 1 to 1000 connections") }
            let sslmode = parts.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
            guard ["disable", "prefer", "require"].contains(sslmode) else { throw GatewayError.field("db", "sslmode must be disable, prefer or require") }
            self.host = host
            self.port = parts.port ?? 5432
            // URLComponents decodes user, password and path already.
            self.username = user
            self.password = parts.password ?? environment["PGPASSWORD"]
            self.database = database
            self.poolSize = poolSize
            self.requireTLS = sslmode == "require"
            self.preferTLS = sslmode == "prefer"
        }

        var client: PostgresClient.Configuration {
            var c = PostgresClient.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: requireTLS ? .require(.makeClientConfiguration()) : preferTLS ? .prefer(.makeClientConfiguration()) : .disable
            )
            c.options.maximumConnections = poolSize
            c.options.minimumConnections = 0
            c.options.connectTimeout = connectTimeout
            return c
        }
    }

    let client: PostgresClient
    let logger: Logger
    public let settings: Settings
    /// Whether the database answered the last health check: while it does not, calls fail at once with
    /// `STORE_UNAVAILABLE` instead of queueing for a connection that will not come.
    private let reachable = Atomic<Bool>(true)

    /// Nothing is connected until ``run()`` runs the pool and ``prepare(migrations:)`` migrates.
    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        self.client = PostgresClient(configuration: settings.client, backgroundLogger: logger)
    }

    /// Runs the connection pool, and a health check once a second, until the task is cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            group.addTask {
                // Real time, not business time: how soon a lost database is noticed, and a restored one used again.
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    guard !Task.isCancelled else { break }
                    self.reachable.store(await self.ping(), ordering: .relaxed)
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Whether `SELECT 1` answers within the connect timeout, over a connection of its own (a pool busy with
    /// requests is not a database that is down).
    func ping() async -> Bool {
        let (settings, client, logger) = (settings, client, logger)
        return await Self.first(within: settings.connectTimeout, orElse: false) {
            // With TLS, through the pool (a TLS context of its own is not worth a ping).
            guard !settings.requireTLS && !settings.preferTLS else { return (try? await client.query("SELECT 1")) != nil }
            let configuration = PostgresConnection.Configuration(
                host: settings.host, port: settings.port, username: settings.username, password: settings.password, database: settings.database, tls: .disable
            )
            guard let connection = try? await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger) else { return false }
            let ok = (try? await connection.query("SELECT 1", logger: logger)) != nil
            try? await connection.close()
            return ok
        }
    }

    /// What `operation` returns, or `fallback` once `timeout` has passed. An operation that outlives the timeout
    /// (a connection attempt a server never answers) is left to end on its own: nobody waits for it.
    static func first<T: Sendable>(within timeout: Duration, orElse fallback: T, _ operation: @escaping @Sendable () async -> T) async -> T {
        let once = Once<T>()
        return await withCheckedContinuation { continuation in
            once.set(continuation)
            let work = Task { once.resume(await operation()) }
            Task {
                try? await Task.sleep(for: timeout)
                once.resume(fallback)
                work.cancel()
            }
        }
    }

    /// Resumes a continuation with whichever value comes first.
    final class Once<T: Sendable>: Sendable {
        private let state = Mutex<CheckedContinuation<T, Never>?>(nil)
        func set(_ continuation: CheckedContinuation<T, Never>) { state.withLock { $0 = continuation } }
        func resume(_ value: T) { state.withLock { $0.take() }?.resume(returning: value) }
    }

    /// Checks that the database answers (a clear error within the start-up timeout, not a hang, when it
    /// does not) and applies `migrations` it has not had yet.
    func prepare(migrations: [(name: String, sql: [String])]) async throws {
        let (client, logger, timeout) = (client, logger, settings.startupTimeout)
        let failure: String? = await Self.first(within: timeout, orElse: "no answer within \(timeout)") {
            do {
                try await Self.migrate(client, migrations: migrations, logger: logger)
                return nil
            } catch {
                return Self.describe(Self.underlying(error))
            }
        }
        reachable.store(failure == nil, ordering: .relaxed)
        if let failure {
            throw GatewayError(
                .storeUnavailable, "cannot use PostgreSQL at \(settings.host):\(settings.port)/\(settings.database) as \(settings.username): \(failure)"
            )
        }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? PSQLError {
            if let message = e.serverInfo?[.message] { return "\(message) (SQLSTATE \(e.serverInfo?[.sqlState] ?? "?"))" }
            return "\(e.code)" + (e.underlying.map { ": \($0)" } ?? "")
        }
        return "\(error)"
    }

    // MARK: Running statements

    /// A transaction, run again when it lost a race (see the type's documentation); connection failures
    /// become `STORE_UNAVAILABLE`.
    @discardableResult
    func transaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try available()
        return try await bounded { try await self.retrying(body) }
    }

    /// `operation`, or `STORE_UNAVAILABLE` as soon as the health check finds the database gone while it runs (it
    /// is cancelled: a connection it was waiting for is no longer awaited). A database that answers, however
    /// busy, is waited for.
    private func bounded<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
        try await withoutActuallyEscaping(operation) { operation in
            try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await operation() }
                group.addTask {
                    // Real time: how soon a request waiting on a vanished database is let go.
                    while self.reachable.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(250)) }
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else {
                    throw GatewayError(.storeUnavailable, "PostgreSQL at \(settings.host):\(settings.port) stopped answering")
                }
                return value
            }
        }
    }

    private func retrying<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await client.withTransaction(logger: logger) { db in try await body(db) }
            } catch {
                let error = Self.underlying(error)
                // A serialization failure or deadlock: run again. A unique key another process inserted first (an
                // idempotency key, a platform order id): run again a few times — the command's own checks then see
                // the row and decide; a key that is taken whatever happens stays an error.
                let state = (error as? PSQLError)?.serverInfo?[.sqlState]
                if (["40001", "40P01"].contains(state) && attempt < 50) || (state == "23505" && attempt < 3) {
                    attempt += 1
                    continue
                }
                throw Self.mapped(error)
            }
        }
    }

    private func available() throws {
        guard reachable.load(ordering: .relaxed) else {
            throw GatewayError(.storeUnavailable, "PostgreSQL at \(settings.host):\(settings.port) does not answer")
        }
    }

    /// The error a transaction's closure (or its BEGIN or COMMIT) threw, out of postgres-nio's wrapper.
    static func underlying(_ error: any Error) -> any Error {
        guard let wrapped = error as? PostgresTransactionError else { return error }
        return wrapped.closureError ?? wrapped.commitError ?? wrapped.beginError ?? wrapped.rollbackError ?? error
    }

    /// Runs one statement outside a transaction (`CREATE DATABASE` cannot run inside one): for tests and tools.
    package func administer(_ sql: String) async throws {
        let logger = logger
        try await read { db in _ = try await db.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
    }

    /// A read outside a transaction.
    func read<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try available()
        return try await bounded {
            do {
                return try await self.client.withConnection { db in try await body(db) }
            } catch {
                throw Self.mapped(Self.underlying(error))
            }
        }
    }

    /// A lost connection or a pool that cannot connect is `STORE_UNAVAILABLE`; the domain's refusals, a server's
    /// refusal (a bug to see) and anything else stay what they are.
    static func mapped(_ error: any Error) -> any Error {
        if error is CancellationError || String(reflecting: type(of: error)).contains("ConnectionPoolError") {
            return GatewayError(.storeUnavailable, "PostgreSQL: \(describe(error))")
        }
        guard let e = error as? PSQLError else { return error }
        // Connection failures, and a server that is shutting down, starting up or out of connections or resources.
        let state = e.serverInfo?[.sqlState] ?? ""
        guard e.code != .server || state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P") else { return error }
        return GatewayError(.storeUnavailable, "PostgreSQL: \(describe(error))")
    }

    /// Applies the migrations this database has not had yet, under a transaction-scoped advisory lock so that
    /// processes starting together migrate one at a time.
    static func migrate(_ client: PostgresClient, migrations: [(name: String, sql: [String])], logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { db in
            // One process migrates at a time; the others wait here, then find the work done.
            try await db.query("SELECT pg_advisory_xact_lock(727274)", logger: logger)
            try await db.query("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())", logger: logger)
            var applied: Set<String> = []
            for try await name in try await db.query("SELECT name FROM schema_migrations", logger: logger).decode(String.self) { applied.insert(name) }
            for migration in migrations where !applied.contains(migration.name) {
                for statement in migration.sql { try await db.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await db.query("INSERT INTO schema_migrations (name) VALUES (\(migration.name))", logger: logger)
            }
        }
    }
}

/// A store on PostgreSQL: its pool must run while it is used, and it must be prepared (migrated) first.
public protocol PostgresPool: Sendable {
    func run() async
    func prepare() async throws
}

extension PostgresStore: PostgresPool {}
extension PostgresStorefrontStore: PostgresPool {}
