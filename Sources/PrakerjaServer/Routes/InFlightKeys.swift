import Synchronization

/// The idempotency keys whose first request is running in this process, so that a concurrent repeat is
/// answered 409 at once, as Stripe does, instead of waiting for the first to finish.
final class InFlightKeys: Sendable {
    private struct Key: Hashable {
        var platformID: String
        var key: String
    }

    private let keys = Mutex<Set<Key>>([])

    func claim(_ platformID: String, _ key: String) -> Bool { keys.withLock { $0.insert(Key(platformID: platformID, key: key)).inserted } }
    func release(_ platformID: String, _ key: String) { _ = keys.withLock { $0.remove(Key(platformID: platformID, key: key)) } }
}
