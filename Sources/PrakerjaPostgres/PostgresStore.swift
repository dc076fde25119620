import Foundation
import Logging
import PostgresNIO
import PrakerjaCore
import Synchronization

/// The gateway's store on PostgreSQL (postgres-nio), for several gateway processes on one database.
///
/// Every command is one transaction at READ COMMITTED that first locks its participant's row (`SELECT …
/// FOR UPDATE`): commands of one participant run one at a time in whichever process they arrive, which is
/// what the domain needs (a participant's counters key its next charge id; a charge's OTP attempts and
/// payment are decided on its current row). A transaction that loses a race — a serialization failure, a
/// deadlock, or a unique key another process inserted first (an idempotency key, a platform order id) — is
/// run again from the start; the command closures are pure, so a retry decides afresh on what is there
/// now. The schema carries the same constraints as SQLite's: no negative balance, one voucher, one debit
/// and one refund per charge.
///
/// The connection pool is a `PostgresClient`, which must be running (``run()``) while the store is used.
/// A database that cannot be reached makes each call fail with `STORE_UNAVAILABLE` (a 503) and changes
/// nothing; the pool reconnects when it is back.
public final class PostgresStore: GatewayStore, Sendable {
    public typealias Settings = PostgresDatabase.Settings

    let database: PostgresDatabase
    private let claims = Atomic<Int>(0)
    var logger: Logger { database.logger }
    public var settings: Settings { database.settings }

    /// Creates the store; nothing is connected until ``run()`` runs the pool and ``prepare()`` migrates.
    public init(settings: Settings, logger: Logger) {
        self.database = PostgresDatabase(settings: settings, logger: logger)
    }

    /// Runs the connection pool, and a health check once a second, until the task is cancelled.
    public func run() async { await database.run() }

    /// Checks that the database answers and applies the gateway schema's migrations.
    public func prepare() async throws { try await database.prepare(migrations: Self.migrations) }

    /// Runs one statement outside a transaction (`CREATE DATABASE` cannot run inside one): for tests and tools.
    package func administer(_ sql: String) async throws { try await database.administer(sql) }

    @discardableResult
    func transaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T { try await database.transaction(body) }
    func read<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T { try await database.read(body) }

    // MARK: Participants

    public func insertParticipants(count: Int, onlyIntoEmptyStore: Bool, _ make: @Sendable (ParticipantNumber) -> Participant) async throws -> [Participant] {
        let logger = logger
        return try await transaction { db in
            // The sequence row is the lock: batches from any process are numbered one after another.
            try await db.query("INSERT INTO sim_state (key, value) VALUES ('participant_sequence', 0) ON CONFLICT DO NOTHING", logger: logger)
            let last = try await PGRows.one(db, "SELECT CAST(value AS BIGINT) AS v FROM sim_state WHERE key = 'participant_sequence' FOR UPDATE", logger) {
                try $0.int("v")
            } ?? 0
            if onlyIntoEmptyStore, try await PGRows.one(db, "SELECT 1 AS one FROM participants LIMIT 1", logger, { _ in true }) == true { return [] }
            let epoch = try await PGRows.one(db, "SELECT CAST(value AS BIGINT) AS v FROM sim_state WHERE key = 'epoch'", logger) { try $0.int("v") } ?? 0
            let made = (0..<max(count, 0)).map { make(ParticipantNumber(ordinal: last + 1 + $0, epoch: epoch)) }
            for p in made {
                if try await PGRows.one(db, "SELECT 1 AS one FROM blacklist WHERE nik = \(p.nik)", logger, { _ in true }) == true {
                    throw GatewayError(.blacklisted, details: ["nik": p.nik])
                }
                if try await PGRows.one(
                    db, "SELECT 1 AS one FROM participants WHERE nik = \(p.nik) OR card_number = \(p.cardNumber) OR id = \(p.id)", logger, { _ in true }
                ) == true {
                    throw GatewayError(.duplicateParticipant)
                }
                try await PGRows.insert(p, db, logger)
            }
            try await db.query("UPDATE sim_state SET value = \(Double(last + made.count)) WHERE key = 'participant_sequence'", logger: logger)
            return made
        }
    }

