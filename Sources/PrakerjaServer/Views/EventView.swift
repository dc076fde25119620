import Foundation
import PrakerjaCore

struct EventView: Codable {
    var kind: String
    var detail: String
    var at: Date
    /// Who acted: participant, platform, gateway, email, webhook or provider (``TimelineLane``).
    var lane: String

    init(_ e: ChargeEvent) {
        kind = e.kind
        detail = e.detail
        at = e.at
        lane = TimelineLane.of(e).rawValue
    }
}
