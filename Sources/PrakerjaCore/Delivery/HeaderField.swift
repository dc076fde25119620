/// One header of a request the gateway sent, in the order it was sent.
public struct HeaderField: Codable, Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
