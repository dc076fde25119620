import Hummingbird
import Synchronization

/// How many requests a server works on at once. Past `limit`, a request is refused at once (the caller
/// renders that as `503` with `Retry-After`) instead of joining a queue that only grows: an overloaded
/// simulator answers quickly and says so, and no flow waits until some internal timeout starves it.
///
/// New work (a request that starts a purchase) is taken only while fewer than `newWorkLimit` requests are in
/// flight; the rest of the room is kept for purchases already under way, so past capacity the flows that
/// were started finish and the ones refused are refused at their first step.
public final class Admission: Sendable {
    /// What a request is to the bound.
    public enum Work: Sendable {
        /// Starts a purchase: refused once `newWorkLimit` requests are in flight.
        case new
        /// Carries on one: refused only at `limit`.
        case continuing
    }

    public let limit: Int
    public let newWorkLimit: Int
    private let inFlight = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)

    public init(limit: Int) {
        self.limit = max(1, limit)
        self.newWorkLimit = max(1, limit / 2)
    }

    /// Requests refused so far.
    public var refusals: Int { refused.load(ordering: .relaxed) }
    public var current: Int { inFlight.load(ordering: .relaxed) }

    /// Takes a place, or returns false (and counts a refusal) when the bound for `work` is reached.
    public func enter(_ work: Work = .continuing) -> Bool {
        let bound = work == .new ? newWorkLimit : limit
        var seen = inFlight.load(ordering: .relaxed)
        while seen < bound {
            let (exchanged, original) = inFlight.compareExchange(expected: seen, desired: seen + 1, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            seen = original
        }
        refused.wrappingAdd(1, ordering: .relaxed)
        return false
    }

    public func leave() { inFlight.wrappingSubtract(1, ordering: .relaxed) }

    /// For a request already admitted as continuing that turns out to start a purchase (a storefront
    /// knows only in its engine): whether new work is still taken. False counts a refusal.
    public func admitsNewWork() -> Bool {
        if current <= newWorkLimit { return true }
        refused.wrappingAdd(1, ordering: .relaxed)
        return false
    }
}

/// Admits a request through ``Admission`` as the `work` its `classify` says it is (nil: always taken), or
/// throws `overloaded()` for the error middleware in front of it to render (with `Retry-After`).
public struct AdmissionMiddleware<Context: RequestContext>: RouterMiddleware {
    let admission: Admission
    let classify: @Sendable (Request) -> Admission.Work?
    let overloaded: @Sendable () -> any Error

    public init(
        _ admission: Admission, classify: @escaping @Sendable (Request) -> Admission.Work? = { _ in .continuing },
        overloaded: @escaping @Sendable () -> any Error
    ) {
        self.admission = admission
        self.classify = classify
        self.overloaded = overloaded
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let work = classify(request) else { return try await next(request, context) }
        guard admission.enter(work) else { throw overloaded() }
        defer { admission.leave() }
        return try await next(request, context)
    }
}
