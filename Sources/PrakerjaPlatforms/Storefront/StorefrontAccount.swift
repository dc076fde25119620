import Foundation
import PrakerjaCore

public struct StorefrontAccount: Sendable, Hashable {
    public var platformID: String
    public var id: String
    public var username: String
    public var cardNumber: String
    public var createdAt: Date

    public init(platformID: String, id: String, username: String, cardNumber: String, createdAt: Date) {
        self.platformID = platformID
        self.id = id
        self.username = username
        self.cardNumber = cardNumber
        self.createdAt = createdAt
    }

    public var buyer: BuyerAccount { BuyerAccount(id: id, username: username, cardNumber: cardNumber) }
}
