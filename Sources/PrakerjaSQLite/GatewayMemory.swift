import Foundation
import GRDB
import PrakerjaCore

/// A value with the number of the change set that last changed it (``GroupCommitter``): a read of it waits
/// until that change set is committed, so nobody is shown state the file does not hold yet.
package struct Versioned<Value: Sendable>: Sendable {
    package var value: Value
    package var sequence: UInt64

    package init(value: Value, sequence: UInt64) {
        self.value = value
        self.sequence = sequence
    }
}

/// The gateway's authoritative state while one process owns its SQLite file: what every command reads
/// and decides on. Loaded from the file at start; each command changes it under the store's lock and hands
/// the same changes to the writer as a change set.
///
/// What it holds: every participant (with its card, NIK and bindings), every charge and voucher (by code
/// and by redeem code), each idempotency key's request fingerprint (the kept response stays in the file and
/// is read on a replay), the webhook endpoints, the business clock, the pending deliveries in due order, and
/// deliveries whose last change is not committed yet. The ledger, the outbox, timelines and attempt history
/// live only in the file; reads of them see committed state.
struct GatewayMemory: Sendable {
    var participants: [String: Versioned<Participant>] = [:]
    var participantByCard: [String: String] = [:]
    var niks: Set<String> = []
    var blacklist: Set<String> = []
    var charges: [String: Versioned<Charge>] = [:]
    /// `platform_id \u{1F} platform_order_id` of every charge.
    var orders: Set<String> = []
    var vouchers: [String: Versioned<Voucher>] = [:]
    var voucherByRedeemCode: [String: String] = [:]
    /// `platform \u{1F} account` → card, and `platform \u{1F} card` → account.
    var cardByAccount: [String: String] = [:]
    var accountByCard: [String: String] = [:]
    var keys: [String: Versioned<String>] = [:]
    var endpoints: [String: Versioned<WebhookEndpoint>] = [:]
    var endpointsVersion: UInt64 = 0
    var clockOffset: Versioned<Double>?
    var participantSequence = 0
    var epoch = 0
    var schedule = DeliverySchedule()
    /// Deliveries that left the schedule by a change not committed yet (what a redelivery must see).
    var settling: [String: Versioned<Delivery>] = [:]

    static func key(_ a: String, _ b: String) -> String { a + "\u{1F}" + b }

    /// Everything the file holds that memory keeps.
    static func load(_ db: Database) throws -> GatewayMemory {
        var m = GatewayMemory()
        for row in try Row.fetchAll(db, sql: "SELECT * FROM participants") {
            let p = Rows.participant(row)
            m.participants[p.id] = Versioned(value: p, sequence: 0)
            m.participantByCard[p.cardNumber] = p.id
            m.niks.insert(p.nik)
        }
        m.blacklist = Set(try String.fetchAll(db, sql: "SELECT nik FROM blacklist"))
        for row in try Row.fetchAll(db, sql: "SELECT * FROM charges") {
            let c = Rows.charge(row)
            m.charges[c.id] = Versioned(value: c, sequence: 0)
            m.orders.insert(key(c.platformID, c.platformOrderID))
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM vouchers") {
            let v = Rows.voucher(row)
            m.vouchers[v.code] = Versioned(value: v, sequence: 0)
            m.voucherByRedeemCode[v.redeemCode] = v.code
        }
        for row in try Row.fetchAll(db, sql: "SELECT platform_id, account_id, card_number FROM bindings") {
            let (platform, account, card): (String, String, String) = (row[0], row[1], row[2])
            m.cardByAccount[key(platform, account)] = card
            m.accountByCard[key(platform, card)] = account
        }
        for row in try Row.fetchAll(db, sql: "SELECT platform_id, key, fingerprint FROM idempotency WHERE state = 'done'") {
            m.keys[key(row[0], row[1])] = Versioned(value: row[2], sequence: 0)
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM webhook_endpoints") {
            let e = WebhookEndpoint(platformID: row["platform_id"], url: row["url"], enabled: row["enabled"], updatedAt: Rows.date(row["updated_at"]))
            m.endpoints[e.platformID] = Versioned(value: e, sequence: 0)
        }
        m.clockOffset = try Double.fetchOne(db, sql: "SELECT value FROM sim_state WHERE key = 'clock_offset'").map { Versioned(value: $0, sequence: 0) }
        m.participantSequence = try Int.fetchOne(db, sql: "SELECT value FROM sim_state WHERE key = 'participant_sequence'") ?? 0
        m.epoch = try Int.fetchOne(db, sql: "SELECT value FROM sim_state WHERE key = 'epoch'") ?? 0
        for row in try Row.fetchAll(db, sql: "SELECT rowid AS rank, * FROM deliveries WHERE status = 'pending' ORDER BY rowid") {
            m.schedule.insert(Rows.delivery(row), rank: row["rank"], sequence: 0)
        }
        m.schedule.nextRank = (try Int64.fetchOne(db, sql: "SELECT MAX(rowid) FROM deliveries") ?? 0) + 1
        return m
    }

