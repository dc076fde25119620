import Foundation
import PrakerjaCore
import PrakerjaPlatforms

/// The behaviour every ``StorefrontStore`` must show, as named checks a backend's test runs against fresh stores
/// (`@Test(arguments: StorefrontStoreConformance.checks)`).
package enum StorefrontStoreConformance {
    package typealias Check = ConformanceCheck<any StorefrontStore>

    package static let checks: [Check] = [
        Check(name: "one card binds to one account per platform, under 64 concurrent binds", run: oneCardOneAccount),
        Check(name: "a paid order never goes back and keeps its voucher", run: paidOrdersStayPaid),
        Check(name: "order ids are unique under 50 concurrent orders", run: uniqueOrderIDs),
        Check(name: "a webhook id is noted once per platform, under 20 concurrent deliveries", run: webhookNotedOnce),
    ]

    static let start = Date(timeIntervalSince1970: 1_634_259_600)

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw TestFailure(message()) }
    }

    static func oneCardOneAccount(_ store: any StorefrontStore) async throws {
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                group.addTask {
                    do {
                        _ = try await store.bind(platformID: "p", username: "user-\(i)", cardNumber: "5000000000000001", now: start, makeID: { "a\($0)" })
                        return true
                    } catch let error as BuyerError {
                        try expect(error.kind == .cardBoundToOtherAccount, "a losing bind: \(error.kind)")
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        try expect(outcomes.filter { $0 }.count == 1, "\(outcomes.filter { $0 }.count) accounts bound one card")
        // The same card may be bound on another platform; the same pair again is the same account.
        let other = try await store.bind(platformID: "q", username: "user-0", cardNumber: "5000000000000001", now: start, makeID: { "a\($0)" })
        let again = try await store.bind(platformID: "q", username: "user-0", cardNumber: "5000000000000001", now: start, makeID: { "a\($0)" })
        try expect(other == again, "binding the same pair again made another account")
        try expect(try await store.account(platformID: "q", id: other.id) == other, "the account does not read back")
        try expect(try await store.account(platformID: "p", id: "no-such-account") == nil, "an unknown account was found")
        do {
            _ = try await store.bind(platformID: "q", username: "user-0", cardNumber: "5000000000000002", now: start, makeID: { "a\($0)" })
            throw TestFailure("an account bound a second card")
        } catch let error as BuyerError {
            try expect(error.kind == .accountBoundToOtherCard, "\(error.kind)")
        }
    }

    static func paidOrdersStayPaid(_ store: any StorefrontStore) async throws {
        let placed = try await store.createOrder(
            StorefrontOrder(platformID: "p", accountID: "a1", courseID: "crs-0001", amount: 100_000, createdAt: start, updatedAt: start),
            makeID: { "o\($0)" }
        )
        var paid = placed
        paid.status = .paid
        paid.chargeID = "ch_1"
        paid.voucher = .init(code: "PRK-AAAA-BBBB-CCCC", redeemCode: "r", invoiceCode: "i", providerID: "lp-001")
        try await store.save(paid)
        var stale = placed
        stale.status = .awaitingOTP
        stale.refusedAttempts = 0
        try await store.save(stale)
        let stored = try await store.order(platformID: "p", id: placed.id)
        try expect(stored?.status == .paid && stored?.voucher == paid.voucher && stored?.chargeID == "ch_1", "a stale save undid the payment: \(String(describing: stored))")
        try expect(try await store.order(platformID: "q", id: placed.id) == nil, "an order was found on another platform")
    }

    static func uniqueOrderIDs(_ store: any StorefrontStore) async throws {
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<50 {
                group.addTask {
                    try await store.createOrder(
                        StorefrontOrder(platformID: "p", accountID: "a\(i)", courseID: "crs-0001", amount: 100_000, createdAt: start, updatedAt: start),
                        makeID: { "o\($0)" }
                    ).id
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        try expect(Set(ids).count == 50, "\(50 - Set(ids).count) order ids repeated")
        for id in ids.prefix(5) { try expect(try await store.order(platformID: "p", id: id)?.id == id, "order \(id) does not read back") }
    }

    static func webhookNotedOnce(_ store: any StorefrontStore) async throws {
        let firsts = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 { group.addTask { try await store.noteWebhook(platformID: "p", webhookID: "msg_1", now: start) } }
            return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        try expect(firsts == 1, "\(firsts) deliveries of one webhook were each the first")
        try expect(try await store.noteWebhook(platformID: "q", webhookID: "msg_1", now: start), "another platform's webhook with the same id")
    }
}
