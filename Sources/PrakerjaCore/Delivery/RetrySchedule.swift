import Foundation

/// When failed deliveries are tried again: the delays after the first attempt, one per retry. The default
/// is Xendit's (15 min, 45 min, 2 h, 6 h, 12 h, 24 h): seven attempts over about 45 hours.
public struct RetrySchedule: Sendable, Equatable, Codable, CustomStringConvertible {
    public var delays: [TimeInterval]

    public init(delays: [TimeInterval]) { self.delays = delays }

    public static let xendit = RetrySchedule(delays: [15 * 60, 45 * 60, 2 * 3600, 6 * 3600, 12 * 3600, 24 * 3600])

    /// The delay before attempt `number + 1` after attempt `number` failed; nil when `number` was the last.
    public func delay(after number: Int) -> TimeInterval? {
        number >= 1 && number <= delays.count ? delays[number - 1] : nil
    }

    /// Attempts in all: the first, then one per delay.
    public var attempts: Int { delays.count + 1 }

    /// `15m,45m,2h,6h,12h,24h`.
    public var description: String { delays.map(Self.format).joined(separator: ",") }

    /// Parses `15m,45m,2h` (units s, m, h, d).
    public init?(parsing text: String) {
        var delays: [TimeInterval] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard let unit = item.last, let value = Double(item.dropLast()), value > 0, value.isFinite else { return nil }
            switch unit {
            case "s": delays.append(value)
            case "m": delays.append(value * 60)
            case "h": delays.append(value * 3600)
            case "d": delays.append(value * 86_400)
            default: return nil
            }
        }
        guard !delays.isEmpty else { return nil }
        self.delays = delays
    }

    static func format(_ seconds: TimeInterval) -> String {
        if seconds.truncatingRemainder(dividingBy: 86_400) == 0 { return "\(Int(seconds / 86_400))d" }
        if seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        return "\(Int(seconds))s"
    }
}
