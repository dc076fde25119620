import Foundation
import PrakerjaCore

struct AttemptView: Codable {
    var number: Int
    var at: Date
    var result: String
    var httpStatus: Int?
    var detail: String
    var latencyMs: Int?
    var nextAttemptAt: Date?
    var requestHeaders: [HeaderField]
    var faults: [String]

    init(_ a: DeliveryAttempt) {
        number = a.number
        at = a.at
        result = a.result.rawValue
        httpStatus = a.httpStatus
        detail = a.detail
        latencyMs = a.latencyMilliseconds
        nextAttemptAt = a.nextAttemptAt
        requestHeaders = a.requestHeaders
        faults = a.faults
    }
}
