import Foundation
import GRDB
import PrakerjaCore
import Synchronization

/// The one writer of a SQLite file whose state lives in memory: every change set waiting when the writer
/// is free goes into one transaction (group commit), and each change set's owner hears back only after
/// that transaction committed.
///
/// Owners decide in memory and hand over what they changed. ``enqueue(_:)`` numbers change sets in the
/// order they arrive (an owner enqueues under its own lock, so the numbers follow the order in which its
/// memory changed); ``committed(_:)`` returns once the batch holding a number is in the file. A batch that
/// fails to commit fails every change set in it and every one queued behind it — they were decided on
/// memory that never reached the file — and `onFailure` then lets the owner reload its memory from the
/// file (its reload calls ``discardQueued(_:)`` under the owner's lock, so nothing decided on the lost
/// state is written afterwards).
package final class GroupCommitter: Sendable {
    package typealias ChangeSet = @Sendable (Database) throws -> Void

    private struct Waiter {
        let sequence: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var queue: [ChangeSet] = []
        /// The number of `queue[0]`.
        var firstQueued: UInt64 = 1
        var next: UInt64 = 1
        var draining = false
        var waiters: [Waiter] = []
        /// Ranges of numbers whose batch failed (rare: a full disk, a file removed under the process).
        var failed: [(range: ClosedRange<UInt64>, error: any Error)] = []
        /// A test's stall: batches wait until it is lifted.
        var stall: CheckedContinuation<Void, Never>?
        var stalled = false
    }

    private let writer: any DatabaseWriter
    private let state = Mutex(State())
    /// Every number at or below this is settled: committed, or failed with its batch.
    private let settledThrough = Atomic<UInt64>(0)
    private let batches = Atomic<Int>(0)
    private let largest = Atomic<Int>(0)
    private let maxBatch: Int
    private let onFailure: Mutex<(@Sendable (any Error) -> Void)?> = Mutex(nil)

    package init(writer: any DatabaseWriter, maxBatch: Int = 1024) {
        self.writer = writer
        self.maxBatch = maxBatch
    }

    /// Called (on the writer's task) after a batch failed, before the next batch is taken.
    package func setFailureHandler(_ handler: @escaping @Sendable (any Error) -> Void) {
        onFailure.withLock { $0 = handler }
    }

    /// Batches committed so far, and the largest one.
    package var statistics: (batches: Int, largest: Int) { (batches.load(ordering: .relaxed), largest.load(ordering: .relaxed)) }

    /// The number of the last change set enqueued (0 before the first).
    package var lastEnqueued: UInt64 { state.withLock { $0.next - 1 } }

    /// Queues a change set for the next batch; returns its number.
    @discardableResult
    package func enqueue(_ changes: @escaping ChangeSet) -> UInt64 {
        let (sequence, start) = state.withLock { s -> (UInt64, Bool) in
            s.queue.append(changes)
            let sequence = s.next
            s.next += 1
            let start = !s.draining
            s.draining = true
            return (sequence, start)
        }
        if start { Task { await self.drain() } }
        return sequence
    }

    /// Returns once change set `sequence` is committed; throws its batch's error if that batch failed.
    package func committed(_ sequence: UInt64) async throws {
        if settledThrough.load(ordering: .acquiring) < sequence {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let settled = state.withLock { s -> Bool in
                    if settledThrough.load(ordering: .acquiring) >= sequence { return true }
                    s.waiters.append(Waiter(sequence: sequence, continuation: continuation))
                    return false
                }
                if settled { continuation.resume() }
            }
        }
        if let error = failure(of: sequence) { throw error }
    }

    /// Returns once everything enqueued so far is committed.
    package func flush() async throws {
        try await committed(lastEnqueued)
    }

    /// Whether `sequence` is settled already (a read of state changed by it may be answered).
    package func isSettled(_ sequence: UInt64) -> Bool { settledThrough.load(ordering: .acquiring) >= sequence }

    /// Fails everything still queued (the owner's reload, after a failed batch).
    package func discardQueued(_ error: any Error) {
        let waiters = state.withLock { s -> [Waiter] in
            guard !s.queue.isEmpty else { return [] }
            let range = s.firstQueued...(s.next - 1)
            s.failed.append((range, error))
            s.queue.removeAll()
            s.firstQueued = s.next
            return settle(&s, through: range.upperBound)
        }
        for waiter in waiters { resume(waiter) }
    }

    /// Holds every batch back until ``resume()`` (a test that shows no reply leaves before its commit).
    package func stall() { state.withLock { $0.stalled = true } }

    package func resume() {
        let waiting = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.stalled = false
            defer { s.stall = nil }
            return s.stall
        }
        waiting?.resume()
    }

    private func drain() async {
        while true {
            if state.withLock({ $0.stalled }) {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let go = state.withLock { s -> Bool in
                        guard s.stalled else { return true }
                        s.stall = c
                        return false
                    }
                    if go { c.resume() }
                }
            }
            let taken = state.withLock { s -> (batch: ArraySlice<ChangeSet>, first: UInt64)? in
                guard !s.queue.isEmpty else {
                    s.draining = false
                    return nil
                }
                let count = min(s.queue.count, maxBatch)
                let batch = s.queue.prefix(count)
                s.queue.removeFirst(count)
                let first = s.firstQueued
                s.firstQueued += UInt64(count)
                return (batch, first)
            }
            guard let (batch, first) = taken else { return }
            let last = first + UInt64(batch.count) - 1
            do {
                try await writer.write { db in
                    for changes in batch { try changes(db) }
                }
                batches.add(1, ordering: .relaxed)
                if batch.count > largest.load(ordering: .relaxed) { largest.store(batch.count, ordering: .relaxed) }
                let waiters = state.withLock { settle(&$0, through: last) }
                for waiter in waiters { resume(waiter) }
            } catch {
                state.withLock { $0.failed.append((first...last, error)) }
                // The owner reloads its memory (and drops what was queued on the lost state) before anyone waiting
                // on this batch hears of the failure, so a retry is decided on what the file holds.
                onFailure.withLock { $0 }?(error)
                let waiters = state.withLock { settle(&$0, through: last) }
                for waiter in waiters { resume(waiter) }
            }
        }
    }

    /// Marks everything through `last` settled and returns the waiters it releases.
    private func settle(_ s: inout State, through last: UInt64) -> [Waiter] {
        if last > settledThrough.load(ordering: .acquiring) { settledThrough.store(last, ordering: .releasing) }
        var released: [Waiter] = []
        s.waiters.removeAll { waiter in
            guard waiter.sequence <= last else { return false }
            released.append(waiter)
            return true
        }
        return released
    }

    private func resume(_ waiter: Waiter) {
        if let error = failure(of: waiter.sequence) { waiter.continuation.resume(throwing: error) } else { waiter.continuation.resume() }
    }

    private func failure(of sequence: UInt64) -> (any Error)? {
        state.withLock { s in s.failed.last { $0.range.contains(sequence) }?.error }
    }
}
