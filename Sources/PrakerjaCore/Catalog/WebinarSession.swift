import Foundation

/// A webinar session: attendance `sequence` N is redeemed during session N (±1 h of its start).
public struct WebinarSession: Codable, Sendable, Hashable {
    public var sequence: Int
    public var startsAt: Date

    enum CodingKeys: String, CodingKey {
        case sequence
        case startsAt = "starts_at"
    }
}
