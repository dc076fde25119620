import Foundation
import GRDB
import PrakerjaCore
import Synchronization

/// A store's state in memory over a SQLite file it owns, durable by group commit: what the gateway's and the
/// storefronts' SQLite stores share.
///
/// ``change(_:)`` decides under one lock and queues the decision's change set in the same critical section, so
/// change sets are numbered in the order memory changed; ``read(_:)`` answers from memory once the change that
/// made the value is committed. A batch that fails to commit drops what was queued behind it and loads memory
/// again from the file (retrying until the file can be read: memory never goes on ahead of it) before anyone
/// waiting on that batch hears of the failure.
package final class CommittedMemory<Memory: Sendable>: Sendable {
    private let memory: Mutex<Memory>
    package let committer: GroupCommitter
    private let ownership: FileOwnership?
    private let unavailable: String
    private let checkpointer: WALCheckpointer?

    /// Loads memory from the file with `load`; `unavailable` names the database in a failed commit's message.
    package init(writer: any DatabaseWriter, ownership: FileOwnership?, unavailable: String, load: @escaping @Sendable (Database) throws -> Memory) throws {
        self.memory = Mutex(try writer.read { db in try load(db) })
        self.committer = GroupCommitter(writer: writer)
        self.ownership = ownership
        self.unavailable = unavailable
        self.checkpointer = try (writer as? DatabasePool).map { try WALCheckpointer(pool: $0) }
        committer.setFailureHandler { [weak self, writer] error in
            guard let self else { return }
            self.memory.withLock { memory in
                self.committer.discardQueued(error)
                while true {
                    if let reloaded = try? writer.read({ db in try load(db) }) {
                        memory = reloaded
                        break
                    }
                    usleep(100_000)
                }
            }
        }
    }

    /// Runs `body` on memory under the lock; `body` returns its result and the change set that writes what it
    /// changed (nil: nothing changed), and `next()` gives the number that change set will get.
    ///
    /// Whatever the outcome — a change, no change, a refusal — it is returned (or thrown) only once everything
    /// memory held when it was decided is committed: a refusal or a "nothing to do" decided on state still on
    /// its way to the file must not be told before that state is there.
    package func change<R: Sendable>(
        _ body: (inout Memory, () -> UInt64) throws -> (R, GroupCommitter.ChangeSet?)
    ) async throws -> (R, UInt64?) {
        let committer = committer
        let (decided, decidedAfter) = memory.withLock { memory -> (Result<(R, UInt64?), any Error>, UInt64) in
            var reserved: UInt64?
            // The number the change set will get: the next one, since enqueueing happens under this lock.
            let next = { () -> UInt64 in
                if reserved == nil { reserved = committer.lastEnqueued + 1 }
                return reserved!
            }
            do {
                let (result, changes) = try body(&memory, next)
                guard let changes else { return (.success((result, nil)), committer.lastEnqueued) }
                let sequence = committer.enqueue(changes)
                assert(reserved == nil || reserved == sequence)
                return (.success((result, sequence)), sequence)
            } catch {
                return (.failure(error), committer.lastEnqueued)
            }
        }
        try await committed(decidedAfter)
        return try decided.get()
    }

    /// Waits until change set `sequence` is in the file.
    package func committed(_ sequence: UInt64?) async throws {
        guard let sequence else { return }
        do {
            try await committer.committed(sequence)
        } catch {
            throw GatewayError(.storeUnavailable, "\(unavailable) did not take the write: \(error)")
        }
    }

    /// A value read from memory, once the change that made it is committed.
    package func read<V: Sendable>(_ pick: (Memory) -> Versioned<V>?) async throws -> V? {
        guard let found = memory.withLock({ pick($0) }) else { return nil }
        try await committed(found.sequence)
        return found.value
    }

    /// Looks at memory under the lock (the caller waits for what it shows to be committed).
    package func peek<R: Sendable>(_ body: (Memory) -> R) -> R { memory.withLock { body($0) } }
}
