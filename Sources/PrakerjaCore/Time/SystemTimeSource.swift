import Foundation
import Synchronization

/// The operating system's wall clock. The only place that reads it; inject it where real time is meant
/// (signature timestamp windows, which outside clients sign with their own real clock).
public struct SystemTimeSource: TimeSource {
    public init() {}
    public func now() -> Date { Date() }
}
