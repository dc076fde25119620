import Foundation
import GRDB
import PrakerjaCore
import PrakerjaSQLite
import Synchronization

/// The storefronts' own state (accounts and orders of all seven platforms) in one SQLite file, WAL mode,
/// owned by one store in one process. Kept apart from the gateway's database: a storefront may talk to an
/// external gateway.
///
/// As the gateway's store does, it keeps its state in memory (loaded at start) and decides there under one
/// lock; each change goes to one writer that commits everything waiting in one transaction, and a call
/// returns only once its change is committed. A save that changes nothing writes nothing.
public struct SQLiteStorefrontStore: StorefrontStore {
    let writer: any DatabaseWriter
    private let core: CommittedMemory<Memory>

    private struct Memory: Sendable {
        /// `platform \u{1F} id`, `platform \u{1F} username`, `platform \u{1F} card` → account.
        var accounts: [String: Versioned<StorefrontAccount>] = [:]
        var accountByUsername: [String: String] = [:]
        var accountByCard: [String: String] = [:]
        var orders: [String: Versioned<StorefrontOrder>] = [:]
        var webhooks: Set<String> = []
        var nextAccount: Int64 = 1
        var nextOrder: Int64 = 1
        /// The gateway database this file belongs to (``pair(gatewayInstance:)``).
        var gatewayInstance: String?

        static func key(_ a: String, _ b: String) -> String { a + "\u{1F}" + b }
    }

    public init(path: String) throws {
        let ownership = try FileOwnership(databasePath: path)
        var config = Configuration()
        config.busyMode = .timeout(10)
        try self.init(writer: DatabasePool(path: path, configuration: config), ownership: ownership)
    }

