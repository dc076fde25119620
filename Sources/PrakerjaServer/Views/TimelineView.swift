import Foundation
import PrakerjaCore

/// A charge's whole story: the charge, its timeline in business time, and every delivery with its attempts.
struct TimelineView: Codable {
    var charge: ChargeView
    var events: [EventView]
    var deliveries: [DeliveryView]
}
