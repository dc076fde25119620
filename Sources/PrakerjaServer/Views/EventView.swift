import Foundation
import PrakerjaCore

struct EventView: Codable {
    var kind: String
    var detail: String
    var at: Date
}
