import Foundation

/// One step in a charge's life, in order: its timeline.
public struct ChargeEvent: Codable, Sendable, Equatable {
    public var chargeID: String
    public var kind: String
    public var detail: String
    public var at: Date

    public init(chargeID: String, kind: String, detail: String, at: Date) {
        self.chargeID = chargeID
        self.kind = kind
        self.detail = detail
        self.at = at
    }
}
