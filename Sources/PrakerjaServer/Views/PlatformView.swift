import Foundation
import PrakerjaCore

/// A platform as the public catalog shows it (no credentials).
struct PlatformView: Codable {
    var id: String
    var name: String
    var customerService: Platform.CustomerService
    var courses: Int
}
