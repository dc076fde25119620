import Hummingbird
import Synchronization

/// How many requests a server works on at once. Past `limit`, a request is refused at once (the caller
/// renders that as `503` with `Retry-After`) instead of joining a queue that only grows: an overloaded
/// simulator answers quickly and says so, and no flow waits until some internal timeout starves it.
public final class Admission: Sendable {
    public let limit: Int
    private let inFlight = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)

    public init(limit: Int) { self.limit = max(1, limit) }

    /// Requests refused so far.
    public var refusals: Int { refused.load(ordering: .relaxed) }
    public var current: Int { inFlight.load(ordering: .relaxed) }

    /// Takes a place, or returns false when all `limit` are taken.
    public func enter() -> Bool {
        let now = inFlight.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        if now <= limit { return true }
        inFlight.wrappingSubtract(1, ordering: .relaxed)
        refused.wrappingAdd(1, ordering: .relaxed)
        return false
    }

    public func leave() { inFlight.wrappingSubtract(1, ordering: .relaxed) }
}

/// Admits a request through ``Admission`` when `applies` says it counts, or throws `overloaded()` for
/// the error middleware in front of it to render (with `Retry-After`).
public struct AdmissionMiddleware<Context: RequestContext>: RouterMiddleware {
    let admission: Admission
    let applies: @Sendable (Request) -> Bool
    let overloaded: @Sendable () -> any Error

    public init(_ admission: Admission, applies: @escaping @Sendable (Request) -> Bool = { _ in true }, overloaded: @escaping @Sendable () -> any Error) {
        self.admission = admission
        self.applies = applies
        self.overloaded = overloaded
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard applies(request) else { return try await next(request, context) }
        guard admission.enter() else { throw overloaded() }
        defer { admission.leave() }
        return try await next(request, context)
    }
}