    public func participant(card: String) async throws -> Participant? {
        let logger = logger
        return try await read { db in try await PGRows.one(db, "SELECT * FROM participants WHERE card_number = \(card)", logger, PGRows.participant) }
    }

    public func participants(offset: Int, limit: Int) async throws -> [Participant] {
        let logger = logger
        return try await read { db in
            try await PGRows.all(db, "SELECT * FROM participants ORDER BY seq LIMIT \(Int64(limit)) OFFSET \(Int64(offset))", logger, PGRows.participant)
        }
    }

    public func participantCount() async throws -> Int {
        try await count("SELECT COUNT(*) AS n FROM participants")
    }

    public func isBlacklisted(nik: String) async throws -> Bool {
        let logger = logger
        return try await read { db in try await PGRows.one(db, "SELECT 1 AS one FROM blacklist WHERE nik = \(nik)", logger) { _ in true } ?? false }
    }

    private func count(_ query: PostgresQuery) async throws -> Int {
        let logger = logger
        return try await read { db in try await PGRows.one(db, query, logger) { try $0.int("n") } ?? 0 }
    }

    // MARK: Commands

    public func withParticipant<T: Sendable>(
        card: String, binding: (platformID: String, accountID: String)?, now: Date, idempotency: IdempotencyClaim<T>?,
        _ body: @Sendable (inout Workspace) throws -> T
    ) async throws -> Idempotent<T> {
        let logger = logger
        let binding = binding.map { ($0.platformID, $0.accountID) }
        return try await command(idempotency, now: now) { db in
            guard let participant = try await PGRows.one(db, "SELECT * FROM participants WHERE card_number = \(card) FOR UPDATE", logger, PGRows.participant)
            else { throw GatewayError(.unknownCard) }
            var ws = Workspace(now: now, participant: participant)
            if let (platformID, accountID) = binding {
                ws.accountOwnerCard = try await PGRows.one(
                    db, "SELECT card_number FROM bindings WHERE platform_id = \(platformID) AND account_id = \(accountID)", logger
                ) { try $0.string("card_number") }
                ws.cardAccount = try await PGRows.one(
                    db, "SELECT account_id FROM bindings WHERE platform_id = \(platformID) AND card_number = \(card)", logger
                ) { try $0.string("account_id") }
            }
            let original = ws
            let result = try body(&ws)
            try await PGRows.persist(ws, original: original, db, logger)
            return result
        }
    }

    public func withCharge<T: Sendable>(
        id: String, now: Date, idempotency: IdempotencyClaim<T>?, _ body: @Sendable (inout Workspace) throws -> T
    ) async throws -> Idempotent<T> {
        let logger = logger
        return try await command(idempotency, now: now) { db in
            guard let owner = try await PGRows.one(db, "SELECT participant_id FROM charges WHERE id = \(id)", logger, { try $0.string("participant_id") }),
                let participant = try await PGRows.one(db, "SELECT * FROM participants WHERE id = \(owner) FOR UPDATE", logger, PGRows.participant),
                // Read after the lock: the charge as the last command of its participant left it.
                let charge = try await PGRows.one(db, "SELECT * FROM charges WHERE id = \(id)", logger, PGRows.charge)
            else { throw GatewayError(.unknownCharge) }
            let voucher = try await charge.voucherCode.asyncFlatMap { code in
                try await PGRows.one(db, "SELECT * FROM vouchers WHERE code = \(code)", logger, PGRows.voucher)
            }
            var ws = Workspace(now: now, participant: participant, charge: charge, voucher: voucher)
            ws.webhookSubscribed = try await Self.webhookSubscribed(db, charge.platformID, logger)
            let original = ws
            let result = try body(&ws)
            try await PGRows.persist(ws, original: original, db, logger)
            return result
        }
    }

