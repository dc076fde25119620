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

    @Test func anIdempotentConfirmIsOneWriteTransaction() async throws {
        try await withDatabaseFile { path in
            let store = try SQLiteStore(path: path)
            let world = try await TestWorld(store: store)
            let p = try await world.participant()
            let claim: (String) -> IdempotencyClaim<Charge> = { key in StoreConformance.claim("tokopedia", key, "f") }
            let before = store.commits
            let charge = try await world.gateway.createCharge(platform: world.platform(), request: world.request(p, course: world.courses()[0]), idempotency: claim("k1")).ranOutcome
            #expect(store.commits == before + 1)
            let otp = try await world.otp(charge)
            let paying = store.commits
            let confirmClaim: IdempotencyClaim<(Charge, Voucher?)> = StoreConformance.claim("tokopedia", "c1", "f")
            let paid = try await world.gateway.confirmCharge(platform: world.platform(), chargeID: charge.id, otp: otp, idempotency: confirmClaim)
            #expect(store.commits == paying + 1, "an idempotent confirm took \(store.commits - paying) commits")
            guard case .ran(let result, let kept) = paid else { Issue.record("a fresh key was replayed"); return }
            #expect(result.0.status == .paid && kept != nil)
            // A replay reads the kept response without a write transaction.
            guard case .replay = try await world.gateway.confirmCharge(platform: world.platform(), chargeID: charge.id, otp: otp, idempotency: confirmClaim) else {
                Issue.record("a used key ran again"); return
            }
            #expect(store.commits == paying + 1)
            // A caller that has just looked the key up (the partner API) leaves the second look to the write
            // transaction, which still replays the kept response, and still refuses the key with another request.
            var looked = confirmClaim
            looked.checkedUnused = true
            guard case .replay = try await world.gateway.confirmCharge(platform: world.platform(), chargeID: charge.id, otp: otp, idempotency: looked) else {
                Issue.record("a used key ran again inside the write"); return
            }
            var other: IdempotencyClaim<(Charge, Voucher?)> = StoreConformance.claim("tokopedia", "c1", "another request")
            other.checkedUnused = true
            await #expect(throws: GatewayError(.idempotencyKeyReused)) {
                _ = try await world.gateway.confirmCharge(platform: world.platform(), chargeID: charge.id, otp: otp, idempotency: other)
            }
        }
    }

    @Test func idsAndTheParticipantSequenceSurviveReopening() async throws {
        try await withDatabaseFile { path in
            let (a, charge): (Participant, Charge) = try await {
                let first = try await TestWorld(store: try SQLiteStore(path: path), participants: 3)
                let a = try await first.participant()
                return (a, try await first.gateway.createCharge(platform: first.platform(), request: first.request(a, course: first.courses()[0])))
            }()
            // A restarted gateway with the same seed continues the sequences instead of repeating them.
            let second = try await TestWorld(store: try SQLiteStore(path: path), participants: 3)
            let b = try await second.participant()
            #expect(b.cardNumber != a.cardNumber && b.id != a.id && b.nik != a.nik)
            #expect(try await second.gateway.store.participantCount() == 5)
            let again = try await second.gateway.createCharge(platform: second.platform(), request: second.request(a, course: second.courses()[1]))
            #expect(again.id != charge.id && again.otp.count == 6)
        }
    }

    @Test func aSecondStoreOnTheSameFileIsRefused() async throws {
        try await withDatabaseFile { path in
            try await {
                let owner = try await TestWorld(store: try SQLiteStore(path: path))
                #expect {
                    _ = try SQLiteStore(path: path)
                } throws: { error in
                    "\(error)".contains("\(path) is in use by another gateway") && "\(error)".contains("another --db")
                }
                // The owner goes on.
                _ = try await owner.participant()
                _ = try await owner.participant()
            }()
            // Once it is gone, the file opens again, with what the owner committed.
            #expect(try await SQLiteStore(path: path).participantCount() == 2)
        }
    }

    @Test func noReplyLeavesBeforeItsCommit() async throws {
        try await withDatabaseFile { path in
            let store = try SQLiteStore(path: path)
            let world = try await TestWorld(store: store)
            let p = try await world.participant()
            let charge = try await world.gateway.createCharge(platform: world.platform(), request: world.request(p, course: world.courses()[0]))
            let otp = try await world.otp(charge)
            // With the writer stalled, the confirm is decided in memory but not answered, and no read shows it paid.
            store.stallCommits()
            let confirm = Task { try await world.gateway.confirmCharge(platform: world.platform(), chargeID: charge.id, otp: otp) }
            try await Task.sleep(for: .milliseconds(200))
            let reader = Task { try await store.charge(id: charge.id) }
            try await Task.sleep(for: .milliseconds(200))
            let file = try DatabaseQueue(path: path)
            let statusInFile = { try await file.read { try String.fetchOne($0, sql: "SELECT status FROM charges WHERE id = ?", arguments: [charge.id]) } }
            #expect(try await statusInFile() == "pending")
            #expect(try await file.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM vouchers") } == 0)
            store.resumeCommits()
            let (paid, voucher) = try await confirm.value
            #expect(paid.status == .paid && voucher != nil)
            #expect(try await statusInFile() == "paid", "answered only once committed")
            #expect(try await reader.value?.status == .paid, "the read that waited shows the committed payment")
        }
    }

    @Test func concurrentCommandsShareBatchesAndEachIsCommitted() async throws {
        try await withDatabaseFile { path in
            let store = try SQLiteStore(path: path)
            let world = try await TestWorld(store: store)
            var people: [Participant] = []
            for _ in 0..<200 { people.append(try await world.participant()) }
            let batchesBefore = store.batchStatistics.batches
            let bought = try await withThrowingTaskGroup(of: String.self) { group in
                for p in people { group.addTask { try await world.buy(p, course: world.courses()[0]).0.id } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(bought.count == 200 && Set(bought).count == 200)
            // 200 purchases of two commands each took fewer transactions than commands.
            #expect(store.batchStatistics.batches - batchesBefore < 400 && store.batchStatistics.largest > 1)
            let file = try DatabaseQueue(path: path)
            #expect(try await file.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM vouchers") } == 200)
            #expect(try await store.audit().ok)
        }
    }

    @Test func aKeyLeftPendingByAnEarlierVersionIsReleasedOnOpen() async throws {
        try await withDatabaseFile { path in
            _ = try SQLiteStore(path: path)
            let db = try DatabaseQueue(path: path)
            try await db.write {
                try $0.execute(sql: "INSERT INTO idempotency (platform_id, key, fingerprint, state, created_at) VALUES ('tokopedia', 'k', 'f', 'pending', 0)")
            }
            let reopened = try SQLiteStore(path: path)
            #expect(try await reopened.idempotentResponse(platformID: "tokopedia", key: "k").map(\.fingerprint) == nil)
            #expect(try await db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM idempotency") } == 0)
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
            let audit = try await SQLiteStore.audit(path: path)
            let problems = audit.problems
            #expect(!audit.ok)
            #expect(problems.contains { $0.contains(charge.id) && $0.contains("0 vouchers") })
            #expect(problems.contains { $0.contains(p.cardNumber) })
        }
    }
}
