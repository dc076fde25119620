import Foundation
import GRDB
import PrakerjaCore
import Synchronization

/// The embedded store: one SQLite file in WAL mode, through GRDB, owned by one store in one process.
///
/// The state commands decide on lives in memory (``GatewayMemory``), loaded from the file when the store
/// opens. A command runs under one lock: it reads memory, runs the domain's pure `Workspace` function,
/// applies what changed to memory and hands the same changes to the one writer (``GroupCommitter``), which
/// commits every change set waiting at that moment in one transaction. The command answers only after its
/// batch committed, and a read of an entity whose last change is not committed yet waits for that commit, so
/// nothing a caller is told is ever missing from the file after `kill -9`. Reads of history (the ledger, the
/// outbox, timelines, attempts, the audit) go to the file and see committed state.
///
/// The schema backs the domain's promises with constraints of its own: a balance can never be negative, a
/// charge has at most one voucher, at most one debit and at most one refund. A second store on the same
/// file (another `serve`, or another store in this process) is refused (``FileOwnership``).
public struct SQLiteStore: GatewayStore {
    public enum Durability: String, Sendable, CaseIterable {
        /// `synchronous=NORMAL`: an acknowledged write survives a killed process (not a power cut).
        case normal
        /// `synchronous=FULL`: an fsync per batch; survives a power cut too.
        case full
    }

    let writer: any DatabaseWriter
    private let commitCounter = CommitCounter()
    private let core: CommittedMemory<GatewayMemory>

    /// Write transactions committed since this store was opened (one per batch of commands).
    public var commits: Int { commitCounter.value }

    /// Batches the writer committed, and the largest.
    public var batchStatistics: (batches: Int, largest: Int) { core.committer.statistics }

