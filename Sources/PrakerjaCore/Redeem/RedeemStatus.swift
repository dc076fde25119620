import Foundation

/// The `data` object of a redeem-code response.
public struct RedeemStatus: Codable, Sendable, Equatable {
    public var redeemCode: String
    public var courseCode: String
    public var invoiceCode: String
    public var scheduleCode: String?
    /// 1 once the code was committed (redeemed), else 0.
    public var status: Int
    /// 1 if the asked `sequence` was committed, else 0.
    public var attendanceStatus: Int
    public var redeemAt: String?
    public var dpPlatform: String
    public var sequence: Int

    enum CodingKeys: String, CodingKey {
        case status, sequence
        case redeemCode = "redeem_code"
        case courseCode = "course_code"
        case invoiceCode = "invoice_code"
        case scheduleCode = "schedule_code"
        case attendanceStatus = "attendance_status"
        case redeemAt = "redeem_at"
        case dpPlatform = "dp_platform"
    }
}
