import Foundation

public enum CourseType: String, Codable, Sendable, CaseIterable {
    case webinar
    case selfPaced = "self_paced"
    case offline
}
