import Foundation

/// What a charge is for, as the platform asked.
public struct ChargeRequest: Codable, Sendable, Equatable {
    public var cardNumber: String
    public var courseID: String
    public var platformOrderID: String
    /// The buyer's account on the platform; one account binds one card.
    public var accountID: String

    public init(cardNumber: String, courseID: String, platformOrderID: String, accountID: String) {
        self.cardNumber = cardNumber
        self.courseID = courseID
        self.platformOrderID = platformOrderID
        self.accountID = accountID
    }

    enum CodingKeys: String, CodingKey {
        case cardNumber = "card_number"
        case courseID = "course_id"
        case platformOrderID = "platform_order_id"
        case accountID = "account_id"
    }

    public func validate() throws(GatewayError) {
        guard Digits.isCardNumber(cardNumber) else {
            throw .field("card_number", "must be exactly 16 digits")
        }
        guard !courseID.isEmpty, courseID.count <= 64 else { throw .field("course_id", "must have 1 to 64 characters") }
        guard !platformOrderID.isEmpty, platformOrderID.count <= 128 else {
            throw .field("platform_order_id", "must have 1 to 128 characters")
        }
        guard !accountID.isEmpty, accountID.count <= 128 else { throw .field("account_id", "must have 1 to 128 characters") }
    }
}
