import ArgumentParser
import Foundation
import PrakerjaClient
import PrakerjaCore
import PrakerjaSQLite

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The money-and-voucher audit: per participant, initial − current balance = paid charges net of refunds; each paid charge has one voucher; exit 1 on any problem."
    )

    @Option(help: "Base URL of a running gateway; without it, the database --db is audited directly.") var gateway: String?
    @Option(help: "SQLite database file, or PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE), to audit when no --gateway is given.")
    var db = "prakerja-sim.sqlite"
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        let report: AuditReport
        if let gateway {
            report = try await withHTTPClient { http in
                try JSONDecoder().decode(AuditReport.self, from: Data(try await GatewayClient(http: http, baseURL: gateway).get("/sim/audit").body))
            }
        } else {
            let location = try StoreLocation(db, poolSize: 2)
            if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) { throw ValidationError("no database at \(db)") }
            if case .sqlite(let path) = location {
                // Read without taking the file over: a running `serve` may own it.
                report = try await SQLiteStore.audit(path: path)
            } else {
                report = try await location.with(logger: makeLogger(label: "prakerja-sim", level: .warning)) { store in try await store.audit() }
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("participants \(report.participants)  paid charges \(report.paidCharges)  refunded \(report.refundedCharges)  vouchers \(report.vouchers)")
            print("debited Rp \(report.totalDebited)  refunded Rp \(report.totalRefunded)  forfeited Rp \(report.totalForfeited)")
            print(report.ok ? "audit: ok" : "audit: \(report.problems.count) PROBLEMS")
            for p in report.problems.prefix(100) { print("  - \(p)") }
        }
        if !report.ok { throw ExitCode(1) }
    }
}
