import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import PrakerjaCore
import PrakerjaHTTP
import Synchronization

/// The idempotency keys whose first request is running in this process, so that a concurrent repeat is
/// answered 409 at once, as Stripe does, instead of waiting for the first to finish.
final class InFlightKeys: Sendable {
    private let keys = Mutex<Set<String>>([])

    func claim(_ platformID: String, _ key: String) -> Bool { keys.withLock { $0.insert(platformID + "\n" + key).inserted } }
    func release(_ platformID: String, _ key: String) { _ = keys.withLock { $0.remove(platformID + "\n" + key) } }
}
