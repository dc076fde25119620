import Foundation
import GRDB
import PrakerjaCore

/// The embedded store: one SQLite file in WAL mode, through GRDB.
///
/// Writes are serialised on GRDB's writer connection, so each command's read-check-write is atomic. The
/// schema backs the domain's promises with constraints of its own: a balance can never be negative, a
/// charge has at most one voucher, at most one debit and at most one refund.
public struct SQLiteStore: GatewayStore {
    public enum Durability: String, Sendable, CaseIterable {
        /// `synchronous=NORMAL`: an acknowledged write survives a killed process (not a power cut).
        case normal
        /// `synchronous=FULL`: an fsync per transaction; survives a power cut too.
        case full
    }

    let writer: any DatabaseWriter
    private let commitCounter = CommitCounter()

    /// Write transactions committed since this store was opened.
    public var commits: Int { commitCounter.value }

    /// Opens (creating if needed) the database at `path` and migrates it.
    public init(path: String, durability: Durability = .normal) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: config)
        // DatabasePool sets synchronous=NORMAL itself after prepareDatabase; set FULL afterwards and check it.
        // The pragma is per connection; commits happen on the pool's single writer connection.
        if durability == .full {
            try pool.barrierWriteWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        }
        try self.init(writer: pool)
        let level = try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        guard level == (durability == .full ? 2 : 1) else {
            throw DatabaseError(message: "synchronous is \(level.map(String.init) ?? "unknown"), not \(durability.rawValue)")
        }
    }

    /// An in-memory database, for quick tests of the logic around the store.
    public static func inMemory() throws -> SQLiteStore {
        try SQLiteStore(writer: DatabaseQueue())
    }

    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
        // Keys are kept in their command's transaction, so none is ever left in flight; earlier versions
        // could leave one behind a crash, and such a key is released (its request never completed).
        try writer.write { db in try db.execute(sql: "DELETE FROM idempotency WHERE state = 'pending'") }
        let counter = commitCounter
        try writer.writeWithoutTransaction { db in db.add(transactionObserver: counter, extent: .databaseLifetime) }
    }

    /// The writer connection's `synchronous` level: 1 = NORMAL, 2 = FULL.
    public func synchronousLevel() async throws -> Int {
        try await writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The `journal_mode` in force (`wal` for a file database).
    public func journalMode() async throws -> String {
        try await writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    // MARK: Participants

    public func insertParticipants(count: Int, onlyIntoEmptyStore: Bool, _ make: @Sendable (ParticipantNumber) -> Participant) async throws -> [Participant] {
        try await writer.write { db in
            if onlyIntoEmptyStore, try Bool.fetchOne(db, sql: "SELECT 1 FROM participants LIMIT 1") == true { return [] }
            let last = try Int.fetchOne(db, sql: "SELECT value FROM sim_state WHERE key = 'participant_sequence'") ?? 0
            let epoch = try Int.fetchOne(db, sql: "SELECT value FROM sim_state WHERE key = 'epoch'") ?? 0
            let made = (0..<max(count, 0)).map { make(ParticipantNumber(ordinal: last + 1 + $0, epoch: epoch)) }
            for p in made {
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM blacklist WHERE nik = ?", arguments: [p.nik]) == true {
                    throw GatewayError(.blacklisted, details: ["nik": p.nik])
                }
                if try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM participants WHERE nik = ? OR card_number = ? OR id = ?", arguments: [p.nik, p.cardNumber, p.id]
                ) == true {
                    throw GatewayError(.duplicateParticipant)
                }
                try Rows.insert(p, db)
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO sim_state (key, value) VALUES ('participant_sequence', ?)", arguments: [last + made.count]
            )
            return made
        }
    }

    public func participant(card: String) async throws -> Participant? {
        try await writer.read { db in try Rows.participant(db, card: card) }
    }

    public func participants(offset: Int, limit: Int) async throws -> [Participant] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM participants ORDER BY rowid LIMIT ? OFFSET ?", arguments: [limit, offset])
                .map(Rows.participant)
        }
    }

    public func participantCount() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM participants") ?? 0 }
    }

    public func isBlacklisted(nik: String) async throws -> Bool {
        try await writer.read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM blacklist WHERE nik = ?", arguments: [nik]) ?? false }
    }

    // MARK: Commands

    public func withParticipant<T: Sendable>(
        card: String, binding: (platformID: String, accountID: String)?, now: Date, idempotency: IdempotencyClaim<T>?,
        _ body: @Sendable (inout Workspace) throws -> T
    ) async throws -> Idempotent<T> {
        let binding = binding.map { ($0.platformID, $0.accountID) }
        return try await command(idempotency, now: now) { db in
            guard let participant = try Rows.participant(db, card: card) else { throw GatewayError(.unknownCard) }
            var ws = Workspace(now: now, participant: participant)
            if let (platformID, accountID) = binding {
                ws.accountOwnerCard = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT card_number FROM bindings WHERE platform_id = ? AND account_id = ?"),
                    arguments: [platformID, accountID]
                )
                ws.cardAccount = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT account_id FROM bindings WHERE platform_id = ? AND card_number = ?"),
                    arguments: [platformID, card]
                )
            }
            let original = ws
            let result = try body(&ws)
            try Rows.persist(ws, original: original, db)
            return result
        }
    }

    public func withCharge<T: Sendable>(
        id: String, now: Date, idempotency: IdempotencyClaim<T>?, _ body: @Sendable (inout Workspace) throws -> T
    ) async throws -> Idempotent<T> {
        try await command(idempotency, now: now) { db in
            guard let charge = try Rows.charge(db, id: id),
                let participant = try Rows.participant(db, id: charge.participantID)
            else { throw GatewayError(.unknownCharge) }
            let voucher = try charge.voucherCode.flatMap { try Rows.voucher(db, .code($0)) }
            var ws = Workspace(now: now, participant: participant, charge: charge, voucher: voucher)
            ws.webhookSubscribed = try Rows.webhookSubscribed(db, charge.platformID)
            let original = ws
            let result = try body(&ws)
            try Rows.persist(ws, original: original, db)
            return result
        }
    }

    /// One write transaction: the idempotency key (if any) checked, the command run in a savepoint (so a
    /// refusal it throws half-way leaves nothing behind), the key's response kept; a kept refusal is
    /// committed, then thrown.
    ///
    /// A key is never changed once kept, so a retry whose key is already kept is answered from a read
    /// connection without queueing for the writer (unless the caller has just looked: ``IdempotencyClaim/checkedUnused``);
    /// the key is looked up again inside the write, which settles a race between two first uses.
    private func command<T: Sendable>(_ claim: IdempotencyClaim<T>?, now: Date, _ run: @Sendable (Database) throws -> T) async throws -> Idempotent<T> {
        if let claim, !claim.checkedUnused, let seen = try await idempotentResponse(platformID: claim.platformID, key: claim.key) {
            guard seen.fingerprint == claim.fingerprint else { throw GatewayError(.idempotencyKeyReused) }
            return .replay(seen.response)
        }
        return try await writer.write { db in
            try IdempotencyClaim.execute(
                claim,
                lookup: { platformID, key in try Self.keptResponse(db, platformID, key) },
                save: { platformID, key, fingerprint, response in
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO idempotency (platform_id, key, fingerprint, state, status, body, created_at)
                            VALUES (?, ?, ?, 'done', ?, ?, ?)
                            """
                    ).execute(arguments: [platformID, key, fingerprint, response.status, Data(response.body), now.millisecondsSince1970])
                },
                command: {
                    guard claim != nil else { return try run(db) }
                    var result: T?
                    try db.inSavepoint {
                        result = try run(db)
                        return .commit
                    }
                    return result!
                }
            )
        }.get()
    }

    public func idempotentResponse(platformID: String, key: String) async throws -> (fingerprint: String, response: StoredResponse)? {
        try await writer.read { db in try Self.keptResponse(db, platformID, key) }
    }

    private static func keptResponse(_ db: Database, _ platformID: String, _ key: String) throws -> (fingerprint: String, response: StoredResponse)? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT fingerprint, status, body FROM idempotency WHERE platform_id = ? AND key = ? AND state = 'done'"),
            arguments: [platformID, key]
        ).map { row in (row["fingerprint"], StoredResponse(status: row["status"], body: Array(row["body"] as Data))) }
    }

    public func withVoucher<T: Sendable>(_ key: VoucherKey, now: Date, _ body: @Sendable (inout Workspace?) throws -> T) async throws -> T {
        try await writer.write { db in
            var ws: Workspace?
            if let voucher = try Rows.voucher(db, key), let charge = try Rows.charge(db, id: voucher.chargeID),
                let participant = try Rows.participant(db, id: voucher.participantID)
            {
                ws = Workspace(now: now, participant: participant, charge: charge, voucher: voucher)
                ws?.webhookSubscribed = try Rows.webhookSubscribed(db, charge.platformID)
            }
            let original = ws
            let result = try body(&ws)
            if let ws, let original { try Rows.persist(ws, original: original, db) }
            return result
        }
    }

    // MARK: Reads

    public func charge(id: String) async throws -> Charge? {
        try await writer.read { db in try Rows.charge(db, id: id) }
    }

    public func chargeEvents(chargeID: String) async throws -> [ChargeEvent] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM charge_events WHERE charge_id = ? ORDER BY id", arguments: [chargeID]).map(Rows.event)
        }
    }

    public func voucher(_ key: VoucherKey) async throws -> Voucher? {
        try await writer.read { db in try Rows.voucher(db, key) }
    }

    public func vouchers(participantID: String) async throws -> [Voucher] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM vouchers WHERE participant_id = ? ORDER BY issued_at, code", arguments: [participantID])
                .map(Rows.voucher)
        }
    }

    public func ledger(participantID: String) async throws -> [LedgerEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ledger WHERE participant_id = ? ORDER BY id", arguments: [participantID]).map(Rows.ledger)
        }
    }

    public func outbox(channel: OutboxMessage.Channel, recipient: String?, afterID: Int64, limit: Int) async throws -> [OutboxMessage] {
        try await writer.read { db in
            let rows: [Row]
            if let recipient {
                rows = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT * FROM outbox WHERE channel = ? AND recipient = ? AND id > ? ORDER BY id LIMIT ?"),
                    arguments: [channel.rawValue, recipient, afterID, limit]
                )
            } else {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM outbox WHERE channel = ? AND id > ? ORDER BY id LIMIT ?", arguments: [channel.rawValue, afterID, limit]
                )
            }
            return rows.map(Rows.outbox)
        }
    }

    public func audit() async throws -> AuditReport {
        try await writer.read { db in try Audit.run(db) }
    }

    public func messages(_ search: MessageSearch) async throws -> [FoundMessage] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.*, p.card_number AS card, c.voucher_code AS voucher
                    FROM outbox o LEFT JOIN participants p ON p.id = o.participant_id LEFT JOIN charges c ON c.id = o.charge_id
                    WHERE (?1 IS NULL OR o.channel = ?1) AND (?2 IS NULL OR o.id < ?2)
                        AND (?3 IS NULL OR o.recipient = ?3 OR p.card_number = ?3 OR o.charge_id = ?3 OR c.voucher_code = ?3)
                    ORDER BY o.id DESC LIMIT ?4
                    """,
                arguments: [search.channel?.rawValue, search.beforeID, search.text, search.limit]
            ).map { FoundMessage(message: Rows.outbox($0), cardNumber: $0["card"], voucherCode: $0["voucher"]) }
        }
    }

    public func charges(matching text: String?, limit: Int) async throws -> [Charge] {
        try await writer.read { db in
            guard let text else {
                return try Row.fetchAll(db, sql: "SELECT * FROM charges ORDER BY rowid DESC LIMIT ?", arguments: [limit]).map(Rows.charge)
            }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM charges WHERE rowid IN (
                        SELECT rowid FROM charges WHERE id = ?1 OR platform_order_id = ?1 OR voucher_code = ?1
                        UNION SELECT c.rowid FROM charges c JOIN participants p ON p.id = c.participant_id WHERE p.card_number = ?1
                        UNION SELECT c.rowid FROM charges c JOIN vouchers v ON v.charge_id = c.id WHERE v.redeem_code = ?1)
                    ORDER BY rowid DESC LIMIT ?2
                    """,
                arguments: [text, limit]
            ).map(Rows.charge)
        }
    }

    public func events(kind: String, limit: Int) async throws -> [ChargeEvent] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM charge_events WHERE kind = ? ORDER BY id DESC LIMIT ?", arguments: [kind, limit]).map(Rows.event)
        }
    }

    public func changeMark() async throws -> ChangeMark {
        try await writer.read { db in
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT (SELECT value FROM sim_state WHERE key = 'epoch') AS epoch,
                            (SELECT value FROM sim_state WHERE key = 'clock_offset') AS clock,
                            (SELECT MAX(id) FROM outbox) AS message, (SELECT MAX(id) FROM charge_events) AS event,
                            (SELECT MAX(rowid) FROM delivery_attempts) AS attempt, (SELECT MAX(rowid) FROM charges) AS charge,
                            (SELECT value FROM sim_state WHERE key = 'participant_sequence') AS participants,
                            (SELECT MAX(id) FROM ledger) AS ledger,
                            (SELECT COUNT(*) * 1000003 + COALESCE(SUM(updated_at % 1000003 + enabled), 0) FROM webhook_endpoints) AS endpoints
                        """
                )
            )
            return ChangeMark(
                epoch: row?["epoch"] ?? 0, clockOffset: row?["clock"] ?? 0, lastMessageID: row?["message"] ?? 0, lastEventID: row?["event"] ?? 0,
                lastAttemptID: row?["attempt"] ?? 0, lastChargeID: row?["charge"] ?? 0, participants: row?["participants"] ?? 0,
                lastLedgerID: row?["ledger"] ?? 0, endpoints: row?["endpoints"] ?? 0
            )
        }
    }

    public func counts() async throws -> SimulationCounts {
        try await writer.read { db in
            func grouped(_ sql: String, _ keys: [String]) throws -> [String: Int] {
                var counts = Dictionary(uniqueKeysWithValues: keys.map { ($0, 0) })
                for row in try Row.fetchAll(db, sql: sql) { counts[row[0], default: 0] = row[1] }
                return counts
            }
            return SimulationCounts(
                participants: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM participants") ?? 0,
                charges: try grouped("SELECT status, COUNT(*) FROM charges GROUP BY status", ["pending", "paid", "expired", "locked", "refunded"]),
                vouchers: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM vouchers") ?? 0,
                messages: try grouped("SELECT channel, COUNT(*) FROM outbox GROUP BY channel", OutboxMessage.Channel.allCases.map(\.rawValue)),
                deliveries: try grouped("SELECT status, COUNT(*) FROM deliveries GROUP BY status", ["pending", "delivered", "exhausted"]),
                deliveryAttempts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery_attempts") ?? 0
            )
        }
    }

    // MARK: Delivery

    public func dueDeliveries(until: Date, limit: Int) async throws -> [Delivery] {
        try await writer.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, rowid LIMIT ?"
                ),
                arguments: [until.millisecondsSince1970, limit]
            ).map(Rows.delivery)
        }
    }

    public func delivery(id: String) async throws -> Delivery? {
        try await writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM deliveries WHERE id = ?", arguments: [id]).map(Rows.delivery) }
    }

    public func deliveries(chargeID: String) async throws -> [Delivery] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM deliveries WHERE charge_id = ? ORDER BY created_at, rowid", arguments: [chargeID]).map(Rows.delivery)
        }
    }

    public func deliveries(status: Delivery.Status?, platformID: String?, channel: DeliveryChannel?, limit: Int) async throws -> [Delivery] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM deliveries WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR platform_id = ?2) AND (?3 IS NULL OR channel = ?3)
                    ORDER BY created_at DESC, rowid DESC LIMIT ?4
                    """,
                arguments: [status?.rawValue, platformID, channel?.rawValue, limit]
            ).map(Rows.delivery)
        }
    }

    public func deliveryAttempts(deliveryID: String) async throws -> [DeliveryAttempt] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY number", arguments: [deliveryID]).map(Rows.attempt)
        }
    }

    public func recordAttempt(_ delivery: Delivery, _ attempt: DeliveryAttempt, outbox: [OutboxMessage], events: [ChargeEvent]) async throws -> Bool {
        try await writer.write { db in
            try db.cachedStatement(
                sql: """
                    UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, delivered_at = ?, last_outcome = ?
                    WHERE id = ? AND attempts = ? AND status = 'pending'
                    """
            ).execute(arguments: [
                delivery.status.rawValue, delivery.attempts, Rows.ms(delivery.nextAttemptAt), Rows.ms(delivery.deliveredAt), delivery.lastOutcome,
                delivery.id, delivery.attempts - 1,
            ])
            guard db.changesCount == 1 else { return false }
            try db.cachedStatement(
                sql: """
                    INSERT INTO delivery_attempts (delivery_id, number, at, result, http_status, detail, latency_ms, next_attempt_at,
                        request_headers, faults)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                attempt.deliveryID, attempt.number, Rows.ms(attempt.at), attempt.result.rawValue, attempt.httpStatus, attempt.detail,
                attempt.latencyMilliseconds, Rows.ms(attempt.nextAttemptAt), Rows.encoded(attempt.requestHeaders), Rows.encoded(attempt.faults),
            ])
            for m in outbox { try Rows.insert(m, db) }
            for e in events { try Rows.insert(e, db) }
            return true
        }
    }

    public func redeliver(
        ids: [String]?, createdIn: ClosedRange<Date>?, statuses: Set<Delivery.Status>, platformID: String?, now: Date
    ) async throws -> [Delivery] {
        try await writer.write { db in
            var chosen: [Delivery] = []
            if let ids {
                for id in ids {
                    if let d = try Row.fetchOne(db, sql: "SELECT * FROM deliveries WHERE id = ?", arguments: [id]).map(Rows.delivery) { chosen.append(d) }
                }
            } else if let createdIn {
                chosen = try Row.fetchAll(
                    db, sql: "SELECT * FROM deliveries WHERE created_at BETWEEN ? AND ? AND (?3 IS NULL OR platform_id = ?3) ORDER BY created_at, rowid",
                    arguments: [createdIn.lowerBound.millisecondsSince1970, createdIn.upperBound.millisecondsSince1970, platformID]
                ).map(Rows.delivery)
            }
            chosen = chosen.filter { statuses.contains($0.status) }
            for i in chosen.indices {
                chosen[i].status = .pending
                chosen[i].nextAttemptAt = now
                try db.execute(
                    sql: "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, delivered_at = NULL WHERE id = ?",
                    arguments: [now.millisecondsSince1970, chosen[i].id]
                )
                try Rows.insert(
                    ChargeEvent(chargeID: chosen[i].chargeID, kind: "redelivery_requested", detail: "\(chosen[i].channel.rawValue) \(chosen[i].eventType.rawValue) by hand", at: now),
                    db
                )
            }
            return chosen
        }
    }

    public func chargesPaidWithoutVoucher(paidBefore: Date) async throws -> [String] {
        try await writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT id FROM charges WHERE status = 'paid' AND voucher_code IS NULL AND paid_at <= ? ORDER BY paid_at, id",
                arguments: [paidBefore.millisecondsSince1970]
            )
        }
    }

    // MARK: Webhook endpoints

    public func webhookEndpoints() async throws -> [WebhookEndpoint] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhook_endpoints ORDER BY platform_id").map {
                WebhookEndpoint(platformID: $0["platform_id"], url: $0["url"], enabled: $0["enabled"], updatedAt: Rows.date($0["updated_at"]))
            }
        }
    }

    public func setWebhookEndpoint(platformID: String, url: String?, now: Date) async throws -> WebhookEndpoint? {
        try await writer.write { db in
            guard let url else {
                try db.execute(sql: "DELETE FROM webhook_endpoints WHERE platform_id = ?", arguments: [platformID])
                return nil
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO webhook_endpoints (platform_id, url, enabled, updated_at) VALUES (?, ?, 1, ?)",
                arguments: [platformID, url, now.millisecondsSince1970]
            )
            return WebhookEndpoint(platformID: platformID, url: url, enabled: true, updatedAt: now)
        }
    }

    public func disableWebhookEndpoint(platformID: String, now: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE webhook_endpoints SET enabled = 0, updated_at = ? WHERE platform_id = ?", arguments: [now.millisecondsSince1970, platformID]
            )
        }
    }

    // MARK: Simulation

    public func overdueParticipantCards(acceptedBefore: Date) async throws -> [String] {
        try await writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT card_number FROM participants WHERE status = 'active' AND first_purchase_at IS NULL AND accepted_at < ?",
                arguments: [acceptedBefore.millisecondsSince1970]
            )
        }
    }

    public func clockOffset() async throws -> TimeInterval? {
        try await writer.read { db in try Double.fetchOne(db, sql: "SELECT value FROM sim_state WHERE key = 'clock_offset'") }
    }

    public func saveClockOffset(_ offset: TimeInterval) async throws {
        try await writer.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO sim_state (key, value) VALUES ('clock_offset', ?)", arguments: [offset])
        }
    }

    public func reset() async throws {
        try await writer.write { db in
            let epoch = try Int.fetchOne(db, sql: "SELECT value FROM sim_state WHERE key = 'epoch'") ?? 0
            for table in [
                "delivery_attempts", "deliveries", "ledger", "outbox", "charge_events", "vouchers", "charges", "bindings", "idempotency", "blacklist",
                "participants", "sim_state",
            ] {
                try db.execute(sql: "DELETE FROM \(table)")
            }
            try db.execute(sql: "INSERT INTO sim_state (key, value) VALUES ('epoch', ?)", arguments: [epoch + 1])
        }
    }
}
