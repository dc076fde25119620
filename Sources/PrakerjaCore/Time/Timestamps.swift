import Foundation

/// ISO-8601 rendering shared by every API (UTC, millisecond precision where present).
public enum Timestamps {
    public static func iso8601(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }

    public static func parse(_ text: String) -> Date? { try? Date.ISO8601FormatStyle().parse(text) }
}
