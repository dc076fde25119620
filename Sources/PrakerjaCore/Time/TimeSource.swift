import Foundation
import Synchronization

/// A source of "now". Every part of PrakerjaSim that needs the time gets one injected; nothing reads the
/// wall clock directly, so virtual time (``VirtualClock``) can drive OTP expiry, deadlines and schedules.
public protocol TimeSource: Sendable {
    func now() -> Date
}
