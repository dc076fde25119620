/// Which outbox messages to list, newest first: the console's mailbox.
public struct MessageSearch: Sendable, Equatable {
    /// One channel, or both.
    public var channel: OutboxMessage.Channel?
    /// Matches a message whose recipient (phone or e-mail address), participant's card number, charge id or
    /// voucher code is exactly this; nil matches every message.
    public var text: String?
    /// Only messages older than this id (the next page).
    public var beforeID: Int64?
    public var limit: Int

    public init(channel: OutboxMessage.Channel? = nil, text: String? = nil, beforeID: Int64? = nil, limit: Int = 50) {
        self.channel = channel
        self.text = text
        self.beforeID = beforeID
        self.limit = limit
    }
}

/// A message found by a ``MessageSearch``, with the card and voucher it concerns.
public struct FoundMessage: Sendable, Equatable {
    public var message: OutboxMessage
    public var cardNumber: String?
    public var voucherCode: String?

    public init(message: OutboxMessage, cardNumber: String?, voucherCode: String?) {
        self.message = message
        self.cardNumber = cardNumber
        self.voucherCode = voucherCode
    }
}
