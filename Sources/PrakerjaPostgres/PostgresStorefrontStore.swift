import Foundation
import Logging
import PostgresNIO
import PrakerjaCore
import PrakerjaPlatforms

/// The storefronts' own state (accounts and orders of all seven platforms) on PostgreSQL: `serve
/// --storefront-db postgres://…`. Its tables (`accounts`, `orders`, `webhook_receipts`) can share a database
/// with the gateway's. The same guarantees as on SQLite, made by the database for every process: a card binds
/// to one account per platform, ids come from sequences, a paid or refunded order never goes back and never
/// forgets its voucher, a webhook id is noted once.
public final class PostgresStorefrontStore: StorefrontStore, Sendable {
    let database: PostgresDatabase
    var logger: Logger { database.logger }

    public init(settings: PostgresDatabase.Settings, logger: Logger) {
        self.database = PostgresDatabase(settings: settings, logger: logger)
    }

    /// Runs the connection pool and its health check until the task is cancelled.
    public func run() async { await database.run() }

    /// Checks that the database answers and applies the storefront schema's migrations.
    public func prepare() async throws { try await database.prepare(migrations: Self.migrations) }

    static let migrations: [(name: String, sql: [String])] = [
        (
            "storefront-v1",
            [
                """
                CREATE TABLE accounts (
                    seq BIGSERIAL PRIMARY KEY,
                    platform_id TEXT NOT NULL,
                    id TEXT NOT NULL,
                    username TEXT NOT NULL,
                    card_number TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    UNIQUE (platform_id, id),
                    UNIQUE (platform_id, username),
                    UNIQUE (platform_id, card_number)
                )
                """,
                """
                CREATE TABLE orders (
                    seq BIGSERIAL PRIMARY KEY,
                    platform_id TEXT NOT NULL,
                    id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    course_id TEXT NOT NULL,
                    amount BIGINT NOT NULL CHECK (amount > 0),
                    status TEXT NOT NULL CHECK (status IN ('created', 'awaiting_otp', 'paid', 'locked', 'expired', 'refunded')),
                    charge_id TEXT,
                    refused_attempts BIGINT NOT NULL,
                    otp_expires_at BIGINT,
                    voucher_code TEXT,
                    redeem_code TEXT,
                    invoice_code TEXT,
                    provider_id TEXT,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    UNIQUE (platform_id, id)
                )
                """,
                """
                CREATE TABLE webhook_receipts (
                    platform_id TEXT NOT NULL,
                    webhook_id TEXT NOT NULL,
                    received_at BIGINT NOT NULL,
                    PRIMARY KEY (platform_id, webhook_id)
                )
                """,
            ]
        )
    ]

    public func bind(platformID: String, username: String, cardNumber: String, now: Date, makeID: @Sendable (Int64) -> String) async throws
        -> StorefrontAccount
    {
        let logger = logger
        return try await database.transaction { db in
            // One binding at a time per platform: the checks and the insert decide together, in every process.
            try await db.query("SELECT pg_advisory_xact_lock(hashtext(\(platformID)))", logger: logger)
            if let existing = try await Self.account(db, logger, platformID: platformID, username: username) {
                guard existing.cardNumber == cardNumber else { throw BuyerError(.accountBoundToOtherCard) }
                return existing
            }
            if try await Self.account(db, logger, platformID: platformID, card: cardNumber) != nil { throw BuyerError(.cardBoundToOtherAccount) }
            // The id from the sequence first, so that concurrent inserts never wait on a shared placeholder id.
            let seq = try await PGRows.one(db, "SELECT nextval(pg_get_serial_sequence('accounts', 'seq')) AS seq", logger) { try $0.int64("seq") } ?? 0
            let id = makeID(seq)
            try await db.query(
                """
                INSERT INTO accounts (seq, platform_id, id, username, card_number, created_at)
                VALUES (\(seq), \(platformID), \(id), \(username), \(cardNumber), \(now.millisecondsSince1970))
                """,
                logger: logger
            )
            return StorefrontAccount(platformID: platformID, id: id, username: username, cardNumber: cardNumber, createdAt: now)
        }
    }

    public func account(platformID: String, id: String) async throws -> StorefrontAccount? {
        let logger = logger
        return try await database.read { db in
            try await PGRows.one(db, "SELECT * FROM accounts WHERE platform_id = \(platformID) AND id = \(id)", logger, Self.account)
        }
    }

    private static func account(_ db: PostgresConnection, _ logger: Logger, platformID: String, username: String) async throws -> StorefrontAccount? {
        try await PGRows.one(db, "SELECT * FROM accounts WHERE platform_id = \(platformID) AND username = \(username)", logger, account)
    }

