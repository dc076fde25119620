import Foundation

/// Request nonces seen within a window, kept in buckets of `window` each by the time they were seen: a
/// nonce is looked up in the current and the previous bucket, and a bucket older than that is dropped
/// whole, so no check ever walks the whole set. A nonce is remembered for at least `window` and at most
/// twice that. Not thread-safe; its owner locks it.
struct NonceBuckets: Sendable {
    let window: TimeInterval
    private var current: Set<String> = []
    private var previous: Set<String> = []
    /// Index (time / window) of `current`.
    private var index: Int64?

    init(window: TimeInterval) { self.window = window }

    /// Notes `nonce` as seen at `now`; false if it was seen within the window (a replay).
    mutating func insert(_ nonce: String, at now: Date) -> Bool {
        let bucket = Int64((now.timeIntervalSince1970 / window).rounded(.down))
        if let index, bucket > index {
            previous = bucket == index + 1 ? current : []
            current = []
        }
        if index.map({ bucket > $0 }) ?? true { index = bucket }
        if previous.contains(nonce) { return false }
        return current.insert(nonce).inserted
    }

    var count: Int { current.count + previous.count }
}
