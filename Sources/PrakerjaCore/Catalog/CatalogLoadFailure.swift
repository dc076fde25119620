import Foundation

/// Every problem found while loading a catalog.
public struct CatalogLoadFailure: Error, Sendable, CustomStringConvertible {
    public let errors: [CatalogError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
