import Foundation
import Synchronization

/// A source of "now". Every part of PrakerjaSim that needs the time gets one injected; nothing reads the
/// wall clock directly, so virtual time (``VirtualClock``) can drive OTP expiry, deadlines and schedules.
public protocol TimeSource: Sendable {
    func now() -> Date
}

/// The operating system's wall clock. The only place that reads it; inject it where real time is meant
/// (signature timestamp windows, which outside clients sign with their own real clock).
public struct SystemTimeSource: TimeSource {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that stands still until it is set or advanced: for tests and deterministic runs.
public final class ManualTimeSource: TimeSource {
    private let current: Mutex<Date>
    public init(_ start: Date) { self.current = Mutex(start) }
    public func now() -> Date { current.withLock { $0 } }
    public func set(_ date: Date) { current.withLock { $0 = date } }
    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

/// Business time: an underlying time source plus an offset that the simulation can only move forward.
///
/// `VirtualClock(base: SystemTimeSource())` flows with real time and jumps when advanced;
/// `VirtualClock(base: ManualTimeSource(start))` is frozen between advances.
public final class VirtualClock: TimeSource {
    private let base: any TimeSource
    private let offset: Mutex<TimeInterval>

    public init(base: any TimeSource, offset: TimeInterval = 0) {
        self.base = base
        self.offset = Mutex(offset)
    }

    public func now() -> Date { base.now() + offset.withLock { $0 } }

    /// Seconds this clock is ahead of its base.
    public var currentOffset: TimeInterval { offset.withLock { $0 } }

    /// Moves business time forward. Negative amounts are refused by the callers (time never runs back).
    public func advance(by seconds: TimeInterval) {
        precondition(seconds >= 0, "virtual time only moves forward")
        offset.withLock { $0 += seconds }
    }

    /// Restores a persisted offset (at start-up) or clears it (on reset).
    public func setOffset(_ seconds: TimeInterval) { offset.withLock { $0 = seconds } }
}

extension Date {
    /// Milliseconds since 1970, the representation used in storage.
    public var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    public init(millisecondsSince1970 ms: Int64) { self.init(timeIntervalSince1970: Double(ms) / 1000) }
}
