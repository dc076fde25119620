import Foundation

/// Western Indonesian Time (WIB, UTC+07:00): the programme's calendar, used for "per day" limits.
public enum Jakarta {
    public static let utcOffset: TimeInterval = 7 * 3600

    /// The WIB calendar day of an instant, as days since 1970-01-01 (WIB).
    public static func dayNumber(_ date: Date) -> Int64 {
        Int64(((date.timeIntervalSince1970 + utcOffset) / 86_400).rounded(.down))
    }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: Int(utcOffset))!
        return calendar
    }()

    /// `2021-10-15T08:05:00+07:00`: ISO-8601 in WIB with its offset, whole seconds (SNAP-BI's X-TIMESTAMP).
    public static func iso8601(_ date: Date) -> String { local(date, "T") + "+07:00" }

    /// `2021-10-15 08:05:00`: WIB wall time without an offset, as legacy APIs print it.
    public static func dateTime(_ date: Date) -> String { local(date, " ") }

    /// Parses either form above (the ISO form must carry `+07:00`).
    public static func parse(_ text: String) -> Date? {
        var body = Substring(text)
        if body.hasSuffix("+07:00") { body = body.dropLast(6) }
        let parts = body.split(whereSeparator: { "-T :".contains($0) }).compactMap { Int($0) }
        guard parts.count == 6, body.count == 19 else { return nil }
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts[5])
        return calendar.date(from: components)
    }

    private static func local(_ date: Date, _ separator: String) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(c.year ?? 1970)-\(two(c.month))-\(two(c.day))\(separator)\(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }
}
