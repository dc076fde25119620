import GRDB
import PrakerjaCore

/// The money-and-voucher audit, in SQL over the whole store.
enum Audit {
    static let maxProblems = 100

    static func run(_ db: Database) throws -> AuditReport {
        var problems: [String] = []
        func check(_ sql: String, _ describe: (Row) -> String) throws {
            for row in try Row.fetchAll(db, sql: sql + " LIMIT \(maxProblems)") { problems.append(describe(row)) }
        }
        // Every participant: initial − current = debits − refunds + forfeits.
        try check(
            """
            SELECT p.card_number, p.initial_balance, p.balance,
                COALESCE(SUM(CASE l.kind WHEN 'debit' THEN l.amount WHEN 'forfeit' THEN l.amount ELSE -l.amount END), 0) AS moved
            FROM participants p LEFT JOIN ledger l ON l.participant_id = p.id
            GROUP BY p.id HAVING p.initial_balance - p.balance != moved OR p.balance < 0
            """
        ) { "card \($0["card_number"] as String): initial \($0["initial_balance"] as Int64) − balance \($0["balance"] as Int64) ≠ ledger \($0["moved"] as Int64)" }
        // Every debit is matched by exactly one voucher or one refund: a paid charge has exactly one voucher
        // and one debit; a refunded one one debit and at most one voucher, no longer active (a charge debited
        // without a voucher and repaired by a refund has none).
        try check(
            """
            SELECT c.id, c.status, (SELECT COUNT(*) FROM vouchers v WHERE v.charge_id = c.id) AS vouchers,
                (SELECT COUNT(*) FROM vouchers v WHERE v.charge_id = c.id AND v.status = 'active') AS active,
                (SELECT COUNT(*) FROM ledger l WHERE l.charge_id = c.id AND l.kind = 'debit') AS debits
            FROM charges c
            WHERE (c.status = 'paid' AND (vouchers != 1 OR debits != 1))
                OR (c.status = 'refunded' AND (vouchers > 1 OR active != 0 OR debits != 1
                    OR (vouchers = 0 AND NOT EXISTS (SELECT 1 FROM charge_events e WHERE e.charge_id = c.id AND e.kind = 'reconciled'))))
            """
        ) { "charge \($0["id"] as String) (\($0["status"] as String)): \($0["vouchers"] as Int) vouchers (\($0["active"] as Int) active) and \($0["debits"] as Int) debits" }
        // A refunded charge has exactly one refund; any other charge has none.
        try check(
            """
            SELECT c.id, c.status, (SELECT COUNT(*) FROM ledger l WHERE l.charge_id = c.id AND l.kind = 'refund') AS refunds
            FROM charges c WHERE (c.status = 'refunded' AND refunds != 1) OR (c.status != 'refunded' AND refunds != 0)
            """
        ) { "charge \($0["id"] as String) (\($0["status"] as String)): \($0["refunds"] as Int) refunds" }
        // A charge that was never paid moved no money.
        try check(
            """
            SELECT c.id, c.status FROM charges c
            WHERE c.status IN ('pending', 'expired', 'locked') AND EXISTS (SELECT 1 FROM ledger l WHERE l.charge_id = c.id)
            """
        ) { "charge \($0["id"] as String) is \($0["status"] as String) but moved money" }
        // A voucher belongs to a charge that was paid (and possibly refunded), with the same amount.
        try check(
            """
            SELECT v.code FROM vouchers v LEFT JOIN charges c ON c.id = v.charge_id
            WHERE c.id IS NULL OR c.status NOT IN ('paid', 'refunded') OR c.amount != v.amount OR c.voucher_code != v.code
            """
        ) { "voucher \($0["code"] as String) does not match a paid charge" }

        func total(_ kind: String) throws -> Rupiah {
            try Rupiah.fetchOne(db, sql: "SELECT COALESCE(SUM(amount), 0) FROM ledger WHERE kind = ?", arguments: [kind]) ?? 0
        }
        return AuditReport(
            participants: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM participants") ?? 0,
            paidCharges: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM charges WHERE status = 'paid'") ?? 0,
            refundedCharges: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM charges WHERE status = 'refunded'") ?? 0,
            vouchers: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM vouchers") ?? 0,
            totalDebited: try total("debit"), totalRefunded: try total("refund"), totalForfeited: try total("forfeit"),
            problems: problems
        )
    }
}
