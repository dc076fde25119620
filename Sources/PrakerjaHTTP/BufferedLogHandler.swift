import Dispatch
import Foundation
import Logging
import Synchronization

/// A `LogHandler` for standard output that writes in batches: lines (formatted as swift-log's
/// `StreamLogHandler` formats them) are appended to one buffer, and the buffer is written with one system
/// call at most `interval` after its first line, or at once when it holds `limit` bytes or a line at
/// `warning` or above arrives. `StreamLogHandler` locks the stream and flushes after every line, so at
/// tens of thousands of request-log lines a second it serialises requests on one lock and one `write` each.
///
/// Lines are never reordered, and nothing is dropped: ``flush()`` writes what is buffered (the process
/// calls it before it exits); a process killed with `kill -9` loses at most the last `interval` of lines.
public struct BufferedLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let sink: Sink
    private let now: @Sendable () -> Date

    /// One buffer for standard output, shared by every logger of the process.
    public static let standardOutput = Sink(descriptor: 1)

    public init(label: String, sink: Sink = BufferedLogHandler.standardOutput, now: @escaping @Sendable () -> Date) {
        self.label = label
        self.sink = sink
        self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        if let error = event.error { merged["error"] = "\(error)" }
        let pretty = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
        let line = "\(Self.timestamp(now())) \(event.level)\(label.isEmpty ? "" : " ")\(label):\(pretty) [\(event.source)] \(event.message)\n"
        sink.append(line, urgent: event.level >= .warning)
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
    }

    /// The buffer and its writer.
    public final class Sink: Sendable {
        private let descriptor: Int32
        private let interval: DispatchTimeInterval
        private let limit: Int
        private let buffer = Mutex<(bytes: [UInt8], scheduled: Bool)>(([], false))
        /// Writes happen one at a time, in the order the buffers were taken.
        private let writing = Mutex(())

        public init(descriptor: Int32, interval: DispatchTimeInterval = .milliseconds(20), limit: Int = 64 * 1024) {
            self.descriptor = descriptor
            self.interval = interval
            self.limit = limit
        }

        func append(_ line: String, urgent: Bool) {
            let (full, schedule) = buffer.withLock { state -> (Bool, Bool) in
                state.bytes.append(contentsOf: line.utf8)
                let schedule = !state.scheduled
                state.scheduled = true
                return (urgent || state.bytes.count >= limit, schedule)
            }
            if full {
                flush()
            } else if schedule {
                DispatchQueue.global().asyncAfter(deadline: .now() + interval) { self.flush() }
            }
        }

        /// Writes everything buffered so far.
        public func flush() {
            writing.withLock { _ in
                let bytes = buffer.withLock { state -> [UInt8] in
                    state.scheduled = false
                    defer { state.bytes.removeAll(keepingCapacity: true) }
                    return state.bytes
                }
                var offset = 0
                bytes.withUnsafeBytes { raw in
                    while offset < raw.count {
                        let n = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                        if n > 0 { offset += n } else if n < 0, errno == EINTR { continue } else { break }
                    }
                }
            }
        }
    }
}