    public func withVoucher<T: Sendable>(_ key: VoucherKey, now: Date, _ body: @Sendable (inout Workspace?) throws -> T) async throws -> T {
        let logger = logger
        return try await transaction { db in
            var ws: Workspace?
            if let found = try await Self.voucher(db, key, logger),
                let participant = try await PGRows.one(db, "SELECT * FROM participants WHERE id = \(found.participantID) FOR UPDATE", logger, PGRows.participant),
                let voucher = try await Self.voucher(db, key, logger),
                let charge = try await PGRows.one(db, "SELECT * FROM charges WHERE id = \(voucher.chargeID)", logger, PGRows.charge)
            {
                ws = Workspace(now: now, participant: participant, charge: charge, voucher: voucher)
                ws?.webhookSubscribed = try await Self.webhookSubscribed(db, charge.platformID, logger)
            }
            let original = ws
            let result = try body(&ws)
            if let ws, let original { try await PGRows.persist(ws, original: original, db, logger) }
            return result
        }
    }

    /// One transaction: the idempotency key checked, the command run in a savepoint (a refusal it throws
    /// half-way leaves nothing behind), the key's response kept; a kept refusal is committed, then thrown.
    /// A retry whose key is already kept is answered without a transaction (unless the caller has just looked:
    /// ``IdempotencyClaim/checkedUnused``).
    private func command<T: Sendable>(
        _ claim: IdempotencyClaim<T>?, now: Date, _ run: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> Idempotent<T> {
        if let claim, !claim.checkedUnused, let seen = try await idempotentResponse(platformID: claim.platformID, key: claim.key) {
            guard seen.fingerprint == claim.fingerprint else { throw GatewayError(.idempotencyKeyReused) }
            return .replay(seen.response)
        }
        let logger = logger
        return try await transaction { db in
            try await IdempotencyClaim.executing(
                claim,
                lookup: { platformID, key in try await Self.keptResponse(db, platformID, key, logger).map { ($0.fingerprint, $0.response) } },
                save: { platformID, key, fingerprint, response in
                    try await db.query(
                        """
                        INSERT INTO idempotency (platform_id, key, fingerprint, status, body, created_at)
                        VALUES (\(platformID), \(key), \(fingerprint), \(Int64(response.status)), \(Data(response.body)), \(now.millisecondsSince1970))
                        """,
                        logger: logger
                    )
                },
                command: {
                    guard claim != nil else { return try await run(db) }
                    try await db.query("SAVEPOINT command", logger: logger)
                    do {
                        let result = try await run(db)
                        try await db.query("RELEASE SAVEPOINT command", logger: logger)
                        return result
                    } catch let error as GatewayError {
                        try await db.query("ROLLBACK TO SAVEPOINT command", logger: logger)
                        throw error
                    }
                }
            )
        }.get()
    }

    public func idempotentResponse(platformID: String, key: String) async throws -> (fingerprint: String, response: StoredResponse)? {
        let logger = logger
        return try await read { db in try await Self.keptResponse(db, platformID, key, logger) }.map { ($0.fingerprint, $0.response) }
    }

    struct Kept: Sendable {
        var fingerprint: String
        var response: StoredResponse
    }

    private static func keptResponse(_ db: PostgresConnection, _ platformID: String, _ key: String, _ logger: Logger) async throws -> Kept? {
        try await PGRows.one(db, "SELECT fingerprint, status, body FROM idempotency WHERE platform_id = \(platformID) AND key = \(key)", logger) { r in
            Kept(fingerprint: try r.string("fingerprint"), response: StoredResponse(status: try r.int("status"), body: Array(try r.row["body"].decode(Data.self))))
        }
    }

    static func voucher(_ db: PostgresConnection, _ key: VoucherKey, _ logger: Logger) async throws -> Voucher? {
        switch key {
        case .code(let code): try await PGRows.one(db, "SELECT * FROM vouchers WHERE code = \(code)", logger, PGRows.voucher)
        case .redeemCode(let code): try await PGRows.one(db, "SELECT * FROM vouchers WHERE redeem_code = \(code)", logger, PGRows.voucher)
        }
    }

    static func webhookSubscribed(_ db: PostgresConnection, _ platformID: String, _ logger: Logger) async throws -> Bool {
        try await PGRows.one(db, "SELECT enabled FROM webhook_endpoints WHERE platform_id = \(platformID)", logger) { try $0.int64("enabled") != 0 } ?? false
    }

    // MARK: Reads

    public func charge(id: String) async throws -> Charge? {
        let logger = logger
        return try await read { db in try await PGRows.one(db, "SELECT * FROM charges WHERE id = \(id)", logger, PGRows.charge) }
    }

    public func chargeEvents(chargeID: String) async throws -> [ChargeEvent] {
        let logger = logger
        return try await read { db in try await PGRows.all(db, "SELECT * FROM charge_events WHERE charge_id = \(chargeID) ORDER BY id", logger, PGRows.event) }
    }

    public func voucher(_ key: VoucherKey) async throws -> Voucher? {
        let logger = logger
        return try await read { db in try await Self.voucher(db, key, logger) }
    }

    public func vouchers(participantID: String) async throws -> [Voucher] {
        let logger = logger
        return try await read { db in
            try await PGRows.all(db, "SELECT * FROM vouchers WHERE participant_id = \(participantID) ORDER BY issued_at, code", logger, PGRows.voucher)
        }
    }

    public func ledger(participantID: String) async throws -> [LedgerEntry] {
        let logger = logger
        return try await read { db in try await PGRows.all(db, "SELECT * FROM ledger WHERE participant_id = \(participantID) ORDER BY id", logger, PGRows.ledger) }
    }

    public func outbox(channel: OutboxMessage.Channel, recipient: String?, afterID: Int64, limit: Int) async throws -> [OutboxMessage] {
        let logger = logger
        return try await read { db in
            try await PGRows.all(
                db,
                """
                SELECT * FROM outbox WHERE channel = \(channel.rawValue) AND (CAST(\(recipient) AS TEXT) IS NULL OR recipient = \(recipient))
                    AND id > \(afterID) ORDER BY id LIMIT \(Int64(limit))
                """,
                logger, PGRows.outbox
            )
        }
    }

    public func audit() async throws -> AuditReport {
        let logger = logger
        return try await transaction { db in
            // One snapshot for every query of the audit.
            try await db.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            var problems: [String] = []
            for sql in AuditSQL.problems {
                problems += try await PGRows.all(db, PostgresQuery(unsafeSQL: sql), logger) { try $0.string("problem") }
            }
            var totals: [Int64] = []
            for try await row in try await db.query(PostgresQuery(unsafeSQL: AuditSQL.totals), logger: logger) {
                let r = row.makeRandomAccess()
                totals = try (0..<7).map { try r[$0].decode(Int64.self) }
            }
            return AuditSQL.report(problems: problems, totals: totals)
        }
    }

    public func messages(_ search: MessageSearch) async throws -> [FoundMessage] {
        let logger = logger
        let (channel, before, text) = (search.channel?.rawValue, search.beforeID, search.text)
        return try await read { db in
            try await PGRows.all(
                db,
                """
                SELECT o.*, p.card_number AS card, c.voucher_code AS voucher
                FROM outbox o LEFT JOIN participants p ON p.id = o.participant_id LEFT JOIN charges c ON c.id = o.charge_id
                WHERE (CAST(\(channel) AS TEXT) IS NULL OR o.channel = \(channel)) AND (CAST(\(before) AS BIGINT) IS NULL OR o.id < \(before))
                    AND (CAST(\(text) AS TEXT) IS NULL OR o.recipient = \(text) OR p.card_number = \(text) OR o.charge_id = \(text) OR c.voucher_code = \(text))
                ORDER BY o.id DESC LIMIT \(Int64(search.limit))
                """,
                logger
            ) { r in FoundMessage(message: try PGRows.outbox(r), cardNumber: try r.optionalString("card"), voucherCode: try r.optionalString("voucher")) }
        }
    }

    public func charges(matching text: String?, limit: Int) async throws -> [Charge] {
        let logger = logger
        return try await read { db in
            guard let text else {
                return try await PGRows.all(db, "SELECT * FROM charges ORDER BY seq DESC LIMIT \(Int64(limit))", logger, PGRows.charge)
            }
            return try await PGRows.all(
                db,
                """
                SELECT * FROM charges WHERE seq IN (
                    SELECT seq FROM charges WHERE id = \(text) OR platform_order_id = \(text) OR voucher_code = \(text)
                    UNION SELECT c.seq FROM charges c JOIN participants p ON p.id = c.participant_id WHERE p.card_number = \(text)
                    UNION SELECT c.seq FROM charges c JOIN vouchers v ON v.charge_id = c.id WHERE v.redeem_code = \(text))
                ORDER BY seq DESC LIMIT \(Int64(limit))
                """,
                logger, PGRows.charge
            )
        }
    }

    public func events(kind: String, limit: Int) async throws -> [ChargeEvent] {
        let logger = logger
        return try await read { db in
            try await PGRows.all(db, "SELECT * FROM charge_events WHERE kind = \(kind) ORDER BY id DESC LIMIT \(Int64(limit))", logger, PGRows.event)
        }
    }

    public func changeMark() async throws -> ChangeMark {
        let logger = logger
        return try await read { db in
            try await PGRows.one(
                db,
                """
                SELECT CAST(COALESCE((SELECT value FROM sim_state WHERE key = 'epoch'), 0) AS BIGINT) AS epoch,
                    COALESCE((SELECT value FROM sim_state WHERE key = 'clock_offset'), 0) AS clock,
                    COALESCE((SELECT MAX(id) FROM outbox), 0) AS message, COALESCE((SELECT MAX(id) FROM charge_events), 0) AS event,
                    COALESCE((SELECT MAX(seq) FROM delivery_attempts), 0) AS attempt, COALESCE((SELECT MAX(seq) FROM charges), 0) AS charge,
                    CAST(COALESCE((SELECT value FROM sim_state WHERE key = 'participant_sequence'), 0) AS BIGINT) AS participants,
                    COALESCE((SELECT MAX(id) FROM ledger), 0) AS ledger,
                    (SELECT CAST(COUNT(*) * 1000003 + COALESCE(SUM(updated_at % 1000003 + enabled), 0) AS BIGINT) FROM webhook_endpoints) AS endpoints
                """,
                logger
            ) { r in
                ChangeMark(
                    epoch: try r.int64("epoch"), clockOffset: try r.row["clock"].decode(Double.self), lastMessageID: try r.int64("message"),
                    lastEventID: try r.int64("event"), lastAttemptID: try r.int64("attempt"), lastChargeID: try r.int64("charge"),
                    participants: try r.int64("participants"), lastLedgerID: try r.int64("ledger"), endpoints: try r.int64("endpoints")
                )
            } ?? ChangeMark(epoch: 0, clockOffset: 0, lastMessageID: 0, lastEventID: 0, lastAttemptID: 0, lastChargeID: 0, participants: 0, lastLedgerID: 0, endpoints: 0)
        }
    }

    public func counts() async throws -> SimulationCounts {
        let logger = logger
        return try await transaction { db in
            try await db.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            func grouped(_ query: PostgresQuery, _ keys: [String]) async throws -> [String: Int] {
                var counts = Dictionary(uniqueKeysWithValues: keys.map { ($0, 0) })
                for (key, n) in try await PGRows.all(db, query, logger, { (try $0.string("k"), try $0.int("n")) }) { counts[key, default: 0] = n }
                return counts
            }
            func total(_ query: PostgresQuery) async throws -> Int { try await PGRows.one(db, query, logger) { try $0.int("n") } ?? 0 }
            return SimulationCounts(
                participants: try await total("SELECT COUNT(*) AS n FROM participants"),
                charges: try await grouped("SELECT status AS k, COUNT(*) AS n FROM charges GROUP BY status", ["pending", "paid", "expired", "locked", "refunded"]),
                vouchers: try await total("SELECT COUNT(*) AS n FROM vouchers"),
                messages: try await grouped("SELECT channel AS k, COUNT(*) AS n FROM outbox GROUP BY channel", OutboxMessage.Channel.allCases.map(\.rawValue)),
                deliveries: try await grouped("SELECT status AS k, COUNT(*) AS n FROM deliveries GROUP BY status", ["pending", "delivered", "exhausted"]),
                deliveryAttempts: try await total("SELECT COUNT(*) AS n FROM delivery_attempts")
            )
        }
    }

    // MARK: Delivery

    public func dueDeliveries(until: Date, limit: Int) async throws -> [Delivery] {
        let logger = logger
        return try await read { db in
            try await PGRows.all(
                db,
                """
                SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= \(until.millisecondsSince1970)
                ORDER BY next_attempt_at, seq LIMIT \(Int64(limit))
                """,
                logger, PGRows.delivery
            )
        }
    }

    public func delivery(id: String) async throws -> Delivery? {
        let logger = logger
        return try await read { db in try await PGRows.one(db, "SELECT * FROM deliveries WHERE id = \(id)", logger, PGRows.delivery) }
    }

    public func deliveries(chargeID: String) async throws -> [Delivery] {
        let logger = logger
        return try await read { db in
            try await PGRows.all(db, "SELECT * FROM deliveries WHERE charge_id = \(chargeID) ORDER BY created_at, seq", logger, PGRows.delivery)
        }
    }

    public func deliveries(status: Delivery.Status?, platformID: String?, channel: DeliveryChannel?, limit: Int) async throws -> [Delivery] {
        let logger = logger
        let (s, c) = (status?.rawValue, channel?.rawValue)
        return try await read { db in
            try await PGRows.all(
                db,
                """
                SELECT * FROM deliveries WHERE (CAST(\(s) AS TEXT) IS NULL OR status = \(s)) AND (CAST(\(platformID) AS TEXT) IS NULL OR platform_id = \(platformID))
                    AND (CAST(\(c) AS TEXT) IS NULL OR channel = \(c))
                ORDER BY created_at DESC, seq DESC LIMIT \(Int64(limit))
                """,
                logger, PGRows.delivery
            )
        }
    }

    public func deliveryAttempts(deliveryID: String) async throws -> [DeliveryAttempt] {
        let logger = logger
        return try await read { db in
            try await PGRows.all(db, "SELECT * FROM delivery_attempts WHERE delivery_id = \(deliveryID) ORDER BY number", logger, PGRows.attempt)
        }
    }

    public func recordAttempt(_ delivery: Delivery, _ attempt: DeliveryAttempt, outbox: [OutboxMessage], events: [ChargeEvent]) async throws -> Bool {
        let logger = logger
        return try await transaction { db in
            let updated = try await PGRows.all(
                db,
                """
                UPDATE deliveries SET status = \(delivery.status.rawValue), attempts = \(Int64(delivery.attempts)),
                    next_attempt_at = \(PGRows.ms(delivery.nextAttemptAt)), delivered_at = \(PGRows.ms(delivery.deliveredAt)),
                    last_outcome = \(delivery.lastOutcome), claimed_until = NULL
                WHERE id = \(delivery.id) AND attempts = \(Int64(delivery.attempts - 1)) AND status = 'pending'
                RETURNING id
                """,
                logger
            ) { try $0.string("id") }
            guard updated.count == 1 else { return false }
            try await db.query(
                """
                INSERT INTO delivery_attempts (delivery_id, number, at, result, http_status, detail, latency_ms, next_attempt_at, request_headers, faults)
                VALUES (\(attempt.deliveryID), \(Int64(attempt.number)), \(PGRows.ms(attempt.at)), \(attempt.result.rawValue),
                    \(attempt.httpStatus.map(Int64.init)), \(attempt.detail), \(attempt.latencyMilliseconds.map(Int64.init)),
                    \(PGRows.ms(attempt.nextAttemptAt)), \(PGRows.encoded(attempt.requestHeaders)), \(PGRows.encoded(attempt.faults)))
                """,
                logger: logger
            )
            for m in outbox { try await PGRows.insert(m, db, logger) }
            for e in events { try await PGRows.insert(e, db, logger) }
            return true
        }
    }

    public func claimAttempt(deliveryID: String, number: Int, now: Date, until: Date) async throws -> Bool {
        let logger = logger
        return try await transaction { db in
            // A claim lost in a crash only lets the attempt be made again: no flush to wait for.
            try await db.query("SET LOCAL synchronous_commit TO OFF", logger: logger)
            return try await PGRows.one(
                db,
                """
                UPDATE deliveries SET claimed_until = \(until.millisecondsSince1970)
                WHERE id = \(deliveryID) AND attempts = \(Int64(number - 1)) AND status = 'pending'
                    AND (claimed_until IS NULL OR claimed_until < \(now.millisecondsSince1970))
                RETURNING id
                """,
                logger
            ) { try $0.string("id") } != nil
        }
    }

    public func redeliver(
        ids: [String]?, createdIn: ClosedRange<Date>?, statuses: Set<Delivery.Status>, platformID: String?, now: Date
    ) async throws -> [Delivery] {
        let logger = logger
        return try await transaction { db in
            var chosen: [Delivery] = []
            if let ids {
                for id in ids {
                    if let d = try await PGRows.one(db, "SELECT * FROM deliveries WHERE id = \(id) FOR UPDATE", logger, PGRows.delivery) { chosen.append(d) }
                }
            } else if let createdIn {
                chosen = try await PGRows.all(
                    db,
                    """
                    SELECT * FROM deliveries WHERE created_at BETWEEN \(createdIn.lowerBound.millisecondsSince1970) AND \(createdIn.upperBound.millisecondsSince1970)
                        AND (CAST(\(platformID) AS TEXT) IS NULL OR platform_id = \(platformID))
                    ORDER BY created_at, seq FOR UPDATE
                    """,
                    logger, PGRows.delivery
                )
            }
            chosen = chosen.filter { statuses.contains($0.status) }
            for i in chosen.indices {
                chosen[i].status = .pending
                chosen[i].nextAttemptAt = now
                try await db.query(
                    "UPDATE deliveries SET status = 'pending', next_attempt_at = \(now.millisecondsSince1970), delivered_at = NULL, claimed_until = NULL WHERE id = \(chosen[i].id)",
                    logger: logger
                )
                try await PGRows.insert(
                    ChargeEvent(
                        chargeID: chosen[i].chargeID, kind: "redelivery_requested", detail: "\(chosen[i].channel.rawValue) \(chosen[i].eventType.rawValue) by hand",
                        at: now
                    ),
                    db, logger
                )
            }
            return chosen
        }
    }

    public func chargesPaidWithoutVoucher(paidBefore: Date) async throws -> [String] {
        let logger = logger
        return try await read { db in
            try await PGRows.all(
                db,
                "SELECT id FROM charges WHERE status = 'paid' AND voucher_code IS NULL AND paid_at <= \(paidBefore.millisecondsSince1970) ORDER BY paid_at, id",
                logger
            ) { try $0.string("id") }
        }
    }

    // MARK: Webhook endpoints

    public func webhookEndpoints() async throws -> [WebhookEndpoint] {
        let logger = logger
        return try await read { db in
            try await PGRows.all(db, "SELECT * FROM webhook_endpoints ORDER BY platform_id", logger) { r in
                WebhookEndpoint(platformID: try r.string("platform_id"), url: try r.string("url"), enabled: try r.int64("enabled") != 0, updatedAt: try r.date("updated_at"))
            }
        }
    }

    public func setWebhookEndpoint(platformID: String, url: String?, now: Date) async throws -> WebhookEndpoint? {
        let logger = logger
        return try await transaction { db in
            guard let url else {
                try await db.query("DELETE FROM webhook_endpoints WHERE platform_id = \(platformID)", logger: logger)
                return nil
            }
            try await db.query(
                """
                INSERT INTO webhook_endpoints (platform_id, url, enabled, updated_at) VALUES (\(platformID), \(url), 1, \(now.millisecondsSince1970))
                ON CONFLICT (platform_id) DO UPDATE SET url = EXCLUDED.url, enabled = 1, updated_at = EXCLUDED.updated_at
                """,
                logger: logger
            )
            return WebhookEndpoint(platformID: platformID, url: url, enabled: true, updatedAt: now)
        }
    }

    public func disableWebhookEndpoint(platformID: String, now: Date) async throws {
        let logger = logger
        try await transaction { db in
            try await db.query(
                "UPDATE webhook_endpoints SET enabled = 0, updated_at = \(now.millisecondsSince1970) WHERE platform_id = \(platformID)", logger: logger
            )
        }
    }

    // MARK: Shared between processes

    public var isShared: Bool { true }

    public func claimNonce(platformID: String, nonce: String, now: Date, window: TimeInterval) async throws -> Bool? {
        let logger = logger
        let (key, at, stale) = (platformID + " " + nonce, now.millisecondsSince1970, (now - window).millisecondsSince1970)
        // Now and then, forget the nonces no request can replay any more.
        let sweep = claims.wrappingAdd(1, ordering: .relaxed).newValue % 1000 == 0
        return try await transaction { db in
            // A nonce lost in a crash only lets that one request be replayed within its window: no flush to wait for.
            try await db.query("SET LOCAL synchronous_commit TO OFF", logger: logger)
            if sweep { try await db.query("DELETE FROM request_nonces WHERE seen_at < \(stale)", logger: logger) }
            let fresh = try await PGRows.one(
                db,
                """
                INSERT INTO request_nonces (key, seen_at) VALUES (\(key), \(at))
                ON CONFLICT (key) DO UPDATE SET seen_at = EXCLUDED.seen_at WHERE request_nonces.seen_at < \(stale)
                RETURNING 1 AS one
                """,
                logger
            ) { _ in true }
            return fresh ?? false
        }
    }

    // MARK: Simulation

    public func overdueParticipantCards(acceptedBefore: Date) async throws -> [String] {
        let logger = logger
        return try await read { db in
            try await PGRows.all(
                db,
                """
                SELECT card_number FROM participants WHERE status = 'active' AND first_purchase_at IS NULL
                    AND accepted_at < \(acceptedBefore.millisecondsSince1970) ORDER BY seq
                """,
                logger
            ) { try $0.string("card_number") }
        }
    }

    public func clockOffset() async throws -> TimeInterval? {
        let logger = logger
        return try await read { db in
            try await PGRows.one(db, "SELECT value FROM sim_state WHERE key = 'clock_offset'", logger) { try $0.row["value"].decode(Double.self) }
        }
    }

    public func saveClockOffset(_ offset: TimeInterval) async throws {
        let logger = logger
        try await transaction { db in
            try await db.query(
                // Time only moves forward, whichever process saves last.
                "INSERT INTO sim_state (key, value) VALUES ('clock_offset', \(offset)) ON CONFLICT (key) DO UPDATE SET value = GREATEST(sim_state.value, EXCLUDED.value)",
                logger: logger
            )
        }
    }

    public func reset() async throws {
        let logger = logger
        try await transaction { db in
            let epoch = try await PGRows.one(db, "SELECT CAST(value AS BIGINT) AS v FROM sim_state WHERE key = 'epoch'", logger) { try $0.int64("v") } ?? 0
            try await db.query(
                """
                TRUNCATE delivery_attempts, deliveries, ledger, outbox, charge_events, vouchers, charges, bindings, idempotency, blacklist,
                    participants, sim_state, request_nonces
                """,
                logger: logger
            )
            try await db.query("INSERT INTO sim_state (key, value) VALUES ('epoch', \(Double(epoch + 1)))", logger: logger)
        }
    }
}

extension Optional {
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
