import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PrakerjaCore
import PrakerjaHTTP
import ServiceLifecycle
import Synchronization

/// `/console`: a web page that shows, live, what the simulated ecosystem did — messages, deliveries with
/// their attempts, charges with their timelines, business time, faults and the audit — and the reads it
/// is built on: `/sim/messages`, `/sim/charges`, `/sim/counts` and the change stream `/sim/events`.
struct ConsoleRoutes {
    let gateway: Gateway
    /// How often the change stream looks at the store; a change shows within this (plus one fetch).
    var pollInterval: Duration = .milliseconds(250)
    /// A comment line this often keeps proxies from closing a quiet stream.
    var keepAlive: Duration = .seconds(15)

    func register(on router: Router<some RequestContext>) {
        router.get("console") { _, _ in try ConsoleAssets.reply("index.html") }
        router.get("console/:asset") { _, context in try ConsoleAssets.reply(try context.parameters.require("asset")) }

        let sim = router.group("sim")
        let store = gateway.store
        sim.get("messages") { request, _ in
            let q = request.uri.queryParameters
            var search = MessageSearch(limit: try Paging.limit(request))
            if let raw = q["channel"] {
                guard let channel = OutboxMessage.Channel(rawValue: String(raw)) else { throw GatewayError.field("channel", "must be sms or email") }
                search.channel = channel
            }
            search.text = Self.searchText(q["q"])
            if let raw = q["before"] {
                guard let id = Int64(String(raw)), id > 0 else { throw GatewayError.field("before", "must be a positive integer") }
                search.beforeID = id
            }
            return try Reply(encoding: try await store.messages(search).map { MessageView($0) })
        }
        sim.get("charges") { request, _ in
            let limit = try Paging.limit(request)
            let charges = try await store.charges(matching: Self.searchText(request.uri.queryParameters["q"]), limit: limit)
            let policy = gateway.configuration.policy
            return try Reply(encoding: charges.map { ChargeView($0, voucher: nil, policy: policy) })
        }
        sim.get("counts") { _, _ in try Reply(encoding: try await store.counts()) }
        sim.get("faults/fired") { request, _ in
            let limit = try Paging.limit(request)
            return try Reply(encoding: try await store.events(kind: "fault", limit: limit).map { EventView($0, withCharge: true) })
        }
        sim.get("events") { request, _ in try changeStream(request) }
    }

    /// A search box's text: trimmed, and nil when blank.
    static func searchText(_ raw: Substring?) -> String? {
        guard let text = raw?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// Server-Sent Events: a `change` event carrying the store's ``ChangeMark`` at once, and again whenever it
    /// moves. The stream ends when the client goes away or the server shuts down gracefully.
    private func changeStream(_ request: Request) -> Response {
        let (store, poll, keepAlive) = (gateway.store, pollInterval, keepAlive)
        let headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let stopping = ShutdownFlag()
                do {
                    try await request.body.consumeWithCancellationOnInboundClose { _ in
                        try await withGracefulShutdownHandler {
                            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                            var last: ChangeMark?
                            var quiet = Duration.zero
                            while !stopping.isSet {
                                let mark = try await store.changeMark()
                                if mark != last {
                                    let json = String(decoding: try JSON.encode(mark), as: UTF8.self)
                                    try await writer.write(ByteBuffer(string: "event: change\ndata: \(json)\n\n"))
                                    (last, quiet) = (mark, .zero)
                                } else if quiet >= keepAlive {
                                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                                    quiet = .zero
                                }
                                try await Task.sleep(for: poll)
                                quiet += poll
                            }
                        } onGracefulShutdown: {
                            stopping.set()
                        }
                    }
                } catch is CancellationError {
                    // The client left, or the server is shutting down: the stream just ends.
                }
                try await writer.finish(nil)
            }
        )
    }
}

/// Set once, when the server begins a graceful shutdown: a live stream then ends at its next poll.
final class ShutdownFlag: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}

/// The console's page, style sheet and script, shipped as resources and read once.
enum ConsoleAssets {
    static let files: [String: (contentType: String, body: [UInt8])] = {
        let types = ["index.html": "text/html; charset=utf-8", "console.css": "text/css; charset=utf-8", "console.js": "text/javascript; charset=utf-8"]
        var files: [String: (String, [UInt8])] = [:]
        for (name, type) in types {
            let url = Bundle.module.url(forResource: "console", withExtension: nil)?.appendingPathComponent(name)
            guard let url, let data = try? Data(contentsOf: url) else { fatalError("the console's \(name) is missing from the PrakerjaServer bundle") }
            files[name] = (type, Array(data))
        }
        return files
    }()

    static func reply(_ name: String) throws -> Reply {
        guard let file = files[name] else { throw GatewayError(.notFound, "No console asset named \(name).") }
        return Reply(body: file.body, contentType: file.contentType, headers: [.cacheControl: "no-cache"])
    }
}
