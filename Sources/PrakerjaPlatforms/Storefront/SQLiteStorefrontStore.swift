import Foundation
import GRDB
import PrakerjaCore

/// The storefronts' own state (accounts and orders of all seven platforms) in one SQLite file, WAL mode.
/// Kept apart from the gateway's database: a storefront may talk to an external gateway.
public struct SQLiteStorefrontStore: StorefrontStore {
    let writer: any DatabaseWriter

    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        try self.init(writer: DatabasePool(path: path, configuration: config))
    }

    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("storefront-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE accounts (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        platform_id TEXT NOT NULL,
                        id TEXT NOT NULL,
                        username TEXT NOT NULL,
                        card_number TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        UNIQUE (platform_id, id),
                        UNIQUE (platform_id, username),
                        UNIQUE (platform_id, card_number)
                    );
                    CREATE TABLE orders (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        platform_id TEXT NOT NULL,
                        id TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        course_id TEXT NOT NULL,
                        amount INTEGER NOT NULL CHECK (amount > 0),
                        status TEXT NOT NULL CHECK (status IN ('created', 'awaiting_otp', 'paid', 'locked', 'expired', 'refunded')),
                        charge_id TEXT,
                        refused_attempts INTEGER NOT NULL,
                        otp_expires_at INTEGER,
                        voucher_code TEXT,
                        redeem_code TEXT,
                        invoice_code TEXT,
                        provider_id TEXT,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        UNIQUE (platform_id, id)
                    );
                    """
            )
        }
        migrator.registerMigration("storefront-v2-webhooks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE webhook_receipts (
                        platform_id TEXT NOT NULL,
                        webhook_id TEXT NOT NULL,
                        received_at INTEGER NOT NULL,
                        PRIMARY KEY (platform_id, webhook_id)
                    );
                    """
            )
        }
        return migrator
    }

    public func bind(platformID: String, username: String, cardNumber: String, now: Date, makeID: @Sendable (Int64) -> String) async throws
        -> StorefrontAccount
    {
        try await writer.write { db in
            if let existing = try Self.account(db, "username = ?", [platformID, username]) {
                guard existing.cardNumber == cardNumber else { throw BuyerError(.accountBoundToOtherCard) }
                return existing
            }
            if try Self.account(db, "card_number = ?", [platformID, cardNumber]) != nil { throw BuyerError(.cardBoundToOtherAccount) }
            try db.cachedStatement(sql: "INSERT INTO accounts (platform_id, id, username, card_number, created_at) VALUES (?, '', ?, ?, ?)")
                .execute(arguments: [platformID, username, cardNumber, now.millisecondsSince1970])
            let seq = db.lastInsertedRowID
            let id = makeID(seq)
            try db.cachedStatement(sql: "UPDATE accounts SET id = ? WHERE seq = ?").execute(arguments: [id, seq])
            return StorefrontAccount(platformID: platformID, id: id, username: username, cardNumber: cardNumber, createdAt: now)
        }
    }

    public func account(platformID: String, id: String) async throws -> StorefrontAccount? {
        try await writer.read { db in try Self.account(db, "id = ?", [platformID, id]) }
    }

    private static func account(_ db: Database, _ condition: String, _ arguments: StatementArguments) throws -> StorefrontAccount? {
        let sql = "SELECT platform_id, id, username, card_number, created_at FROM accounts WHERE platform_id = ? AND \(condition)"
        return try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map { row in
            StorefrontAccount(platformID: row[0], id: row[1], username: row[2], cardNumber: row[3], createdAt: Date(millisecondsSince1970: row[4]))
        }
    }

    public func createOrder(_ draft: StorefrontOrder, makeID: @Sendable (Int64) -> String) async throws -> StorefrontOrder {
        try await writer.write { db in
            var order = draft
            try db.cachedStatement(
                sql: """
                    INSERT INTO orders (platform_id, id, account_id, course_id, amount, status, refused_attempts, created_at, updated_at)
                    VALUES (?, '', ?, ?, ?, ?, 0, ?, ?)
                    """
            ).execute(arguments: [
                order.platformID, order.accountID, order.courseID, order.amount, order.status.rawValue, order.createdAt.millisecondsSince1970,
                order.updatedAt.millisecondsSince1970,
            ])
            let seq = db.lastInsertedRowID
            order.id = makeID(seq)
            try db.cachedStatement(sql: "UPDATE orders SET id = ? WHERE seq = ?").execute(arguments: [order.id, seq])
            return order
        }
    }

    public func order(platformID: String, id: String) async throws -> StorefrontOrder? {
        try await writer.read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT platform_id, id, account_id, course_id, amount, status, charge_id, refused_attempts, otp_expires_at,
                               voucher_code, redeem_code, invoice_code, provider_id, created_at, updated_at
                        FROM orders WHERE platform_id = ? AND id = ?
                        """
                ),
                arguments: [platformID, id]
            ).map { row in
                let code: String? = row[9]
                return StorefrontOrder(
                    platformID: row[0], id: row[1], accountID: row[2], courseID: row[3], amount: row[4],
                    status: OrderStatus(rawValue: row[5]) ?? .created, chargeID: row[6], refusedAttempts: row[7],
                    otpExpiresAt: (row[8] as Int64?).map(Date.init(millisecondsSince1970:)),
                    voucher: code.map { StorefrontVoucher(code: $0, redeemCode: row[10], invoiceCode: row[11], providerID: row[12]) },
                    createdAt: Date(millisecondsSince1970: row[13]), updatedAt: Date(millisecondsSince1970: row[14])
                )
            }
        }
    }

    public func save(_ order: StorefrontOrder) async throws {
        try await writer.write { db in
            // Paid and refunded are facts learnt from the gateway; a stale save cannot undo them or lose a voucher.
            try db.cachedStatement(
                sql: """
                    UPDATE orders SET
                        status = CASE WHEN status IN ('paid', 'refunded') AND :status NOT IN ('paid', 'refunded') THEN status ELSE :status END,
                        charge_id = COALESCE(:charge, charge_id),
                        refused_attempts = MAX(refused_attempts, :refused),
                        otp_expires_at = :otp,
                        voucher_code = COALESCE(voucher_code, :code),
                        redeem_code = COALESCE(redeem_code, :redeem),
                        invoice_code = COALESCE(invoice_code, :invoice),
                        provider_id = COALESCE(provider_id, :provider),
                        updated_at = :updated
                    WHERE platform_id = :platform AND id = :id
                    """
            ).execute(arguments: [
                "status": order.status.rawValue, "charge": order.chargeID, "refused": order.refusedAttempts,
                "otp": order.otpExpiresAt?.millisecondsSince1970, "code": order.voucher?.code, "redeem": order.voucher?.redeemCode,
                "invoice": order.voucher?.invoiceCode, "provider": order.voucher?.providerID, "updated": order.updatedAt.millisecondsSince1970,
                "platform": order.platformID, "id": order.id,
            ])
        }
    }

    public func noteWebhook(platformID: String, webhookID: String, now: Date) async throws -> Bool {
        try await writer.write { db in
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO webhook_receipts (platform_id, webhook_id, received_at) VALUES (?, ?, ?)")
                .execute(arguments: [platformID, webhookID, now.millisecondsSince1970])
            return db.changesCount == 1
        }
    }
}
