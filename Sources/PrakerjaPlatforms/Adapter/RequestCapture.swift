import Synchronization

/// Lets an adapter build a request without sending it — for a Pact provider state that must hand the
/// verifier the exact headers (token, timestamp, signature) the adapter would send. Armed with `passing:
/// n`, the transport sends the next `n` requests as usual, keeps the one after (unsent) and refuses every
/// later one without sending it. After ``count()``, it sends everything and counts.
public final class RequestCapture: Sendable {
    /// A request as the adapter would have put it on the wire.
    public struct Request: Sendable, Equatable {
        public var method: String
        public var target: String
        public var headers: [(String, String)]
        /// Nil when the request carries no body (no Content-Type either).
        public var body: [UInt8]?
        public var contentType: String

        public init(method: String, target: String, headers: [(String, String)], body: [UInt8]?, contentType: String) {
            self.method = method
            self.target = target
            self.headers = headers
            self.body = body
            self.contentType = contentType
        }

        public static func == (a: Request, b: Request) -> Bool {
            a.method == b.method && a.target == b.target && a.body == b.body && a.contentType == b.contentType
                && a.headers.map { "\($0.0): \($0.1)" } == b.headers.map { "\($0.0): \($0.1)" }
        }
    }

    private struct State {
        var armed = false
        var counting = false
        var pass = 0
        var seen = 0
        var captured: Request?
    }

    private let state = Mutex(State())

    public init() {}

    /// Sends the next `passing` requests, then keeps the following one.
    public func arm(passing: Int) {
        state.withLock { $0 = State(armed: true, pass: max(0, passing)) }
    }

    /// Sends every request and counts them.
    public func count() {
        state.withLock { $0 = State(armed: true, counting: true) }
    }

    /// The kept request, if the adapter got that far.
    public var captured: Request? { state.withLock { $0.captured } }
    /// Requests sent since arming.
    public var sent: Int { state.withLock { $0.seen } }

    /// Whether the transport must not send `request` (it is kept, or one was kept before it).
    public func intercept(_ request: Request) -> Bool {
        state.withLock { s in
            guard s.armed else { return false }
            if s.captured != nil { return true }
            if s.counting || s.seen < s.pass {
                s.seen += 1
                return false
            }
            s.captured = request
            return true
        }
    }
}
