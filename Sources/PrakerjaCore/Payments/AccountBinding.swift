import Foundation

/// One platform account bound to one card number.
public struct AccountBinding: Codable, Sendable, Equatable {
    public var platformID: String
    public var accountID: String
    public var cardNumber: String
    public var boundAt: Date

    public init(platformID: String, accountID: String, cardNumber: String, boundAt: Date) {
        self.platformID = platformID
        self.accountID = accountID
        self.cardNumber = cardNumber
        self.boundAt = boundAt
    }
}
