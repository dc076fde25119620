import Foundation
import Logging
import PostgresNIO
import PrakerjaCore

/// One result row, read by column name.
struct PGRow {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

    func string(_ column: String) throws -> String { try row[column].decode(String.self) }
    func optionalString(_ column: String) throws -> String? { try row[column].decode(String?.self) }
    func int64(_ column: String) throws -> Int64 { try row[column].decode(Int64.self) }
    func optionalInt64(_ column: String) throws -> Int64? { try row[column].decode(Int64?.self) }
    func int(_ column: String) throws -> Int { Int(try int64(column)) }
    func optionalInt(_ column: String) throws -> Int? { try optionalInt64(column).map(Int.init) }
    func date(_ column: String) throws -> Date { Date(millisecondsSince1970: try int64(column)) }
    func optionalDate(_ column: String) throws -> Date? { try optionalInt64(column).map(Date.init(millisecondsSince1970:)) }
}

/// Explicit row mapping for the PostgreSQL store, column for column what `PrakerjaSQLite`'s `Rows` reads and
/// writes.
enum PGRows {
    // MARK: Reading

    static func all<T>(_ db: PostgresConnection, _ query: PostgresQuery, _ logger: Logger, _ map: (PGRow) throws -> T) async throws -> [T] {
        var out: [T] = []
        for try await row in try await db.query(query, logger: logger) { out.append(try map(PGRow(row))) }
        return out
    }

    static func one<T>(_ db: PostgresConnection, _ query: PostgresQuery, _ logger: Logger, _ map: (PGRow) throws -> T) async throws -> T? {
        try await all(db, query, logger, map).first
    }

    static func participant(_ r: PGRow) throws -> Participant {
        var p = Participant(
            id: try r.string("id"), nik: try r.string("nik"), name: try r.string("name"), cardNumber: try r.string("card_number"),
            phone: try r.string("phone"), email: try r.string("email"), wave: try r.int("wave"), acceptedAt: try r.date("accepted_at"),
            videosWatched: try r.int("videos_watched"), balance: try r.int64("balance")
        )
        p.initialBalance = try r.int64("initial_balance")
        p.status = Participant.Status(rawValue: try r.string("status")) ?? .active
        p.revokedAt = try r.optionalDate("revoked_at")
        p.revocationReason = try r.optionalString("revocation_reason").flatMap(Participant.RevocationReason.init(rawValue:))
        p.firstPurchaseAt = try r.optionalDate("first_purchase_at")
        p.openVoucherCode = try r.optionalString("open_voucher_code")
        p.lastCompletedAt = try r.optionalDate("last_completed_at")
        p.completedTrainings = try r.int("completed_trainings")
        p.incentiveTotal = try r.int64("incentive_total")
        p.otpDay = try r.int64("otp_day")
        p.otpSentToday = try r.int("otp_sent_today")
        p.chargesCreated = try r.int("charges_created")
        return p
    }

    static func charge(_ r: PGRow) throws -> Charge {
        Charge(
            id: try r.string("id"), participantID: try r.string("participant_id"), cardNumber: try r.string("card_number"),
            platformID: try r.string("platform_id"), platformOrderID: try r.string("platform_order_id"), accountID: try r.string("account_id"),
            courseID: try r.string("course_id"), amount: try r.int64("amount"), status: Charge.Status(rawValue: try r.string("status")) ?? .pending,
            otp: try r.string("otp"), otpExpiresAt: try r.date("otp_expires_at"), otpAttempts: try r.int("otp_attempts"),
            otpSends: try r.int("otp_sends"), otpLastSentAt: try r.date("otp_last_sent_at"), createdAt: try r.date("created_at"),
            expiresAt: try r.date("expires_at"), paidAt: try r.optionalDate("paid_at"), voucherCode: try r.optionalString("voucher_code"),
            refundedAt: try r.optionalDate("refunded_at"), voucherVisibleAt: try r.optionalDate("voucher_visible_at")
        )
    }

