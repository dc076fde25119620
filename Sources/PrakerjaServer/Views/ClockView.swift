import Foundation
import PrakerjaCore

struct ClockView: Codable {
    var now: Date
    var offsetSeconds: Double
    var rules: String
}
