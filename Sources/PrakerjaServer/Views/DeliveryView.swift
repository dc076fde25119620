import Foundation
import PrakerjaCore

/// A delivery as the simulation API shows it; with its attempts when asked for one delivery or a timeline.
struct DeliveryView: Codable {
    var id: String
    var eventId: String
    var eventType: String
    var chargeId: String
    var platformId: String
    var channel: String
    var status: String
    var attempts: Int
    var nextAttemptAt: Date?
    var createdAt: Date
    var deliveredAt: Date?
    var lastOutcome: String?
    var payload: String
    var attemptLog: [AttemptView]?

    init(_ d: Delivery, attempts log: [DeliveryAttempt]? = nil) {
        id = d.id
        eventId = d.eventID
        eventType = d.eventType.rawValue
        chargeId = d.chargeID
        platformId = d.platformID
        channel = d.channel.rawValue
        status = d.status.rawValue
        attempts = d.attempts
        nextAttemptAt = d.nextAttemptAt
        createdAt = d.createdAt
        deliveredAt = d.deliveredAt
        lastOutcome = d.lastOutcome
        payload = d.payload
        attemptLog = log.map { $0.map(AttemptView.init) }
    }
}
