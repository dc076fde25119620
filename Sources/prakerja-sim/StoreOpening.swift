import ArgumentParser
import Foundation
import Logging
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaPostgres
import PrakerjaSQLite

/// `--db`: a SQLite file (the embedded default) or a PostgreSQL URL, for several gateway processes on one
/// database.
enum StoreLocation {
    case sqlite(path: String)
    case postgres(PostgresStore.Settings)

    init(_ db: String, poolSize: Int) throws {
        guard db.hasPrefix("postgres://") || db.hasPrefix("postgresql://") else {
            self = .sqlite(path: db)
            return
        }
        do {
            self = .postgres(try PostgresStore.Settings(url: db, poolSize: poolSize))
        } catch let error as GatewayError {
            throw ValidationError("--db: \(error.message)")
        }
    }

    /// Where the store is, with no password.
    var display: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let s): "postgres://\(s.username)@\(s.host):\(s.port)/\(s.database)"
        }
    }

    /// Opens the store and runs `body` with it; a PostgreSQL store's pool runs meanwhile. A database that cannot
    /// be reached at start-up ends the command with a message and exit code 1.
    func with<T: Sendable>(
        durability: SQLiteStore.Durability = .normal, logger: Logger, _ body: @Sendable @escaping (any GatewayStore) async throws -> T
    ) async throws -> T {
        switch self {
        case .sqlite(let path):
            return try await body(try SQLiteStore(path: path, durability: durability))
        case .postgres(let settings):
            let store = PostgresStore(settings: settings, logger: Self.poolLogger(logger))
            return try await Self.running(store) { try await body(store) }
        }
    }

    /// The storefronts' store here (`--storefront-db`), for `body`.
    func withStorefronts<T: Sendable>(logger: Logger, _ body: @Sendable @escaping (any StorefrontStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite(let path):
            return try await body(try SQLiteStorefrontStore(path: path))
        case .postgres(let settings):
            let store = PostgresStorefrontStore(settings: settings, logger: Self.poolLogger(logger))
            return try await Self.running(store) { try await body(store) }
        }
    }

    /// The pool reports each failed connection attempt; the store's own errors say what matters.
    static func poolLogger(_ logger: Logger) -> Logger {
        var poolLogger = logger
        if poolLogger.logLevel > .debug { poolLogger.logLevel = .critical }
        return poolLogger
    }

    /// Runs `pool` while `body` runs; a database that does not answer at start-up ends the command (exit 1).
    static func running<T: Sendable>(_ pool: some PostgresPool, _ body: @Sendable @escaping () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await pool.run()
                return nil
            }
            defer { group.cancelAll() }
            do {
                try await pool.prepare()
            } catch let error as GatewayError {
                FileHandle.standardError.write(Data("prakerja-sim: \(error.message)\n".utf8))
                throw ExitCode(1)
            }
            return try await body()
        }
    }
}
