import Foundation

/// The programme's fixed offer: platforms, providers and courses, indexed for lookups.
public struct Catalog: Sendable {
    public let platforms: [Platform]
    public let providers: [Provider]
    public let courses: [Course]

    private let platformsByID: [String: Platform]
    private let providersByID: [String: Provider]
    private let providersByClientCode: [String: Provider]
    private let coursesByID: [String: Course]

    public init(platforms: [Platform], providers: [Provider], courses: [Course]) {
        self.platforms = platforms
        self.providers = providers
        self.courses = courses
        self.platformsByID = Dictionary(platforms.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.providersByID = Dictionary(providers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.providersByClientCode = Dictionary(providers.map { ($0.clientCode, $0) }, uniquingKeysWith: { a, _ in a })
        self.coursesByID = Dictionary(courses.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func platform(_ id: String) -> Platform? { platformsByID[id] }
    public func provider(_ id: String) -> Provider? { providersByID[id] }
    public func provider(clientCode: String) -> Provider? { providersByClientCode[clientCode] }
    public func course(_ id: String) -> Course? { coursesByID[id] }

    /// Courses matching every filter given.
    public func courses(platform: String? = nil, provider: String? = nil, type: CourseType? = nil) -> [Course] {
        courses.filter { course in
            (platform.map { course.platforms.contains($0) } ?? true)
                && (provider.map { course.providerID == $0 } ?? true)
                && (type.map { course.type == $0 } ?? true)
        }
    }

    /// Counts for a summary.
    public struct Summary: Codable, Sendable, Equatable {
        public var platforms: Int
        public var providers: Int
        public var courses: Int
        public var coursesByType: [String: Int]

        enum CodingKeys: String, CodingKey {
            case platforms, providers, courses
            case coursesByType = "courses_by_type"
        }
    }

    public func summary(of selected: [Course]? = nil) -> Summary {
        let list = selected ?? courses
        var byType: [String: Int] = [:]
        for type in CourseType.allCases { byType[type.rawValue] = 0 }
        for course in list { byType[course.type.rawValue, default: 0] += 1 }
        return Summary(platforms: platforms.count, providers: providers.count, courses: list.count, coursesByType: byType)
    }
}
