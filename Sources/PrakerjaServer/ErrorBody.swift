import Foundation
import HTTPTypes
import Hummingbird
import PrakerjaCore
import PrakerjaHTTP

/// `{"error": {"code", "message", "details"}}`
struct ErrorBody: Codable {
    struct Inner: Codable {
        var code: String
        var message: String
        var details: [String: String]?
    }
    var error: Inner

    init(_ e: GatewayError) {
        error = Inner(code: e.code.rawValue, message: e.message, details: e.details.isEmpty ? nil : e.details)
    }
}
