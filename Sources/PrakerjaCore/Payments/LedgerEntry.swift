import Foundation

/// A movement of training balance. `amount` is always positive; `kind` says which way it went.
public struct LedgerEntry: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case debit
        case refund
        /// Balance lost on revocation.
        case forfeit
    }

    public var participantID: String
    public var chargeID: String?
    public var kind: Kind
    public var amount: Rupiah
    public var balanceAfter: Rupiah
    public var at: Date

    public init(participantID: String, chargeID: String? = nil, kind: Kind, amount: Rupiah, balanceAfter: Rupiah, at: Date) {
        self.participantID = participantID
        self.chargeID = chargeID
        self.kind = kind
        self.amount = amount
        self.balanceAfter = balanceAfter
        self.at = at
    }
}
