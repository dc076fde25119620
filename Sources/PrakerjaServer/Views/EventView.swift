import Foundation
import PrakerjaCore

struct EventView: Codable {
    /// Set where events of several charges are listed together.
    var chargeId: String?
    var kind: String
    var detail: String
    var at: Date
    /// Who acted: participant, platform, gateway, email, webhook or provider (``TimelineLane``).
    var lane: String

    init(_ e: ChargeEvent, withCharge: Bool = false) {
        chargeId = withCharge ? e.chargeID : nil
        kind = e.kind
        detail = e.detail
        at = e.at
        lane = TimelineLane.of(e).rawValue
    }
}
