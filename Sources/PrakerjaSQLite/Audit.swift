import GRDB
import PrakerjaCore

/// The money-and-voucher audit: ``AuditSQL``'s queries, which PostgreSQL runs unchanged too.
enum Audit {
    static func run(_ db: Database) throws -> AuditReport {
        let problems = try AuditSQL.problems.flatMap { try String.fetchAll(db, sql: $0) }
        let totals = try Row.fetchOne(db, sql: AuditSQL.totals).map { row in (0..<7).map { row[$0] as Int64 } } ?? []
        return AuditSQL.report(problems: problems, totals: totals)
    }
}
