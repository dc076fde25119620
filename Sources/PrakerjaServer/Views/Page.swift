import Foundation
import PrakerjaCore

struct Page<T: Codable>: Codable {
    var total: Int
    var offset: Int
    var limit: Int
    var items: [T]
}
