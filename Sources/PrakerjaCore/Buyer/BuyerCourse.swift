import Foundation

/// A course as a platform lists it.
public struct BuyerCourse: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
    public var providerID: String
    public var type: CourseType
    public var price: Rupiah

    public init(id: String, title: String, providerID: String, type: CourseType, price: Rupiah) {
        self.id = id
        self.title = title
        self.providerID = providerID
        self.type = type
        self.price = price
    }

    public init(_ course: Course) {
        self.init(id: course.id, title: course.title, providerID: course.providerID, type: course.type, price: course.price)
    }
}
