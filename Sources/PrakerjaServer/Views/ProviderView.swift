import Foundation
import PrakerjaCore

/// A provider as the public catalog shows it (no signing key).
struct ProviderView: Codable {
    var id: String
    var name: String
    var city: String
    var clientCode: String
    var courses: Int
}
