import Foundation

/// A response kept for an idempotency key.
public struct StoredResponse: Codable, Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]
    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}
