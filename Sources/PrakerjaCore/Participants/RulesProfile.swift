import Foundation

/// The programme's rules in force: the 2021 profile of the seed article (default) or the 2023 one.
public struct RulesProfile: Sendable, Equatable {
    public enum Name: String, Sendable, CaseIterable, Codable { case y2021 = "2021", y2023 = "2023" }

    public var name: Name
    /// Training balance credited on acceptance.
    public var trainingBalance: Rupiah
    /// Days after acceptance to make the first purchase; after that the participant is revoked and blacklisted.
    public var firstPurchaseDays: Int
    /// Days after completing a training within which the next one must be bought (nil: no limit).
    public var nextPurchaseDays: Int?
    /// Guidance videos to watch before the first purchase.
    public var requiredVideos: Int
    public var incentiveAmount: Rupiah
    public var incentivePayments: Int

    public static let y2021 = RulesProfile(
        name: .y2021, trainingBalance: 1_000_000, firstPurchaseDays: 30, nextPurchaseDays: nil, requiredVideos: 3,
        incentiveAmount: 600_000, incentivePayments: 4
    )
    public static let y2023 = RulesProfile(
        name: .y2023, trainingBalance: 3_500_000, firstPurchaseDays: 15, nextPurchaseDays: 15, requiredVideos: 3,
        incentiveAmount: 600_000, incentivePayments: 1
    )

    public static func named(_ name: Name) -> RulesProfile { name == .y2021 ? .y2021 : .y2023 }

    public var firstPurchaseWindow: TimeInterval { TimeInterval(firstPurchaseDays) * 86_400 }
}
