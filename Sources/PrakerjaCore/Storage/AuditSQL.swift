/// The money-and-voucher audit as SQL that both stores run unchanged (SQLite and PostgreSQL): no
/// SQLite-only syntax, no column aliases in `WHERE` or `HAVING`, casts spelled `CAST(… AS …)`.
///
/// Each problem query yields one text column, `problem`, describing one broken invariant; ``totals`` yields
/// one row of seven integers in ``AuditReport``'s order.
public enum AuditSQL {
    /// At most this many problems are listed per check.
    public static let maxProblems = 100

    public static let problems: [String] = [
        // Every participant: initial − current = debits − refunds + forfeits, and no balance below zero.
        """
        SELECT 'card ' || card_number || ': initial ' || CAST(initial_balance AS TEXT) || ' − balance ' || CAST(balance AS TEXT)
            || ' ≠ ledger ' || CAST(moved AS TEXT) AS problem
        FROM (
            SELECT p.card_number, p.initial_balance, p.balance,
                CAST(COALESCE(SUM(CASE l.kind WHEN 'debit' THEN l.amount WHEN 'forfeit' THEN l.amount ELSE -l.amount END), 0) AS BIGINT) AS moved
            FROM participants p LEFT JOIN ledger l ON l.participant_id = p.id
            GROUP BY p.id, p.card_number, p.initial_balance, p.balance
        ) t
        WHERE initial_balance - balance <> moved OR balance < 0
        """,
        // Every debit is matched by exactly one voucher or one refund: a paid charge has exactly one voucher
        // and one debit; a refunded one one debit and at most one voucher, no longer active (a charge debited
        // without a voucher and repaired by a refund has none, and a `reconciled` timeline entry).
        """
        SELECT 'charge ' || id || ' (' || status || '): ' || CAST(vouchers AS TEXT) || ' vouchers (' || CAST(active AS TEXT)
            || ' active) and ' || CAST(debits AS TEXT) || ' debits' AS problem
        FROM (
            SELECT c.id, c.status,
                (SELECT COUNT(*) FROM vouchers v WHERE v.charge_id = c.id) AS vouchers,
                (SELECT COUNT(*) FROM vouchers v WHERE v.charge_id = c.id AND v.status = 'active') AS active,
                (SELECT COUNT(*) FROM ledger l WHERE l.charge_id = c.id AND l.kind = 'debit') AS debits,
                (SELECT COUNT(*) FROM charge_events e WHERE e.charge_id = c.id AND e.kind = 'reconciled') AS reconciled
            FROM charges c WHERE c.status IN ('paid', 'refunded')
        ) t
        WHERE (status = 'paid' AND (vouchers <> 1 OR debits <> 1))
            OR (status = 'refunded' AND (vouchers > 1 OR active <> 0 OR debits <> 1 OR (vouchers = 0 AND reconciled = 0)))
        """,
        // A refunded charge has exactly one refund; any other charge has none.
        """
        SELECT 'charge ' || id || ' (' || status || '): ' || CAST(refunds AS TEXT) || ' refunds' AS problem
        FROM (
            SELECT c.id, c.status, (SELECT COUNT(*) FROM ledger l WHERE l.charge_id = c.id AND l.kind = 'refund') AS refunds FROM charges c
        ) t
        WHERE (status = 'refunded' AND refunds <> 1) OR (status <> 'refunded' AND refunds <> 0)
        """,
        // A charge that was never paid moved no money.
        """
        SELECT 'charge ' || c.id || ' is ' || c.status || ' but moved money' AS problem FROM charges c
        WHERE c.status IN ('pending', 'expired', 'locked') AND EXISTS (SELECT 1 FROM ledger l WHERE l.charge_id = c.id)
        """,
        // A voucher belongs to a charge that was paid (and possibly refunded), with the same amount.
        """
        SELECT 'voucher ' || v.code || ' does not match a paid charge' AS problem FROM vouchers v LEFT JOIN charges c ON c.id = v.charge_id
        WHERE c.id IS NULL OR c.status NOT IN ('paid', 'refunded') OR c.amount <> v.amount OR c.voucher_code <> v.code
        """,
    ].map { $0 + "\nLIMIT \(maxProblems)" }

    /// participants, paid charges, refunded charges, vouchers, total debited, refunded and forfeited.
    public static let totals = """
        SELECT CAST((SELECT COUNT(*) FROM participants) AS BIGINT),
            CAST((SELECT COUNT(*) FROM charges WHERE status = 'paid') AS BIGINT),
            CAST((SELECT COUNT(*) FROM charges WHERE status = 'refunded') AS BIGINT),
            CAST((SELECT COUNT(*) FROM vouchers) AS BIGINT),
            CAST((SELECT COALESCE(SUM(amount), 0) FROM ledger WHERE kind = 'debit') AS BIGINT),
            CAST((SELECT COALESCE(SUM(amount), 0) FROM ledger WHERE kind = 'refund') AS BIGINT),
            CAST((SELECT COALESCE(SUM(amount), 0) FROM ledger WHERE kind = 'forfeit') AS BIGINT)
        """

    /// The report from what the queries returned.
    public static func report(problems: [String], totals: [Int64]) -> AuditReport {
        let t = totals + Array(repeating: 0, count: max(0, 7 - totals.count))
        return AuditReport(
            participants: Int(t[0]), paidCharges: Int(t[1]), refundedCharges: Int(t[2]), vouchers: Int(t[3]), totalDebited: t[4],
            totalRefunded: t[5], totalForfeited: t[6], problems: problems
        )
    }
}