    static func voucher(_ r: PGRow) throws -> Voucher {
        Voucher(
            code: try r.string("code"), redeemCode: try r.string("redeem_code"), invoiceCode: try r.string("invoice_code"),
            chargeID: try r.string("charge_id"), participantID: try r.string("participant_id"), courseID: try r.string("course_id"),
            providerID: try r.string("provider_id"), platformID: try r.string("platform_id"), amount: try r.int64("amount"),
            status: Voucher.Status(rawValue: try r.string("status")) ?? .active, issuedAt: try r.date("issued_at"),
            redeemedAt: try r.optionalDate("redeemed_at"), attendedSequences: try r.string("attended").split(separator: ",").compactMap { Int($0) },
            completedAt: try r.optionalDate("completed_at"), rating: try r.optionalInt("rating")
        )
    }

    static func ledger(_ r: PGRow) throws -> LedgerEntry {
        LedgerEntry(
            participantID: try r.string("participant_id"), chargeID: try r.optionalString("charge_id"),
            kind: LedgerEntry.Kind(rawValue: try r.string("kind")) ?? .debit, amount: try r.int64("amount"),
            balanceAfter: try r.int64("balance_after"), at: try r.date("at")
        )
    }

    static func outbox(_ r: PGRow) throws -> OutboxMessage {
        OutboxMessage(
            id: try r.int64("id"), channel: OutboxMessage.Channel(rawValue: try r.string("channel")) ?? .sms,
            participantID: try r.string("participant_id"), recipient: try r.string("recipient"), subject: try r.string("subject"),
            body: try r.string("body"), chargeID: try r.optionalString("charge_id"), createdAt: try r.date("created_at")
        )
    }

    static func event(_ r: PGRow) throws -> ChargeEvent {
        ChargeEvent(chargeID: try r.string("charge_id"), kind: try r.string("kind"), detail: try r.string("detail"), at: try r.date("at"))
    }

    static func delivery(_ r: PGRow) throws -> Delivery {
        Delivery(
            id: try r.string("id"), eventID: try r.string("event_id"),
            eventType: WebhookEvent.Kind(rawValue: try r.string("event_type")) ?? .voucherIssued, chargeID: try r.string("charge_id"),
            platformID: try r.string("platform_id"), participantID: try r.string("participant_id"),
            channel: DeliveryChannel(rawValue: try r.string("channel")) ?? .email, status: Delivery.Status(rawValue: try r.string("status")) ?? .pending,
            attempts: try r.int("attempts"), nextAttemptAt: try r.optionalDate("next_attempt_at"), payload: try r.string("payload"),
            createdAt: try r.date("created_at"), deliveredAt: try r.optionalDate("delivered_at"), lastOutcome: try r.optionalString("last_outcome")
        )
    }

    static func attempt(_ r: PGRow) throws -> DeliveryAttempt {
        DeliveryAttempt(
            deliveryID: try r.string("delivery_id"), number: try r.int("number"), at: try r.date("at"),
            result: DeliveryAttempt.Result(rawValue: try r.string("result")) ?? .failed, httpStatus: try r.optionalInt("http_status"),
            detail: try r.string("detail"), latencyMilliseconds: try r.optionalInt("latency_ms"), nextAttemptAt: try r.optionalDate("next_attempt_at"),
            requestHeaders: decoded([HeaderField].self, try r.string("request_headers")), faults: decoded([String].self, try r.string("faults"))
        )
    }

    static func encoded(_ value: some Encodable) -> String {
        (try? String(decoding: JSONEncoder().encode(value), as: UTF8.self)) ?? "[]"
    }

    static func decoded<T: Decodable & ExpressibleByArrayLiteral>(_ type: T.Type, _ text: String) -> T {
        (try? JSONDecoder().decode(T.self, from: Data(text.utf8))) ?? []
    }

    // MARK: Writing

    static func insert(_ p: Participant, _ db: PostgresConnection, _ logger: Logger) async throws {
        try await db.query(
            """
            INSERT INTO participants (nik, name, card_number, phone, email, wave, accepted_at, videos_watched, balance, initial_balance,
                status, revoked_at, revocation_reason, first_purchase_at, open_voucher_code, last_completed_at, completed_trainings,
                incentive_total, otp_day, otp_sent_today, charges_created, id)
            VALUES (\(p.nik), \(p.name), \(p.cardNumber), \(p.phone), \(p.email), \(Int64(p.wave)), \(ms(p.acceptedAt)), \(Int64(p.videosWatched)),
                \(p.balance), \(p.initialBalance), \(p.status.rawValue), \(ms(p.revokedAt)), \(p.revocationReason?.rawValue),
                \(ms(p.firstPurchaseAt)), \(p.openVoucherCode), \(ms(p.lastCompletedAt)), \(Int64(p.completedTrainings)), \(p.incentiveTotal),
                \(p.otpDay), \(Int64(p.otpSentToday)), \(Int64(p.chargesCreated)), \(p.id))
            """,
            logger: logger
        )
    }

