import Foundation

/// Western Indonesian Time (WIB, UTC+07:00): the programme's calendar, used for "per day" limits.
public enum Jakarta {
    public static let utcOffset: TimeInterval = 7 * 3600

    /// The WIB calendar day of an instant, as days since 1970-01-01 (WIB).
    public static func dayNumber(_ date: Date) -> Int64 {
        Int64(((date.timeIntervalSince1970 + utcOffset) / 86_400).rounded(.down))
    }
}

/// ISO-8601 rendering shared by every API (UTC, millisecond precision where present).
public enum Timestamps {
    public static func iso8601(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }
}
