import GRDB

/// Checkpoints a WAL database from a connection of its own, off the writer. Left to itself, SQLite's writer
/// checkpoints every 1,000 WAL pages inside the commit that crosses the mark, copying them all while every
/// reply waiting on that batch waits. Here the writer's automatic checkpoint is moved out of the way (to
/// 100,000 pages, a backstop); a passive checkpoint
/// (it never blocks the writer or a reader) copies the WAL into the database every `interval` from another
/// connection. A passive checkpoint alone never lets a busy writer start the WAL over, so once the WAL holds
/// `restartFrames` frames a restart checkpoint follows a passive one whenever the writer is between batches:
/// it copies the few frames written since, and the next batch starts the WAL from the beginning.
package final class WALCheckpointer: Sendable {
    private let task: Task<Void, Never>
    private let connection: DatabaseQueue

    /// `clock` paces the checkpoints (real time: this is the file's upkeep, not business time).
    package init<C: Clock<Duration>>(
        pool: DatabasePool, every interval: Duration = .milliseconds(50), restartFrames: Int = 16_384, clock: C = ContinuousClock()
    ) throws {
        try pool.writeWithoutTransaction { db in
            // A backstop only, far above `restartFrames`: if the restarts never find the writer between
            // batches, the writer checkpoints itself rather than let the WAL grow without end.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 100000")
            // When the WAL starts over, the file is cut back to this size.
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        // No busy timeout: a restart that cannot take the writer's lock at once gives up (and is tried again
        // after the next passive checkpoint) rather than hold up the writer while it waits.
        let connection = try DatabaseQueue(path: pool.path)
        self.connection = connection
        // The task holds the connection only while it checkpoints, so it closes with the store, not later:
        // a store opened again on the same file right after must not meet its predecessor's last checkpoint.
        task = Task.detached(priority: .utility) { [weak connection] in
            while !Task.isCancelled {
                try? await clock.sleep(for: interval)
                guard !Task.isCancelled, let connection else { break }
                _ = try? await connection.writeWithoutTransaction { db in
                    let (frames, _) = try db.checkpoint(.passive)
                    if frames >= restartFrames { try db.checkpoint(.restart) }
                }
            }
        }
    }

    deinit { task.cancel() }
}
