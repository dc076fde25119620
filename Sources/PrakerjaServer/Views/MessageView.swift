import Foundation
import PrakerjaCore

struct MessageView: Codable {
    var id: Int64
    var channel: String
    var recipient: String
    var subject: String
    var body: String
    var chargeId: String?
    var createdAt: Date

    init(_ m: OutboxMessage) {
        id = m.id ?? 0
        channel = m.channel.rawValue
        recipient = m.recipient
        subject = m.subject
        body = m.body
        chargeId = m.chargeID
        createdAt = m.createdAt
    }
}
