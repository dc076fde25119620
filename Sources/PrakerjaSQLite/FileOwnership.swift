import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One process (one store) owns a SQLite file whose state it keeps in memory: an exclusive `flock` on a
/// lock file beside it (`<path>-lock`), taken before the state is loaded and held while the store lives.
/// The kernel drops it when the process dies, `kill -9` included, so a restart takes it again at once.
/// A lock file apart from the database itself, because closing any descriptor of a file drops the
/// process's POSIX locks on it, SQLite's among them.
package final class FileOwnership: Sendable {
    package struct Refused: Error, CustomStringConvertible {
        package let path: String
        package var description: String {
            "\(path) is in use by another gateway (a serve process or a store in this one holds \(path)-lock); "
                + "stop it first, or give this one another --db"
        }
    }

    private let descriptor: Int32

    package init(databasePath path: String) throws {
        let lockPath = path + "-lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: lockPath]) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Refused(path: path)
        }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