    // MARK: Commands

    /// The workspace a participant command starts from (nil: no such card).
    func workspace(card: String, binding: (platformID: String, accountID: String)?, now: Date) -> Workspace? {
        guard let id = participantByCard[card], let participant = participants[id]?.value else { return nil }
        var ws = Workspace(now: now, participant: participant)
        if let (platformID, accountID) = binding {
            ws.accountOwnerCard = cardByAccount[Self.key(platformID, accountID)]
            ws.cardAccount = accountByCard[Self.key(platformID, card)]
        }
        return ws
    }

    /// The workspace a charge command starts from (nil: no such charge).
    func workspace(charge id: String, now: Date) -> Workspace? {
        guard let charge = charges[id]?.value, let participant = participants[charge.participantID]?.value else { return nil }
        var ws = Workspace(now: now, participant: participant, charge: charge, voucher: charge.voucherCode.flatMap { vouchers[$0]?.value })
        ws.webhookSubscribed = endpoints[charge.platformID]?.value.enabled ?? false
        return ws
    }

    func workspace(voucher key: VoucherKey, now: Date) -> Workspace? {
        guard let voucher = voucher(key)?.value, let charge = charges[voucher.chargeID]?.value,
            let participant = participants[voucher.participantID]?.value
        else { return nil }
        var ws = Workspace(now: now, participant: participant, charge: charge, voucher: voucher)
        ws.webhookSubscribed = endpoints[charge.platformID]?.value.enabled ?? false
        return ws
    }

    func voucher(_ key: VoucherKey) -> Versioned<Voucher>? {
        switch key {
        case .code(let code): vouchers[code]
        case .redeemCode(let code): voucherByRedeemCode[code].flatMap { vouchers[$0] }
        }
    }

    /// The checks the file's constraints make, made before anything is applied: a command that fails them
    /// fails alone, as it would in a savepoint of its own.
    func check(_ ws: Workspace) throws {
        if ws.chargeIsNew, let charge = ws.charge, orders.contains(Self.key(charge.platformID, charge.platformOrderID)) {
            throw GatewayError(.duplicateOrder, details: ["platform_order_id": charge.platformOrderID])
        }
    }

