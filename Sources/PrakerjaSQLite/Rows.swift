import Foundation
import GRDB
import PrakerjaCore

/// Explicit row mapping (cached statements, no reflection): the hot paths read and write these rows on
/// every request.
enum Rows {
    // MARK: Participants

    static func participant(_ db: Database, card: String) throws -> Participant? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM participants WHERE card_number = ?"), arguments: [card]).map(participant)
    }

    static func participant(_ db: Database, id: String) throws -> Participant? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM participants WHERE id = ?"), arguments: [id]).map(participant)
    }

    static func participant(_ row: Row) -> Participant {
        var p = Participant(
            id: row["id"], nik: row["nik"], name: row["name"], cardNumber: row["card_number"], phone: row["phone"], email: row["email"],
            wave: row["wave"], acceptedAt: date(row["accepted_at"]), videosWatched: row["videos_watched"], balance: row["balance"]
        )
        p.initialBalance = row["initial_balance"]
        p.status = Participant.Status(rawValue: row["status"]) ?? .active
        p.revokedAt = optionalDate(row["revoked_at"])
        p.revocationReason = (row["revocation_reason"] as String?).flatMap(Participant.RevocationReason.init(rawValue:))
        p.firstPurchaseAt = optionalDate(row["first_purchase_at"])
        p.openVoucherCode = row["open_voucher_code"]
        p.lastCompletedAt = optionalDate(row["last_completed_at"])
        p.completedTrainings = row["completed_trainings"]
        p.incentiveTotal = row["incentive_total"]
        p.otpDay = row["otp_day"]
        p.otpSentToday = row["otp_sent_today"]
        p.chargesCreated = row["charges_created"]
        return p
    }

    static func participantArguments(_ p: Participant) -> StatementArguments {
        [
            p.nik, p.name, p.cardNumber, p.phone, p.email, p.wave, ms(p.acceptedAt), p.videosWatched, p.balance, p.initialBalance,
            p.status.rawValue, ms(p.revokedAt), p.revocationReason?.rawValue, ms(p.firstPurchaseAt), p.openVoucherCode,
            ms(p.lastCompletedAt), p.completedTrainings, p.incentiveTotal, p.otpDay, p.otpSentToday, p.chargesCreated, p.id,
        ]
    }

    static func insert(_ p: Participant, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO participants (nik, name, card_number, phone, email, wave, accepted_at, videos_watched, balance,
                    initial_balance, status, revoked_at, revocation_reason, first_purchase_at, open_voucher_code, last_completed_at,
                    completed_trainings, incentive_total, otp_day, otp_sent_today, charges_created, id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: participantArguments(p))
    }

    static func update(_ p: Participant, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                UPDATE participants SET nik = ?, name = ?, card_number = ?, phone = ?, email = ?, wave = ?, accepted_at = ?,
                    videos_watched = ?, balance = ?, initial_balance = ?, status = ?, revoked_at = ?, revocation_reason = ?,
                    first_purchase_at = ?, open_voucher_code = ?, last_completed_at = ?, completed_trainings = ?, incentive_total = ?,
                    otp_day = ?, otp_sent_today = ?, charges_created = ?
                WHERE id = ?
                """
        ).execute(arguments: participantArguments(p))
    }

    // MARK: Charges

    static func charge(_ db: Database, id: String) throws -> Charge? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM charges WHERE id = ?"), arguments: [id]).map(charge)
    }

    static func charge(_ row: Row) -> Charge {
        Charge(
            id: row["id"], participantID: row["participant_id"], cardNumber: row["card_number"], platformID: row["platform_id"],
            platformOrderID: row["platform_order_id"], accountID: row["account_id"], courseID: row["course_id"], amount: row["amount"],
            status: Charge.Status(rawValue: row["status"]) ?? .pending, otp: row["otp"], otpExpiresAt: date(row["otp_expires_at"]),
            otpAttempts: row["otp_attempts"], otpSends: row["otp_sends"], otpLastSentAt: date(row["otp_last_sent_at"]),
            createdAt: date(row["created_at"]), expiresAt: date(row["expires_at"]), paidAt: optionalDate(row["paid_at"]),
            voucherCode: row["voucher_code"], refundedAt: optionalDate(row["refunded_at"]), voucherVisibleAt: optionalDate(row["voucher_visible_at"])
        )
    }

    static func chargeArguments(_ c: Charge) -> StatementArguments {
        [
            c.participantID, c.cardNumber, c.platformID, c.platformOrderID, c.accountID, c.courseID, c.amount, c.status.rawValue, c.otp,
            ms(c.otpExpiresAt), c.otpAttempts, c.otpSends, ms(c.otpLastSentAt), ms(c.createdAt), ms(c.expiresAt), ms(c.paidAt),
            c.voucherCode, ms(c.refundedAt), ms(c.voucherVisibleAt), c.id,
        ]
    }

    // MARK: Vouchers

    static func voucher(_ db: Database, _ key: VoucherKey) throws -> Voucher? {
        switch key {
        case .code(let code):
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM vouchers WHERE code = ?"), arguments: [code]).map(voucher)
        case .redeemCode(let code):
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM vouchers WHERE redeem_code = ?"), arguments: [code]).map(voucher)
        }
    }

    static func voucher(_ row: Row) -> Voucher {
        let attended: String = row["attended"]
        return Voucher(
            code: row["code"], redeemCode: row["redeem_code"], invoiceCode: row["invoice_code"], chargeID: row["charge_id"],
            participantID: row["participant_id"], courseID: row["course_id"], providerID: row["provider_id"], platformID: row["platform_id"],
            amount: row["amount"], status: Voucher.Status(rawValue: row["status"]) ?? .active, issuedAt: date(row["issued_at"]),
            redeemedAt: optionalDate(row["redeemed_at"]), attendedSequences: attended.split(separator: ",").compactMap { Int($0) },
            completedAt: optionalDate(row["completed_at"]), rating: row["rating"]
        )
    }

    static func voucherArguments(_ v: Voucher) -> StatementArguments {
        [
            v.redeemCode, v.invoiceCode, v.chargeID, v.participantID, v.courseID, v.providerID, v.platformID, v.amount, v.status.rawValue,
            ms(v.issuedAt), ms(v.redeemedAt), v.attendedSequences.map(String.init).joined(separator: ","), ms(v.completedAt), v.rating, v.code,
        ]
    }

    // MARK: Ledger and outbox

    static func ledger(_ row: Row) -> LedgerEntry {
        LedgerEntry(
            participantID: row["participant_id"], chargeID: row["charge_id"], kind: LedgerEntry.Kind(rawValue: row["kind"]) ?? .debit,
            amount: row["amount"], balanceAfter: row["balance_after"], at: date(row["at"])
        )
    }

    static func outbox(_ row: Row) -> OutboxMessage {
        OutboxMessage(
            id: row["id"], channel: OutboxMessage.Channel(rawValue: row["channel"]) ?? .sms, participantID: row["participant_id"],
            recipient: row["recipient"], subject: row["subject"], body: row["body"], chargeID: row["charge_id"],
            createdAt: date(row["created_at"])
        )
    }

    // MARK: Writing a workspace back

    /// Writes what a command changed. Runs inside the command's transaction.
    static func persist(_ ws: Workspace, original: Workspace, _ db: Database) throws {
        if ws.participant != original.participant { try update(ws.participant, db) }
        if let charge = ws.charge {
            if ws.chargeIsNew {
                if try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT 1 FROM charges WHERE platform_id = ? AND platform_order_id = ?"),
                    arguments: [charge.platformID, charge.platformOrderID]
                ) == true {
                    throw GatewayError(.duplicateOrder, details: ["platform_order_id": charge.platformOrderID])
                }
                try db.cachedStatement(
                    sql: """
                        INSERT INTO charges (participant_id, card_number, platform_id, platform_order_id, account_id, course_id, amount,
                            status, otp, otp_expires_at, otp_attempts, otp_sends, otp_last_sent_at, created_at, expires_at, paid_at,
                            voucher_code, refunded_at, voucher_visible_at, id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: chargeArguments(charge))
            } else if charge != original.charge {
                try db.cachedStatement(
                    sql: """
                        UPDATE charges SET participant_id = ?, card_number = ?, platform_id = ?, platform_order_id = ?, account_id = ?,
                            course_id = ?, amount = ?, status = ?, otp = ?, otp_expires_at = ?, otp_attempts = ?, otp_sends = ?,
                            otp_last_sent_at = ?, created_at = ?, expires_at = ?, paid_at = ?, voucher_code = ?, refunded_at = ?,
                            voucher_visible_at = ?
                        WHERE id = ?
                        """
                ).execute(arguments: chargeArguments(charge))
            }
        }
        if let voucher = ws.voucher {
            if ws.voucherIsNew {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO vouchers (redeem_code, invoice_code, charge_id, participant_id, course_id, provider_id, platform_id,
                            amount, status, issued_at, redeemed_at, attended, completed_at, rating, code)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: voucherArguments(voucher))
            } else if voucher != original.voucher {
                try db.cachedStatement(
                    sql: """
                        UPDATE vouchers SET redeem_code = ?, invoice_code = ?, charge_id = ?, participant_id = ?, course_id = ?,
                            provider_id = ?, platform_id = ?, amount = ?, status = ?, issued_at = ?, redeemed_at = ?, attended = ?,
                            completed_at = ?, rating = ?
                        WHERE code = ?
                        """
                ).execute(arguments: voucherArguments(voucher))
            }
        }
        if let b = ws.newBinding {
            try db.cachedStatement(sql: "INSERT INTO bindings (platform_id, account_id, card_number, bound_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [b.platformID, b.accountID, b.cardNumber, ms(b.boundAt)])
        }
        if let nik = ws.blacklistedNIK {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO blacklist (nik, at) VALUES (?, ?)").execute(arguments: [nik, ms(ws.now)])
        }
        for e in ws.ledger {
            try db.cachedStatement(
                sql: "INSERT INTO ledger (participant_id, charge_id, kind, amount, balance_after, at) VALUES (?, ?, ?, ?, ?, ?)"
            ).execute(arguments: [e.participantID, e.chargeID, e.kind.rawValue, e.amount, e.balanceAfter, ms(e.at)])
        }
        for m in ws.outbox { try insert(m, db) }
        for e in ws.events { try insert(e, db) }
        for d in ws.deliveries { try insert(d, db) }
    }

    // MARK: Deliveries

    static func delivery(_ row: Row) -> Delivery {
        Delivery(
            id: row["id"], eventID: row["event_id"], eventType: WebhookEvent.Kind(rawValue: row["event_type"]) ?? .voucherIssued,
            chargeID: row["charge_id"], platformID: row["platform_id"], participantID: row["participant_id"],
            channel: DeliveryChannel(rawValue: row["channel"]) ?? .email, status: Delivery.Status(rawValue: row["status"]) ?? .pending,
            attempts: row["attempts"], nextAttemptAt: optionalDate(row["next_attempt_at"]), payload: row["payload"],
            createdAt: date(row["created_at"]), deliveredAt: optionalDate(row["delivered_at"]), lastOutcome: row["last_outcome"]
        )
    }

    static func insert(_ d: Delivery, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO deliveries (id, event_id, event_type, charge_id, platform_id, participant_id, channel, status, attempts,
                    next_attempt_at, payload, created_at, delivered_at, last_outcome)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            d.id, d.eventID, d.eventType.rawValue, d.chargeID, d.platformID, d.participantID, d.channel.rawValue, d.status.rawValue,
            d.attempts, ms(d.nextAttemptAt), d.payload, ms(d.createdAt), ms(d.deliveredAt), d.lastOutcome,
        ])
    }

    static func attempt(_ row: Row) -> DeliveryAttempt {
        DeliveryAttempt(
            deliveryID: row["delivery_id"], number: row["number"], at: date(row["at"]),
            result: DeliveryAttempt.Result(rawValue: row["result"]) ?? .failed, httpStatus: row["http_status"], detail: row["detail"],
            latencyMilliseconds: row["latency_ms"], nextAttemptAt: optionalDate(row["next_attempt_at"]),
            requestHeaders: decoded([HeaderField].self, row["request_headers"]), faults: decoded([String].self, row["faults"])
        )
    }

    private static let jsonEncoder = JSONEncoder()
    private static let jsonDecoder = JSONDecoder()

    static func encoded(_ value: some Encodable) -> String {
        (try? String(decoding: jsonEncoder.encode(value), as: UTF8.self)) ?? "[]"
    }

    static func decoded<T: Decodable & ExpressibleByArrayLiteral>(_ type: T.Type, _ text: String?) -> T {
        text.flatMap { try? jsonDecoder.decode(T.self, from: Data($0.utf8)) } ?? []
    }

    static func insert(_ m: OutboxMessage, _ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO outbox (channel, participant_id, recipient, subject, body, charge_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [m.channel.rawValue, m.participantID, m.recipient, m.subject, m.body, m.chargeID, ms(m.createdAt)])
    }

    static func event(_ row: Row) -> ChargeEvent {
        ChargeEvent(chargeID: row["charge_id"], kind: row["kind"], detail: row["detail"], at: date(row["at"]))
    }

    static func insert(_ e: ChargeEvent, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO charge_events (charge_id, kind, detail, at) VALUES (?, ?, ?, ?)")
            .execute(arguments: [e.chargeID, e.kind, e.detail, ms(e.at)])
    }

    /// Whether `platformID` has an enabled webhook endpoint.
    static func webhookSubscribed(_ db: Database, _ platformID: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT enabled FROM webhook_endpoints WHERE platform_id = ?"), arguments: [platformID]) ?? false
    }

    // MARK: Time

    static func ms(_ date: Date) -> Int64 { date.millisecondsSince1970 }
    static func ms(_ date: Date?) -> Int64? { date?.millisecondsSince1970 }
    static func date(_ ms: Int64) -> Date { Date(millisecondsSince1970: ms) }
    static func optionalDate(_ ms: Int64?) -> Date? { ms.map(Date.init(millisecondsSince1970:)) }
}
