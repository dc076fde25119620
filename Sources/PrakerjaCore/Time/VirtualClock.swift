import Foundation
import Synchronization

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

    /// Moves the offset up to `seconds` if it is behind (another process advanced the shared clock), in one step.
    public func raiseOffset(to seconds: TimeInterval) { offset.withLock { $0 = max($0, seconds) } }
}
