import Foundation
import PrakerjaCore

/// A message as the outbox shows it; in the console's mailbox (`/sim/messages`) with the card and voucher it
/// concerns too.
struct MessageView: Codable {
    var id: Int64
    var channel: String
    var recipient: String
    var subject: String
    var body: String
    var chargeId: String?
    var cardNumber: String?
    var voucherCode: String?
    var createdAt: Date

    init(_ m: OutboxMessage, cardNumber: String? = nil, voucherCode: String? = nil) {
        id = m.id ?? 0
        channel = m.channel.rawValue
        recipient = m.recipient
        subject = m.subject
        body = m.body
        chargeId = m.chargeID
        self.cardNumber = cardNumber
        self.voucherCode = voucherCode
        createdAt = m.createdAt
    }

    init(_ found: FoundMessage) { self.init(found.message, cardNumber: found.cardNumber, voucherCode: found.voucherCode) }
}