    static func update(_ p: Participant, _ db: PostgresConnection, _ logger: Logger) async throws {
        try await db.query(
            """
            UPDATE participants SET nik = \(p.nik), name = \(p.name), card_number = \(p.cardNumber), phone = \(p.phone), email = \(p.email),
                wave = \(Int64(p.wave)), accepted_at = \(ms(p.acceptedAt)), videos_watched = \(Int64(p.videosWatched)), balance = \(p.balance),
                initial_balance = \(p.initialBalance), status = \(p.status.rawValue), revoked_at = \(ms(p.revokedAt)),
                revocation_reason = \(p.revocationReason?.rawValue), first_purchase_at = \(ms(p.firstPurchaseAt)),
                open_voucher_code = \(p.openVoucherCode), last_completed_at = \(ms(p.lastCompletedAt)),
                completed_trainings = \(Int64(p.completedTrainings)), incentive_total = \(p.incentiveTotal), otp_day = \(p.otpDay),
                otp_sent_today = \(Int64(p.otpSentToday)), charges_created = \(Int64(p.chargesCreated))
            WHERE id = \(p.id)
            """,
            logger: logger
        )
    }

    static func insert(_ m: OutboxMessage, _ db: PostgresConnection, _ logger: Logger) async throws {
        try await db.query(
            """
            INSERT INTO outbox (channel, participant_id, recipient, subject, body, charge_id, created_at)
            VALUES (\(m.channel.rawValue), \(m.participantID), \(m.recipient), \(m.subject), \(m.body), \(m.chargeID), \(ms(m.createdAt)))
            """,
            logger: logger
        )
    }

    static func insert(_ e: ChargeEvent, _ db: PostgresConnection, _ logger: Logger) async throws {
        try await db.query(
            "INSERT INTO charge_events (charge_id, kind, detail, at) VALUES (\(e.chargeID), \(e.kind), \(e.detail), \(ms(e.at)))", logger: logger
        )
    }

    static func insert(_ d: Delivery, _ db: PostgresConnection, _ logger: Logger) async throws {
        try await db.query(
            """
            INSERT INTO deliveries (id, event_id, event_type, charge_id, platform_id, participant_id, channel, status, attempts,
                next_attempt_at, payload, created_at, delivered_at, last_outcome)
            VALUES (\(d.id), \(d.eventID), \(d.eventType.rawValue), \(d.chargeID), \(d.platformID), \(d.participantID), \(d.channel.rawValue),
                \(d.status.rawValue), \(Int64(d.attempts)), \(ms(d.nextAttemptAt)), \(d.payload), \(ms(d.createdAt)), \(ms(d.deliveredAt)),
                \(d.lastOutcome))
            """,
            logger: logger
        )
    }

