import Foundation
import PrakerjaCore

/// A message in the console's mailbox: the message, and the card and voucher it concerns.
struct FoundMessageView: Codable {
    var id: Int64
    var channel: String
    var recipient: String
    var subject: String
    var body: String
    var chargeId: String?
    var cardNumber: String?
    var voucherCode: String?
    var createdAt: Date

    init(_ found: FoundMessage) {
        let m = found.message
        id = m.id ?? 0
        channel = m.channel.rawValue
        recipient = m.recipient
        subject = m.subject
        body = m.body
        chargeId = m.chargeID
        cardNumber = found.cardNumber
        voucherCode = found.voucherCode
        createdAt = m.createdAt
    }
}
