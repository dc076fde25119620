import Foundation
import GRDB
import PrakerjaCore
import PrakerjaSQLite
import PrakerjaTesting
import Testing

/// A fresh database file in a temporary directory, removed afterwards.
func withDatabaseFile<T>(_ body: (String) async throws -> T) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prakerja-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try await body(dir.appendingPathComponent("gateway.sqlite").path)
}

@Suite struct SQLiteStoreConformance {
    @Test(arguments: StoreConformance.checks)
    func conformance(_ check: StoreConformance.Check) async throws {
        try await withDatabaseFile { path in try await check.run(try SQLiteStore(path: path)) }
    }
}

@Suite struct SQLiteStoreTests {
    @Test func fileDatabaseUsesWAL() async throws {
        try await withDatabaseFile { path in
            let mode = try await SQLiteStore(path: path).journalMode()
            #expect(mode == "wal")
        }
    }

    @Test(arguments: [(SQLiteStore.Durability.normal, 1), (.full, 2)])
    func durabilityIsInForceOnTheWriter(_ durability: SQLiteStore.Durability, _ level: Int) async throws {
        try await withDatabaseFile { path in
            let store = try SQLiteStore(path: path, durability: durability)
            let actual = try await store.synchronousLevel()
            #expect(actual == level)
        }
    }

    @Test func acknowledgedPaymentSurvivesReopening() async throws {
        try await withDatabaseFile { path in
            let (charge, voucher, card): (Charge, Voucher, String) = try await {
                let world = try await TestWorld(store: try SQLiteStore(path: path))
                let p = try await world.participant()
                let (c, v) = try await world.buy(p, course: world.courses()[0])
                return (c, v, p.cardNumber)
            }()
            let reopened = try SQLiteStore(path: path)
            #expect(try await reopened.charge(id: charge.id) == charge)
            #expect(try await reopened.voucher(.code(voucher.code)) == voucher)
            #expect(try await reopened.participant(card: card)?.openVoucherCode == voucher.code)
            #expect(try await reopened.audit().ok)
        }
    }

    @Test func inFlightIdempotencyKeysAreReleasedOnReopen() async throws {
        try await withDatabaseFile { path in
            let store = try SQLiteStore(path: path)
            #expect(try await store.beginIdempotent(platformID: "tokopedia", key: "k", fingerprint: "f", now: TestWorld.start) == .proceed)
            let reopened = try SQLiteStore(path: path)
            #expect(try await reopened.beginIdempotent(platformID: "tokopedia", key: "k", fingerprint: "f", now: TestWorld.start) == .proceed)
        }
    }

    @Test func schemaRefusesNegativeBalanceAndSecondDebit() async throws {
        try await withDatabaseFile { path in
            let world = try await TestWorld(store: try SQLiteStore(path: path))
            let p = try await world.participant()
            let (charge, _) = try await world.buy(p, course: world.courses()[0])
            let db = try DatabaseQueue(path: path)
            #expect(throws: DatabaseError.self) {
                try db.write { try $0.execute(sql: "UPDATE participants SET balance = -1 WHERE id = ?", arguments: [p.id]) }
            }
            #expect(throws: DatabaseError.self) {
                try db.write {
                    try $0.execute(
                        sql: "INSERT INTO ledger (participant_id, charge_id, kind, amount, balance_after, at) VALUES (?, ?, 'debit', 1, 0, 0)",
                        arguments: [p.id, charge.id]
                    )
                }
            }
        }
    }

    @Test func auditReportsTamperedBooks() async throws {
        try await withDatabaseFile { path in
            let world = try await TestWorld(store: try SQLiteStore(path: path))
            let p = try await world.participant()
            let (charge, _) = try await world.buy(p, course: world.courses()[0])
            let db = try DatabaseQueue(path: path)
            try await db.write { try $0.execute(sql: "DELETE FROM vouchers WHERE charge_id = ?", arguments: [charge.id]) }
            try await db.write { try $0.execute(sql: "UPDATE participants SET balance = balance + 1 WHERE id = ?", arguments: [p.id]) }
            let audit = try await SQLiteStore(path: path).audit()
            let problems = audit.problems
            #expect(!audit.ok)
            #expect(problems.contains { $0.contains(charge.id) && $0.contains("0 vouchers") })
            #expect(problems.contains { $0.contains(p.cardNumber) })
        }
    }
}