    private init(writer: any DatabaseWriter, ownership: FileOwnership?) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
        core = try CommittedMemory(writer: writer, ownership: ownership, unavailable: "the storefronts' database") { db in try Self.load(db) }
    }

    private static func load(_ db: Database) throws -> Memory {
        var m = Memory()
        for row in try Row.fetchAll(db, sql: "SELECT platform_id, id, username, card_number, created_at FROM accounts") {
            let a = StorefrontAccount(platformID: row[0], id: row[1], username: row[2], cardNumber: row[3], createdAt: Date(millisecondsSince1970: row[4]))
            m.accounts[Memory.key(a.platformID, a.id)] = Versioned(value: a, sequence: 0)
            m.accountByUsername[Memory.key(a.platformID, a.username)] = a.id
            m.accountByCard[Memory.key(a.platformID, a.cardNumber)] = a.id
        }
        for row in try Row.fetchAll(db, sql: "SELECT \(orderColumns) FROM orders") {
            let o = order(row)
            m.orders[Memory.key(o.platformID, o.id)] = Versioned(value: o, sequence: 0)
        }
        for row in try Row.fetchAll(db, sql: "SELECT platform_id, webhook_id FROM webhook_receipts") { m.webhooks.insert(Memory.key(row[0], row[1])) }
        m.nextAccount = (try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM accounts") ?? 0) + 1
        m.nextOrder = (try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM orders") ?? 0) + 1
        m.gatewayInstance = try String.fetchOne(db, sql: "SELECT value FROM storefront_state WHERE key = 'gateway_instance'")
        return m
    }

    private func change<R: Sendable>(_ body: (inout Memory, () -> UInt64) throws -> (R, GroupCommitter.ChangeSet?)) async throws -> (R, UInt64?) {
        try await core.change(body)
    }

    private func committed(_ sequence: UInt64?) async throws { try await core.committed(sequence) }

    private func read<V: Sendable>(_ pick: (Memory) -> Versioned<V>?) async throws -> V? { try await core.read(pick) }

    /// Binds this file to the gateway database `instance` (the first time), or refuses it if it was made
    /// for another one: its accounts are bound to that gateway's cards, which a new gateway hands out again.
    public func pair(gatewayInstance instance: String, storePath: String) async throws {
        let (_, sequence) = try await change { memory, next -> (Void, GroupCommitter.ChangeSet?) in
            if let paired = memory.gatewayInstance {
                guard paired == instance else { throw StorefrontPairingMismatch(path: storePath) }
                return ((), nil)
            }
            guard memory.accounts.isEmpty, memory.orders.isEmpty else { throw StorefrontPairingMismatch(path: storePath) }
            memory.gatewayInstance = instance
            return ((), { db in
                try db.execute(sql: "INSERT OR REPLACE INTO storefront_state (key, value) VALUES ('gateway_instance', ?)", arguments: [instance])
            })
        }
        try await committed(sequence)
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
        // Which gateway database the accounts and orders belong to.
        migrator.registerMigration("storefront-v3-pairing") { db in
            try db.execute(sql: "CREATE TABLE storefront_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        }
        return migrator
    }


    public func bind(platformID: String, username: String, cardNumber: String, now: Date, makeID: @Sendable (Int64) -> String) async throws
        -> StorefrontAccount
    {
        let (account, sequence) = try await change { m, next -> (StorefrontAccount, GroupCommitter.ChangeSet?) in
            if let id = m.accountByUsername[Memory.key(platformID, username)], let existing = m.accounts[Memory.key(platformID, id)] {
                guard existing.value.cardNumber == cardNumber else { throw BuyerError(.accountBoundToOtherCard) }
                return (existing.value, nil)
            }
            if m.accountByCard[Memory.key(platformID, cardNumber)] != nil { throw BuyerError(.cardBoundToOtherAccount) }
            let seq = m.nextAccount
            m.nextAccount += 1
            let account = StorefrontAccount(platformID: platformID, id: makeID(seq), username: username, cardNumber: cardNumber, createdAt: now)
            m.accounts[Memory.key(platformID, account.id)] = Versioned(value: account, sequence: next())
            m.accountByUsername[Memory.key(platformID, username)] = account.id
            m.accountByCard[Memory.key(platformID, cardNumber)] = account.id
            return (account, { db in
                try db.cachedStatement(sql: "INSERT INTO accounts (seq, platform_id, id, username, card_number, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                    .execute(arguments: [seq, platformID, account.id, username, cardNumber, now.millisecondsSince1970])
            })
        }
        try await committed(sequence)
        return account
    }

    public func account(platformID: String, id: String) async throws -> StorefrontAccount? {
        try await read { $0.accounts[Memory.key(platformID, id)] }
    }

    public func createOrder(_ draft: StorefrontOrder, makeID: @Sendable (Int64) -> String) async throws -> StorefrontOrder {
        let (order, sequence) = try await change { m, next -> (StorefrontOrder, GroupCommitter.ChangeSet?) in
            var order = draft
            let seq = m.nextOrder
            m.nextOrder += 1
            order.id = makeID(seq)
            m.orders[Memory.key(order.platformID, order.id)] = Versioned(value: order, sequence: next())
            return (order, { [order] db in
                try db.cachedStatement(
                    sql: """
                        INSERT INTO orders (seq, platform_id, id, account_id, course_id, amount, status, refused_attempts, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
                        """
                ).execute(arguments: [
                    seq, order.platformID, order.id, order.accountID, order.courseID, order.amount, order.status.rawValue,
                    order.createdAt.millisecondsSince1970, order.updatedAt.millisecondsSince1970,
                ])
            })
        }
        try await committed(sequence)
        return order
    }

    public func order(platformID: String, id: String) async throws -> StorefrontOrder? {
        try await read { $0.orders[Memory.key(platformID, id)] }
    }

    public func save(_ order: StorefrontOrder) async throws {
        let (_, sequence) = try await change { m, next -> (Void, GroupCommitter.ChangeSet?) in
            let key = Memory.key(order.platformID, order.id)
            guard let known = m.orders[key]?.value else { return ((), nil) }
            let merged = Self.merge(order, into: known)
            // A save that changes nothing but the time stamp writes nothing.
            var unstamped = merged
            unstamped.updatedAt = known.updatedAt
            guard unstamped != known else { return ((), nil) }
            m.orders[key] = Versioned(value: merged, sequence: next())
            return ((), { db in
                try db.cachedStatement(
                    sql: """
                        UPDATE orders SET status = ?, charge_id = ?, refused_attempts = ?, otp_expires_at = ?, voucher_code = ?, redeem_code = ?,
                            invoice_code = ?, provider_id = ?, updated_at = ?
                        WHERE platform_id = ? AND id = ?
                        """
                ).execute(arguments: [
                    merged.status.rawValue, merged.chargeID, merged.refusedAttempts, merged.otpExpiresAt?.millisecondsSince1970, merged.voucher?.code,
                    merged.voucher?.redeemCode, merged.voucher?.invoiceCode, merged.voucher?.providerID, merged.updatedAt.millisecondsSince1970,
                    merged.platformID, merged.id,
                ])
            })
        }
        try await committed(sequence)
    }

    /// `order` saved over `known`: paid and refunded are facts learnt from the gateway, so a stale save cannot
    /// undo them or lose a voucher, whatever order concurrent saves arrive in.
    static func merge(_ order: StorefrontOrder, into known: StorefrontOrder) -> StorefrontOrder {
        var merged = known
        let settled: Set<OrderStatus> = [.paid, .refunded]
        if !(settled.contains(known.status) && !settled.contains(order.status)) { merged.status = order.status }
        merged.chargeID = order.chargeID ?? known.chargeID
        merged.refusedAttempts = max(known.refusedAttempts, order.refusedAttempts)
        merged.otpExpiresAt = order.otpExpiresAt
        merged.voucher = known.voucher ?? order.voucher
        merged.updatedAt = order.updatedAt
        return merged
    }

    public func noteWebhook(platformID: String, webhookID: String, now: Date) async throws -> Bool {
        let (fresh, sequence) = try await change { m, _ -> (Bool, GroupCommitter.ChangeSet?) in
            guard m.webhooks.insert(Memory.key(platformID, webhookID)).inserted else { return (false, nil) }
            return (true, { db in
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO webhook_receipts (platform_id, webhook_id, received_at) VALUES (?, ?, ?)")
                    .execute(arguments: [platformID, webhookID, now.millisecondsSince1970])
            })
        }
        // A repeat is answered as seen only once the first receipt is in the file (``change`` waits for it).
        try await committed(sequence)
        return fresh
    }

    private static let orderColumns = """
        platform_id, id, account_id, course_id, amount, status, charge_id, refused_attempts, otp_expires_at,
        voucher_code, redeem_code, invoice_code, provider_id, created_at, updated_at
        """

    private static func order(_ row: Row) -> StorefrontOrder {
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

/// A storefront database made for another gateway database (``SQLiteStorefrontStore/pair(gatewayInstance:storePath:)``).
public struct StorefrontPairingMismatch: Error, CustomStringConvertible {
    public let path: String
    public var description: String {
        "\(path) holds the storefront accounts and orders of another gateway database: its accounts are bound to that gateway's cards. "
            + "Give --storefront-db a new file (by default it is named after --db), or start the gateway on the database it was made with"
    }
}
