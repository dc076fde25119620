import Foundation

/// A platform account with a bound card.
public struct BuyerAccount: Sendable, Hashable, Codable {
    /// The platform's own id for the account (its format differs per platform).
    public var id: String
    public var username: String
    public var cardNumber: String

    public init(id: String, username: String, cardNumber: String) {
        self.id = id
        self.username = username
        self.cardNumber = cardNumber
    }
}
