import GRDB
import Synchronization

/// Counts the write transactions SQLite commits on the writer connection: what a durable write costs is
/// one commit each, so the count is a cost a test or a benchmark can check.
final class CommitCounter: TransactionObserver, Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { count.add(1, ordering: .relaxed) }
    func databaseDidRollback(_ db: Database) {}
}
