import Foundation

/// A problem in a catalog file, located as `file:line: reason`.
public struct CatalogError: Error, Sendable, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int
    public let reason: String
    public var description: String { "\(file):\(line): \(reason)" }
}