    private static func account(_ db: PostgresConnection, _ logger: Logger, platformID: String, card: String) async throws -> StorefrontAccount? {
        try await PGRows.one(db, "SELECT * FROM accounts WHERE platform_id = \(platformID) AND card_number = \(card)", logger, account)
    }

    private static func account(_ r: PGRow) throws -> StorefrontAccount {
        StorefrontAccount(
            platformID: try r.string("platform_id"), id: try r.string("id"), username: try r.string("username"), cardNumber: try r.string("card_number"),
            createdAt: try r.date("created_at")
        )
    }

    public func createOrder(_ draft: StorefrontOrder, makeID: @Sendable (Int64) -> String) async throws -> StorefrontOrder {
        let logger = logger
        return try await database.transaction { db in
            var order = draft
            let seq = try await PGRows.one(db, "SELECT nextval(pg_get_serial_sequence('orders', 'seq')) AS seq", logger) { try $0.int64("seq") } ?? 0
            order.id = makeID(seq)
            try await db.query(
                """
                INSERT INTO orders (seq, platform_id, id, account_id, course_id, amount, status, refused_attempts, created_at, updated_at)
                VALUES (\(seq), \(order.platformID), \(order.id), \(order.accountID), \(order.courseID), \(order.amount), \(order.status.rawValue), 0,
                    \(order.createdAt.millisecondsSince1970), \(order.updatedAt.millisecondsSince1970))
                """,
                logger: logger
            )
            return order
        }
    }

    public func order(platformID: String, id: String) async throws -> StorefrontOrder? {
        let logger = logger
        return try await database.read { db in
            try await PGRows.one(db, "SELECT * FROM orders WHERE platform_id = \(platformID) AND id = \(id)", logger) { r in
                let code = try r.optionalString("voucher_code")
                return StorefrontOrder(
                    platformID: try r.string("platform_id"), id: try r.string("id"), accountID: try r.string("account_id"),
                    courseID: try r.string("course_id"), amount: try r.int64("amount"),
                    status: OrderStatus(rawValue: try r.string("status")) ?? .created, chargeID: try r.optionalString("charge_id"),
                    refusedAttempts: try r.int("refused_attempts"), otpExpiresAt: try r.optionalDate("otp_expires_at"),
                    voucher: try code.map { StorefrontVoucher(
                        code: $0, redeemCode: try r.optionalString("redeem_code") ?? "", invoiceCode: try r.optionalString("invoice_code") ?? "",
                        providerID: try r.optionalString("provider_id") ?? ""
                    ) },
                    createdAt: try r.date("created_at"), updatedAt: try r.date("updated_at")
                )
            }
        }
    }

    public func save(_ order: StorefrontOrder) async throws {
        let logger = logger
        let status = order.status.rawValue
        try await database.transaction { db in
            // Paid and refunded are facts learnt from the gateway; a stale save cannot undo them or lose a voucher.
            try await db.query(
                """
                UPDATE orders SET
                    status = CASE WHEN status IN ('paid', 'refunded') AND \(status) NOT IN ('paid', 'refunded') THEN status ELSE \(status) END,
                    charge_id = COALESCE(\(order.chargeID), charge_id),
                    refused_attempts = GREATEST(refused_attempts, \(Int64(order.refusedAttempts))),
                    otp_expires_at = \(order.otpExpiresAt?.millisecondsSince1970),
                    voucher_code = COALESCE(voucher_code, \(order.voucher?.code)),
                    redeem_code = COALESCE(redeem_code, \(order.voucher?.redeemCode)),
                    invoice_code = COALESCE(invoice_code, \(order.voucher?.invoiceCode)),
                    provider_id = COALESCE(provider_id, \(order.voucher?.providerID)),
                    updated_at = \(order.updatedAt.millisecondsSince1970)
                WHERE platform_id = \(order.platformID) AND id = \(order.id)
                """,
                logger: logger
            )
        }
    }

    public func noteWebhook(platformID: String, webhookID: String, now: Date) async throws -> Bool {
        let logger = logger
        return try await database.transaction { db in
            try await PGRows.one(
                db,
                """
                INSERT INTO webhook_receipts (platform_id, webhook_id, received_at) VALUES (\(platformID), \(webhookID), \(now.millisecondsSince1970))
                ON CONFLICT DO NOTHING RETURNING 1 AS one
                """,
                logger
            ) { _ in true } ?? false
        }
    }
}