    /// Applies what a command changed (``Rows/persist(_:original:_:)`` writes the same to the file).
    mutating func apply(_ ws: Workspace, original: Workspace, sequence: UInt64) {
        if ws.participant != original.participant { participants[ws.participant.id] = Versioned(value: ws.participant, sequence: sequence) }
        if let charge = ws.charge, ws.chargeIsNew || charge != original.charge {
            charges[charge.id] = Versioned(value: charge, sequence: sequence)
            if ws.chargeIsNew { orders.insert(Self.key(charge.platformID, charge.platformOrderID)) }
        }
        if let voucher = ws.voucher, ws.voucherIsNew || voucher != original.voucher {
            vouchers[voucher.code] = Versioned(value: voucher, sequence: sequence)
            if ws.voucherIsNew { voucherByRedeemCode[voucher.redeemCode] = voucher.code }
        }
        if let b = ws.newBinding {
            cardByAccount[Self.key(b.platformID, b.accountID)] = b.cardNumber
            accountByCard[Self.key(b.platformID, b.cardNumber)] = b.accountID
        }
        if let nik = ws.blacklistedNIK { blacklist.insert(nik) }
        for d in ws.deliveries where d.status == .pending { schedule.insert(d, rank: schedule.takeRank(), sequence: sequence) }
    }

    // MARK: Deliveries

    /// A delivery as memory knows it: pending, or changed and not yet committed.
    func delivery(_ id: String) -> Versioned<Delivery>? { schedule.delivery(id) ?? settling[id] }

    /// Stores a delivery's new state (an attempt, a redelivery).
    mutating func update(_ delivery: Delivery, sequence: UInt64) {
        if delivery.status == .pending, delivery.nextAttemptAt != nil {
            settling[delivery.id] = nil
            schedule.update(delivery, sequence: sequence)
        } else {
            schedule.remove(delivery.id)
            settling[delivery.id] = Versioned(value: delivery, sequence: sequence)
        }
    }

    /// Forgets settled deliveries whose change is in the file now.
    mutating func pruneSettling(_ isSettled: (UInt64) -> Bool) {
        settling = settling.filter { !isSettled($0.value.sequence) }
    }
}

/// Pending deliveries in due order: next attempt, then the order they were queued in (the file's rowid).
struct DeliverySchedule: Sendable {
    struct Slot: Comparable, Sendable {
        var due: Int64
        var rank: Int64
        static func < (a: Slot, b: Slot) -> Bool { (a.due, a.rank) < (b.due, b.rank) }
    }

    private(set) var slots: [Slot] = []
    private var entries: [Int64: (delivery: Versioned<Delivery>, slot: Slot)] = [:]
    private var rankOf: [String: Int64] = [:]
    var nextRank: Int64 = 1

    var count: Int { slots.count }

    mutating func takeRank() -> Int64 {
        defer { nextRank += 1 }
        return nextRank
    }

    func delivery(_ id: String) -> Versioned<Delivery>? { rankOf[id].flatMap { entries[$0]?.delivery } }

    mutating func insert(_ d: Delivery, rank: Int64, sequence: UInt64) {
        guard let due = d.nextAttemptAt?.millisecondsSince1970 else { return }
        let slot = Slot(due: due, rank: rank)
        slots.insert(slot, at: index(of: slot))
        entries[rank] = (Versioned(value: d, sequence: sequence), slot)
        rankOf[d.id] = rank
    }

    mutating func update(_ d: Delivery, sequence: UInt64) {
        let rank = rankOf[d.id] ?? takeRank()
        remove(d.id)
        insert(d, rank: rank, sequence: sequence)
    }

    mutating func remove(_ id: String) {
        guard let rank = rankOf.removeValue(forKey: id), let entry = entries.removeValue(forKey: rank) else { return }
        let i = index(of: entry.slot)
        if i < slots.count, slots[i] == entry.slot { slots.remove(at: i) }
    }

    /// The first `limit` pending deliveries due at or before `until`, in due order.
    func due(until: Date, limit: Int) -> [Versioned<Delivery>] {
        let bound = until.millisecondsSince1970
        var found: [Versioned<Delivery>] = []
        for slot in slots {
            guard slot.due <= bound, found.count < limit else { break }
            if let entry = entries[slot.rank] { found.append(entry.delivery) }
        }
        return found
    }

    private func index(of slot: Slot) -> Int {
        var (low, high) = (0, slots.count)
        while low < high {
            let mid = (low + high) / 2
            if slots[mid] < slot { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
