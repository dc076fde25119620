import Foundation
import PrakerjaCore

/// The simulation API's view of a charge: everything, including the OTP and the timeline.
struct SimChargeView: Codable {
    var charge: ChargeView
    var otp: String
    var events: [EventView]
}
