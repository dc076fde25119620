import Foundation
import PrakerjaCore

/// A storefront's own state: its accounts (each bound to one card) and its orders. The gateway holds the
/// money; a storefront remembers what it sold and which charge paid for it.
public protocol StorefrontStore: Sendable {
    /// Finds or creates `username` on `platformID` and binds `cardNumber` to it, atomically.
    /// Throws ``BuyerError`` `.accountBoundToOtherCard` or `.cardBoundToOtherAccount` on a conflict.
    /// `makeID` turns the account's sequence number into the platform's account id.
    func bind(platformID: String, username: String, cardNumber: String, now: Date, makeID: @Sendable (Int64) -> String) async throws -> StorefrontAccount

    func account(platformID: String, id: String) async throws -> StorefrontAccount?

    /// Inserts a new order; `makeID` turns its sequence number into the platform's order id.
    func createOrder(_ draft: StorefrontOrder, makeID: @Sendable (Int64) -> String) async throws -> StorefrontOrder

    func order(platformID: String, id: String) async throws -> StorefrontOrder?

    /// Saves `order`. A paid or refunded order never goes back to an unpaid state, and a known voucher is
    /// never forgotten, whatever order concurrent saves arrive in.
    func save(_ order: StorefrontOrder) async throws

    /// Notes that `platformID` received the webhook `webhookID`; false if it had been noted before.
    func noteWebhook(platformID: String, webhookID: String, now: Date) async throws -> Bool
}