    /// Opens (creating if needed) the database at `path`, migrates it and loads its state. Throws if another
    /// store owns the file.
    public init(path: String, durability: Durability = .normal) throws {
        let ownership = try FileOwnership(databasePath: path)
        var config = Configuration()
        config.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: config)
        // DatabasePool sets synchronous=NORMAL itself after prepareDatabase; set FULL afterwards and check it.
        // The pragma is per connection; commits happen on the pool's single writer connection.
        if durability == .full {
            try pool.barrierWriteWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        }
        try self.init(writer: pool, ownership: ownership)
        let level = try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        guard level == (durability == .full ? 2 : 1) else {
            throw DatabaseError(message: "synchronous is \(level.map(String.init) ?? "unknown"), not \(durability.rawValue)")
        }
    }

    /// An in-memory database, for quick tests of the logic around the store.
    public static func inMemory() throws -> SQLiteStore {
        try SQLiteStore(writer: DatabaseQueue(), ownership: nil)
    }

    /// The audit of the file at `path`, read without taking it over: a running `serve` may own it.
    public static func audit(path: String) async throws -> AuditReport {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: config)
        return try await pool.read { db in try Audit.run(db) }
    }

    private init(writer: any DatabaseWriter, ownership: FileOwnership?) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
        // Keys are kept in their command's transaction, so none is ever left in flight; earlier versions
        // could leave one behind a crash, and such a key is released (its request never completed).
        try writer.write { db in try db.execute(sql: "DELETE FROM idempotency WHERE state = 'pending'") }
        let counter = commitCounter
        try writer.writeWithoutTransaction { db in db.add(transactionObserver: counter, extent: .databaseLifetime) }
        core = try CommittedMemory(writer: writer, ownership: ownership, unavailable: "the gateway's database") { db in try GatewayMemory.load(db) }
    }

    /// The writer connection's `synchronous` level: 1 = NORMAL, 2 = FULL.
    public func synchronousLevel() async throws -> Int {
        try await writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The `journal_mode` in force (`wal` for a file database).
    public func journalMode() async throws -> String {
        try await writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// The identity of this database file, made when first asked for and kept across resets: what a storefront
    /// store made with this gateway records, so that one made with another gateway database is refused.
    public func instanceID() async throws -> String {
        try await committed(core.committer.lastEnqueued)
        return try await writer.write { db in
            if let id = try String.fetchOne(db, sql: "SELECT value FROM sim_state WHERE key = 'instance'") { return id }
            // Not simulation data (no id, OTP or code the seed derives): a file's identity, which must differ between two
            // fresh files made with the same seed.
            let id = UUID().uuidString.lowercased()
            try db.execute(sql: "INSERT INTO sim_state (key, value) VALUES ('instance', ?)", arguments: [id])
            return id
        }
    }

    /// Holds every batch back until ``resumeCommits()``: for a test that shows no reply leaves before its commit.
    public func stallCommits() { core.committer.stall() }
    public func resumeCommits() { core.committer.resume() }

    // MARK: Memory and the writer

    private func change<R: Sendable>(_ body: (inout GatewayMemory, () -> UInt64) throws -> (R, GroupCommitter.ChangeSet?)) async throws -> (R, UInt64?) {
        try await core.change(body)
    }

    private func committed(_ sequence: UInt64?) async throws { try await core.committed(sequence) }

    private func read<V: Sendable>(_ pick: (GatewayMemory) -> Versioned<V>?) async throws -> V? { try await core.read(pick) }

    // MARK: Participants

    public func insertParticipants(count: Int, onlyIntoEmptyStore: Bool, _ make: @Sendable (ParticipantNumber) -> Participant) async throws -> [Participant] {
        let (made, sequence) = try await change { memory, next -> ([Participant], GroupCommitter.ChangeSet?) in
            if onlyIntoEmptyStore, !memory.participants.isEmpty { return ([], nil) }
            let (last, epoch) = (memory.participantSequence, memory.epoch)
            let made = (0..<max(count, 0)).map { make(ParticipantNumber(ordinal: last + 1 + $0, epoch: epoch)) }
            var niks = Set<String>(), cards = Set<String>(), ids = Set<String>()
            for p in made {
                if memory.blacklist.contains(p.nik) { throw GatewayError(.blacklisted, details: ["nik": p.nik]) }
                guard !memory.niks.contains(p.nik), memory.participantByCard[p.cardNumber] == nil, memory.participants[p.id] == nil,
                    niks.insert(p.nik).inserted, cards.insert(p.cardNumber).inserted, ids.insert(p.id).inserted
                else { throw GatewayError(.duplicateParticipant) }
            }
            let sequence = next()
            for p in made {
                memory.participants[p.id] = Versioned(value: p, sequence: sequence)
                memory.participantByCard[p.cardNumber] = p.id
                memory.niks.insert(p.nik)
            }
            memory.participantSequence = last + made.count
            let total = memory.participantSequence
            return (made, { db in
                for p in made { try Rows.insert(p, db) }
                try db.execute(sql: "INSERT OR REPLACE INTO sim_state (key, value) VALUES ('participant_sequence', ?)", arguments: [total])
            })
        }
        try await committed(sequence)
        return made
    }

    public func participant(card: String) async throws -> Participant? {
        try await read { m in m.participantByCard[card].flatMap { m.participants[$0] } }
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
        try await command(idempotency, now: now, load: { memory in
            guard let ws = memory.workspace(card: card, binding: binding, now: now) else { throw GatewayError(.unknownCard) }
            return ws
        }, body)
    }

    public func withCharge<T: Sendable>(
        id: String, now: Date, idempotency: IdempotencyClaim<T>?, _ body: @Sendable (inout Workspace) throws -> T
    ) async throws -> Idempotent<T> {
        try await command(idempotency, now: now, load: { memory in
            guard let ws = memory.workspace(charge: id, now: now) else { throw GatewayError(.unknownCharge) }
            return ws
        }, body)
    }

    /// One command, decided in memory: the idempotency key (if any) checked, the workspace loaded and run,
    /// the constraints checked, memory changed, and the changes (with the key's kept response) queued as one
    /// change set; answered once that is committed. A command that throws changes nothing; a kept refusal is
    /// committed, then thrown. Same steps as ``IdempotencyClaim/execute(_:lookup:save:command:)``.
    private func command<T: Sendable>(
        _ claim: IdempotencyClaim<T>?, now: Date, load: (GatewayMemory) throws -> Workspace, _ body: @Sendable (inout Workspace) throws -> T
    ) async throws -> Idempotent<T> {
        let (decision, sequence) = try await change { memory, next -> (CommandDecision<T>, GroupCommitter.ChangeSet?) in
            if let claim, let seen = memory.keys[GatewayMemory.key(claim.platformID, claim.key)] {
                guard seen.value == claim.fingerprint else { throw GatewayError(.idempotencyKeyReused) }
                return (.replay(after: seen.sequence), nil)
            }
            // A refusal (an unknown charge too) under a claim is an outcome whose response may be kept.
            var loaded: (original: Workspace, ws: Workspace)?
            let outcome: Result<T, GatewayError>
            do {
                let original = try load(memory)
                var ws = original
                let result = try body(&ws)
                try memory.check(ws)
                loaded = (original, ws)
                outcome = .success(result)
            } catch let error as GatewayError where claim != nil {
                outcome = .failure(error)
            }
            let kept = claim.flatMap { $0.render(outcome) }
            if kept == nil, case .failure(let error) = outcome { throw error }  // nothing kept: a refusal changes nothing
            let sequence = next()
            var write: [GroupCommitter.ChangeSet] = []
            if let (original, ws) = loaded {
                memory.apply(ws, original: original, sequence: sequence)
                write.append { db in try Rows.persist(ws, original: original, db) }
            }
            if let claim, let kept {
                memory.keys[GatewayMemory.key(claim.platformID, claim.key)] = Versioned(value: claim.fingerprint, sequence: sequence)
                let (platformID, key, fingerprint) = (claim.platformID, claim.key, claim.fingerprint)
                write.append { db in
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO idempotency (platform_id, key, fingerprint, state, status, body, created_at)
                            VALUES (?, ?, ?, 'done', ?, ?, ?)
                            """
                    ).execute(arguments: [platformID, key, fingerprint, kept.status, Data(kept.body), now.millisecondsSince1970])
                }
            }
            let changes = write
            return (.ran(outcome, kept: kept), { db in for w in changes { try w(db) } })
        }
        switch decision {
        case .ran(let outcome, let kept):
            try await committed(sequence)
            return .ran(try outcome.get(), kept: kept)
        case .replay(let after):
            try await committed(after)
            guard let claim, let seen = try await idempotentResponseFromFile(platformID: claim.platformID, key: claim.key) else {
                throw GatewayError(.storeUnavailable, "a kept response is missing from the gateway's database")
            }
            return .replay(seen.response)
        }
    }

    public func idempotentResponse(platformID: String, key: String) async throws -> (fingerprint: String, response: StoredResponse)? {
        // Memory knows every kept key: an unused one (every first request) costs no read of the file.
        guard try await read({ $0.keys[GatewayMemory.key(platformID, key)] }) != nil else { return nil }
        return try await idempotentResponseFromFile(platformID: platformID, key: key)
    }

    private func idempotentResponseFromFile(platformID: String, key: String) async throws -> (fingerprint: String, response: StoredResponse)? {
        try await writer.read { db in try Self.keptResponse(db, platformID, key) }
    }

    private static func keptResponse(_ db: Database, _ platformID: String, _ key: String) throws -> (fingerprint: String, response: StoredResponse)? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT fingerprint, status, body FROM idempotency WHERE platform_id = ? AND key = ? AND state = 'done'"),
            arguments: [platformID, key]
        ).map { row in (row["fingerprint"], StoredResponse(status: row["status"], body: Array(row["body"] as Data))) }
    }

    public func withVoucher<T: Sendable>(_ key: VoucherKey, now: Date, _ body: @Sendable (inout Workspace?) throws -> T) async throws -> T {
        let (result, sequence) = try await change { memory, next -> (T, GroupCommitter.ChangeSet?) in
            let original = memory.workspace(voucher: key, now: now)
            var ws = original
            let result = try body(&ws)
            guard let ws, let original else { return (result, nil) }
            try memory.check(ws)
            memory.apply(ws, original: original, sequence: next())
            return (result, { db in try Rows.persist(ws, original: original, db) })
        }
        try await committed(sequence)
        return result
    }

    // MARK: Reads

    public func charge(id: String) async throws -> Charge? {
        try await read { $0.charges[id] }
    }

    public func chargeEvents(chargeID: String) async throws -> [ChargeEvent] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM charge_events WHERE charge_id = ? ORDER BY id", arguments: [chargeID]).map(Rows.event)
        }
    }

    public func voucher(_ key: VoucherKey) async throws -> Voucher? {
        try await read { $0.voucher(key) }
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
        // From memory's schedule; a delivery whose payment is not committed yet is not attempted before it is.
        let due = core.peek { $0.schedule.due(until: until, limit: limit) }
        try await committed(due.map(\.sequence).max())
        return due.map(\.value)
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
        let (recorded, sequence) = try await change { memory, next -> (Bool, GroupCommitter.ChangeSet?) in
            // Recorded only if nobody recorded this attempt number first.
            guard let known = memory.schedule.delivery(delivery.id)?.value, known.status == .pending, known.attempts == delivery.attempts - 1 else {
                return (false, nil)
            }
            memory.update(delivery, sequence: next())
            if memory.settling.count > 512 { memory.pruneSettling(core.committer.isSettled) }
            return (true, { db in
                try db.cachedStatement(
                    sql: """
                        UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, delivered_at = ?, last_outcome = ?
                        WHERE id = ? AND attempts = ? AND status = 'pending'
                        """
                ).execute(arguments: [
                    delivery.status.rawValue, delivery.attempts, Rows.ms(delivery.nextAttemptAt), Rows.ms(delivery.deliveredAt), delivery.lastOutcome,
                    delivery.id, delivery.attempts - 1,
                ])
                guard db.changesCount == 1 else { throw DatabaseError(message: "delivery \(delivery.id) is not at attempt \(delivery.attempts - 1) in the file") }
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
            })
        }
        try await committed(sequence)
        return recorded
    }

    public func redeliver(
        ids: [String]?, createdIn: ClosedRange<Date>?, statuses: Set<Delivery.Status>, platformID: String?, now: Date
    ) async throws -> [Delivery] {
        // Delivered and exhausted deliveries live only in the file: read the candidates once every change queued so
        // far is in it, then take memory's version of any that changed since (memory is never behind the file).
        try await committed(core.committer.lastEnqueued)
        let candidates = try await writer.read { db -> [Delivery] in
            if let ids {
                return try ids.compactMap { id in try Row.fetchOne(db, sql: "SELECT * FROM deliveries WHERE id = ?", arguments: [id]).map(Rows.delivery) }
            }
            guard let createdIn else { return [] }
            return try Row.fetchAll(
                db, sql: "SELECT * FROM deliveries WHERE created_at BETWEEN ? AND ? AND (?3 IS NULL OR platform_id = ?3) ORDER BY created_at, rowid",
                arguments: [createdIn.lowerBound.millisecondsSince1970, createdIn.upperBound.millisecondsSince1970, platformID]
            ).map(Rows.delivery)
        }
        let (chosen, sequence) = try await change { memory, next -> ([Delivery], GroupCommitter.ChangeSet?) in
            var chosen = candidates.map { memory.delivery($0.id)?.value ?? $0 }.filter { statuses.contains($0.status) }
            guard !chosen.isEmpty else { return ([], nil) }
            let sequence = next()
            for i in chosen.indices {
                chosen[i].status = .pending
                chosen[i].nextAttemptAt = now
                chosen[i].deliveredAt = nil
                memory.update(chosen[i], sequence: sequence)
            }
            let made = chosen
            return (made, { db in
                for d in made {
                    try db.execute(
                        sql: "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, delivered_at = NULL WHERE id = ?",
                        arguments: [now.millisecondsSince1970, d.id]
                    )
                    try Rows.insert(
                        ChargeEvent(chargeID: d.chargeID, kind: "redelivery_requested", detail: "\(d.channel.rawValue) \(d.eventType.rawValue) by hand", at: now),
                        db
                    )
                }
            })
        }
        try await committed(sequence)
        return chosen
    }

    public func chargesPaidWithoutVoucher(paidBefore: Date) async throws -> [String] {
        try await writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT id FROM charges WHERE status = 'paid' AND voucher_code IS NULL AND paid_at <= ? ORDER BY paid_at, id",
                arguments: [paidBefore.millisecondsSince1970]
            )
        }
    }

    /// Attempt `number` of a delivery may be made only while memory still has the delivery pending at the attempt
    /// before it: a worker holding an older copy (read before the last attempt was recorded) makes none.
    public func claimAttempt(deliveryID: String, number: Int, now: Date, until: Date) async throws -> Bool {
        core.peek { memory in
            guard let known = memory.schedule.delivery(deliveryID)?.value else { return false }
            return known.status == .pending && known.attempts == number - 1
        }
    }

    // MARK: Webhook endpoints

    public func webhookEndpoints() async throws -> [WebhookEndpoint] {
        let found = core.peek { $0.endpoints.values.sorted { $0.value.platformID < $1.value.platformID } }
        try await committed(found.map(\.sequence).max())
        return found.map(\.value)
    }

    public func setWebhookEndpoint(platformID: String, url: String?, now: Date) async throws -> WebhookEndpoint? {
        let (endpoint, sequence) = try await change { memory, next -> (WebhookEndpoint?, GroupCommitter.ChangeSet?) in
            guard let url else {
                guard memory.endpoints.removeValue(forKey: platformID) != nil else { return (nil, nil) }
                return (nil, { db in try db.execute(sql: "DELETE FROM webhook_endpoints WHERE platform_id = ?", arguments: [platformID]) })
            }
            let endpoint = WebhookEndpoint(platformID: platformID, url: url, enabled: true, updatedAt: now)
            memory.endpoints[platformID] = Versioned(value: endpoint, sequence: next())
            return (endpoint, { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO webhook_endpoints (platform_id, url, enabled, updated_at) VALUES (?, ?, 1, ?)",
                    arguments: [platformID, url, now.millisecondsSince1970]
                )
            })
        }
        try await committed(sequence)
        return endpoint
    }

    public func disableWebhookEndpoint(platformID: String, now: Date) async throws {
        let (_, sequence) = try await change { memory, next -> (Void, GroupCommitter.ChangeSet?) in
            guard var endpoint = memory.endpoints[platformID]?.value else { return ((), nil) }
            endpoint.enabled = false
            endpoint.updatedAt = now
            memory.endpoints[platformID] = Versioned(value: endpoint, sequence: next())
            return ((), { db in
                try db.execute(
                    sql: "UPDATE webhook_endpoints SET enabled = 0, updated_at = ? WHERE platform_id = ?", arguments: [now.millisecondsSince1970, platformID]
                )
            })
        }
        try await committed(sequence)
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
        try await read { $0.clockOffset }
    }

    public func saveClockOffset(_ offset: TimeInterval) async throws {
        let (_, sequence) = try await change { memory, next -> (Void, GroupCommitter.ChangeSet?) in
            memory.clockOffset = Versioned(value: offset, sequence: next())
            return ((), { db in
                try db.execute(sql: "INSERT OR REPLACE INTO sim_state (key, value) VALUES ('clock_offset', ?)", arguments: [offset])
            })
        }
        try await committed(sequence)
    }

    public func reset() async throws {
        let (_, sequence) = try await change { memory, next -> (Void, GroupCommitter.ChangeSet?) in
            let epoch = memory.epoch + 1
            let (endpoints, nextRank) = (memory.endpoints, memory.schedule.nextRank)
            memory = GatewayMemory()
            memory.epoch = epoch
            memory.endpoints = endpoints
            memory.schedule.nextRank = nextRank
            _ = next()
            return ((), { db in
                for table in [
                    "delivery_attempts", "deliveries", "ledger", "outbox", "charge_events", "vouchers", "charges", "bindings", "idempotency", "blacklist",
                    "participants",
                ] {
                    try db.execute(sql: "DELETE FROM \(table)")
                }
                try db.execute(sql: "DELETE FROM sim_state WHERE key != 'instance'")
                try db.execute(sql: "INSERT INTO sim_state (key, value) VALUES ('epoch', ?)", arguments: [epoch])
            })
        }
        try await committed(sequence)
    }
}

/// What a command decided under the store's lock: it ran (with the response kept for its key), or its key
/// was used already and the kept response is replayed once committed.
private enum CommandDecision<T: Sendable>: Sendable {
    case ran(Result<T, GatewayError>, kept: StoredResponse?)
    case replay(after: UInt64)
}
