import Foundation

public struct Course: Codable, Sendable, Hashable {
    public var id: String
    public var title: String
    public var providerID: String
    public var type: CourseType
    public var price: Rupiah
    public var durationHours: Int
    /// Ids of the platforms that sell this course.
    public var platforms: [String]
    /// Webinar sessions in order; empty for self-paced and offline courses.
    public var sessions: [WebinarSession]

    enum CodingKeys: String, CodingKey {
        case id, title, type, price, platforms, sessions
        case providerID = "provider_id"
        case durationHours = "duration_hours"
    }
}
