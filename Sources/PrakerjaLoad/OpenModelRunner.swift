import Foundation
import Synchronization

/// Starts flows on an ``ArrivalProfile``'s schedule however fast earlier ones finish (an open model, like
/// wrk2 and k6's arrival-rate executors), or keeps N flows going back to back (a closed model).
///
/// Each flow knows when it was *meant* to start; its steps' latencies are measured from their intended
/// starts, so a stall — of the system under test, or of the generator itself — shows in the corrected
/// figures instead of silently delaying later starts (coordinated omission). At most `maxInFlight` flows
/// run at once; a start that cannot begin within `maxDelay` of its intended time is dropped and counted.
public struct OpenModelRunner: Sendable {
    public enum Model: Sendable, Equatable {
        case open(ArrivalProfile)
        /// `flows` virtual participants, each starting its next flow when the last one ends, for `duration` s —
        /// or until `limit` flows have started.
        case closed(flows: Int, duration: Double, limit: Int? = nil)
    }

    public var model: Model
    public var maxInFlight: Int
    /// A start later than this is dropped.
    public var maxDelay: Duration
    /// A start later than this is counted as late (and still measured from its intended time).
    public var lateAfter: Duration = .milliseconds(10)

    public init(model: Model, maxInFlight: Int = 10_000, maxDelay: Duration = .seconds(1)) {
        self.model = model
        self.maxInFlight = maxInFlight
        self.maxDelay = maxDelay
    }

    /// One flow's timing: its number, when it was meant to start, when it did, and the run's start.
    public struct Start: Sendable {
        public var index: Int
        public var intended: ContinuousClock.Instant
        public var started: ContinuousClock.Instant
        public var runStart: ContinuousClock.Instant
    }

    public struct Counts: Sendable, Equatable {
        public var scheduled = 0
        public var started = 0
        public var dropped = 0
        public var late = 0
        /// Seconds from the run's start to the last start: longer than the schedule when the generator fell
        /// behind, which the achieved rate then shows.
        public var lastStart = 0.0
    }

    /// Runs flows until the schedule ends and every started flow finished; `tick` is called about once a
    /// second with the counts so far and the flows in flight.
    public func run(
        flow: @escaping @Sendable (Start) async -> Void, tick: @escaping @Sendable (Counts, Int, Double) -> Void = { _, _, _ in }
    ) async -> Counts {
        let clock = ContinuousClock()
        let slots = Slots(maxInFlight)
        let counts = Locked(Counts())
        let runStart = clock.now + .milliseconds(20)
        let ticker = Task {
            var second = 1
            while !Task.isCancelled {
                try? await clock.sleep(until: runStart + .seconds(second))
                if Task.isCancelled { break }
                tick(counts.withLock { $0 }, slots.inUse, Double(second))
                second += 1
            }
        }
        defer { ticker.cancel() }
        await withDiscardingTaskGroup { group in
            switch model {
            case .open(let profile):
                var index = 0
                for offset in profile.arrivals() {
                    let intended = runStart + .nanoseconds(Int64(offset * 1e9))
                    // Sleep only when ahead, and at least a millisecond: at thousands of starts a second, a timer per start
                    // costs more than the work, and the starts due meanwhile then go together. Starts are never early;
                    // at most a millisecond late, measured from their intended instant all the same.
                    let ahead = clock.now
                    if intended > ahead { try? await clock.sleep(until: max(intended, ahead + .milliseconds(1))) }
                    counts.withLock { $0.scheduled += 1 }
                    let deadline = intended + maxDelay
                    guard await slots.acquire(before: deadline, clock: clock) else {
                        counts.withLock { $0.dropped += 1 }
                        index += 1
                        continue
                    }
                    let now = clock.now
                    counts.withLock {
                        $0.started += 1
                        if now - intended > lateAfter { $0.late += 1 }
                        $0.lastStart = Double((now - runStart).microseconds) / 1e6
                    }
                    let start = Start(index: index, intended: intended, started: now, runStart: runStart)
                    group.addTask {
                        await flow(start)
                        slots.release()
                    }
                    index += 1
                }
            case .closed(let flows, let duration, let limit):
                let end = runStart + .nanoseconds(Int64(duration * 1e9))
                let next = Locked(0)
                try? await clock.sleep(until: runStart)
                for _ in 0..<flows {
                    group.addTask {
                        while clock.now < end {
                            let index = next.withLock { n in
                                defer { n += 1 }
                                return n
                            }
                            if let limit, index >= limit { break }
                            let now = clock.now
                            counts.withLock {
                                $0.scheduled += 1
                                $0.started += 1
                                $0.lastStart = Double((now - runStart).microseconds) / 1e6
                            }
                            await flow(Start(index: index, intended: now, started: now, runStart: runStart))
                        }
                    }
                }
            }
        }
        return counts.withLock { $0 }
    }
}

/// A counting semaphore for the one scheduling loop. A start that finds no free slot waits for the next one
/// released (no timer per wait: at thousands of starts a second that would cost more than the work) and is
/// dropped if that came after its deadline.
final class Slots: Sendable {
    private struct State {
        var free: Int
        var inUse = 0
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state: Mutex<State>

    init(_ count: Int) { state = Mutex(State(free: count)) }

    var inUse: Int { state.withLock { $0.inUse } }

    /// Takes a slot; false (holding none) when none was free by `deadline`.
    func acquire(before deadline: ContinuousClock.Instant, clock: ContinuousClock) async -> Bool {
        // Too late is too late, even if a slot happens to be free (after a stall, the backlog is dropped).
        if clock.now > deadline { return false }
        if take() { return true }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.free > 0 {
                    s.free -= 1
                    s.inUse += 1
                    return true
                }
                s.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
        // The slot is ours now (handed over by `release`); too late to use it, it goes back.
        if clock.now > deadline {
            release()
            return false
        }
        return true
    }

    private func take() -> Bool {
        state.withLock { s in
            guard s.free > 0 else { return false }
            s.free -= 1
            s.inUse += 1
            return true
        }
    }

    func release() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiter {
                s.waiter = nil
                return w  // the slot passes straight to the waiting start
            }
            s.free += 1
            s.inUse -= 1
            return nil
        }
        waiter?.resume()
    }
}

/// A value behind a lock, shareable by reference between tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout sending Value) throws -> sending R) rethrows -> R { try mutex.withLock(body) }
}