    /// Writes what a command changed, inside the command's transaction.
    static func persist(_ ws: Workspace, original: Workspace, _ db: PostgresConnection, _ logger: Logger) async throws {
        if ws.participant != original.participant { try await update(ws.participant, db, logger) }
        if let c = ws.charge {
            if ws.chargeIsNew {
                let taken = try await one(
                    db, "SELECT 1 AS one FROM charges WHERE platform_id = \(c.platformID) AND platform_order_id = \(c.platformOrderID)", logger
                ) { _ in true }
                if taken == true { throw GatewayError(.duplicateOrder, details: ["platform_order_id": c.platformOrderID]) }
                try await db.query(
                    """
                    INSERT INTO charges (participant_id, card_number, platform_id, platform_order_id, account_id, course_id, amount, status, otp,
                        otp_expires_at, otp_attempts, otp_sends, otp_last_sent_at, created_at, expires_at, paid_at, voucher_code, refunded_at,
                        voucher_visible_at, id)
                    VALUES (\(c.participantID), \(c.cardNumber), \(c.platformID), \(c.platformOrderID), \(c.accountID), \(c.courseID), \(c.amount),
                        \(c.status.rawValue), \(c.otp), \(ms(c.otpExpiresAt)), \(Int64(c.otpAttempts)), \(Int64(c.otpSends)), \(ms(c.otpLastSentAt)),
                        \(ms(c.createdAt)), \(ms(c.expiresAt)), \(ms(c.paidAt)), \(c.voucherCode), \(ms(c.refundedAt)), \(ms(c.voucherVisibleAt)), \(c.id))
                    """,
                    logger: logger
                )
            } else if c != original.charge {
                try await db.query(
                    """
                    UPDATE charges SET participant_id = \(c.participantID), card_number = \(c.cardNumber), platform_id = \(c.platformID),
                        platform_order_id = \(c.platformOrderID), account_id = \(c.accountID), course_id = \(c.courseID), amount = \(c.amount),
                        status = \(c.status.rawValue), otp = \(c.otp), otp_expires_at = \(ms(c.otpExpiresAt)), otp_attempts = \(Int64(c.otpAttempts)),
                        otp_sends = \(Int64(c.otpSends)), otp_last_sent_at = \(ms(c.otpLastSentAt)), created_at = \(ms(c.createdAt)),
                        expires_at = \(ms(c.expiresAt)), paid_at = \(ms(c.paidAt)), voucher_code = \(c.voucherCode), refunded_at = \(ms(c.refundedAt)),
                        voucher_visible_at = \(ms(c.voucherVisibleAt))
                    WHERE id = \(c.id)
                    """,
                    logger: logger
                )
            }
        }
        if let v = ws.voucher {
            let attended = v.attendedSequences.map(String.init).joined(separator: ",")
            if ws.voucherIsNew {
                try await db.query(
                    """
                    INSERT INTO vouchers (redeem_code, invoice_code, charge_id, participant_id, course_id, provider_id, platform_id, amount, status,
                        issued_at, redeemed_at, attended, completed_at, rating, code)
                    VALUES (\(v.redeemCode), \(v.invoiceCode), \(v.chargeID), \(v.participantID), \(v.courseID), \(v.providerID), \(v.platformID),
                        \(v.amount), \(v.status.rawValue), \(ms(v.issuedAt)), \(ms(v.redeemedAt)), \(attended), \(ms(v.completedAt)),
                        \(v.rating.map(Int64.init)), \(v.code))
                    """,
                    logger: logger
                )
            } else if v != original.voucher {
                try await db.query(
                    """
                    UPDATE vouchers SET redeem_code = \(v.redeemCode), invoice_code = \(v.invoiceCode), charge_id = \(v.chargeID),
                        participant_id = \(v.participantID), course_id = \(v.courseID), provider_id = \(v.providerID), platform_id = \(v.platformID),
                        amount = \(v.amount), status = \(v.status.rawValue), issued_at = \(ms(v.issuedAt)), redeemed_at = \(ms(v.redeemedAt)),
                        attended = \(attended), completed_at = \(ms(v.completedAt)), rating = \(v.rating.map(Int64.init))
                    WHERE code = \(v.code)
                    """,
                    logger: logger
                )
            }
        }
        if let b = ws.newBinding {
            try await db.query(
                "INSERT INTO bindings (platform_id, account_id, card_number, bound_at) VALUES (\(b.platformID), \(b.accountID), \(b.cardNumber), \(ms(b.boundAt)))",
                logger: logger
            )
        }
        if let nik = ws.blacklistedNIK {
            try await db.query("INSERT INTO blacklist (nik, at) VALUES (\(nik), \(ms(ws.now))) ON CONFLICT DO NOTHING", logger: logger)
        }
        for e in ws.ledger {
            try await db.query(
                """
                INSERT INTO ledger (participant_id, charge_id, kind, amount, balance_after, at)
                VALUES (\(e.participantID), \(e.chargeID), \(e.kind.rawValue), \(e.amount), \(e.balanceAfter), \(ms(e.at)))
                """,
                logger: logger
            )
        }
        for m in ws.outbox { try await insert(m, db, logger) }
        for e in ws.events { try await insert(e, db, logger) }
        for d in ws.deliveries { try await insert(d, db, logger) }
    }

    static func ms(_ date: Date) -> Int64 { date.millisecondsSince1970 }
    static func ms(_ date: Date?) -> Int64? { date?.millisecondsSince1970 }
}
