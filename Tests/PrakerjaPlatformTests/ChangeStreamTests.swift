import AsyncHTTPClient
import Foundation
import NIOCore
import PrakerjaCore
import Synchronization
import Testing

/// The console's live stream over real HTTP: a change event at once and on every change, and an end when the
/// server shuts down — an open console must not keep `serve` from stopping.
@Suite struct ChangeStreamTests {
    @Test(.timeLimit(.minutes(1))) func changesArePushedAndTheStreamEndsWhenTheServerStops() async throws {
        let reader = Mutex<Task<Void, any Error>?>(nil)
        try await PlatformHarness.with("tokopedia") { h in
            let (events, sink) = AsyncStream.makeStream(of: String.self)
            let task = Task {
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: h.gatewayURL + "/sim/events"), timeout: .minutes(1))
                #expect(response.status == .ok && response.headers["content-type"].first == "text/event-stream; charset=utf-8")
                var buffer = ""
                for try await chunk in response.body {
                    buffer += String(buffer: chunk)
                    while let end = buffer.range(of: "\n\n") {
                        sink.yield(String(buffer[..<end.lowerBound]))
                        buffer.removeSubrange(..<end.upperBound)
                    }
                }
                sink.finish()
            }
            reader.withLock { $0 = task }
            var received = events.makeAsyncIterator()
            #expect(await received.next() == "retry: 1000")
            let first = try #require(await received.next())
            #expect(first.hasPrefix("event: change\ndata: {"))
            _ = try await h.world.participant()
            let second = try #require(await received.next())
            #expect(second.hasPrefix("event: change\n") && second != first, "a new participant is a change")
            #expect(second.contains("\"participants\":\(try await h.gateway.store.changeMark().participants)"))
        }
        // The harness has shut the server down with the stream still open: it must have ended.
        try await reader.withLock { $0 }?.value
    }
}
