import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Plain HTTP/1.1 with keep-alive on SwiftNIO's own codecs (`HTTPRequestEncoder`, `HTTPResponseDecoder`)
/// and a connection pool per origin: the client for the loopback hot paths (storefront → gateway,
/// webhooks, the load generator), where AsyncHTTPClient's per-request machinery costs more CPU than the
/// exchange itself. Anything that is not a plain `http://` URL (TLS above all) goes to `fallback`.
///
/// A request takes an idle connection of its origin (the most recently used first), or opens one while
/// the origin has fewer than `connectionsPerOrigin`, or waits for one to be handed back. One request at
/// a time per connection (no pipelining); a connection is reused only when the answer allowed it
/// (`Connection: close` and HTTP/1.0 without keep-alive end it) and it is still open.
public final class LeanHTTPClient: HTTPTransport {
    /// Why a request got no answer.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case timedOut
        case connectionRefused(String)
        /// The peer closed or reset the connection before the whole answer arrived.
        case connectionReset
        case responseTooLarge
        case shutDown

        public var description: String {
            switch self {
            case .timedOut: "timed out"
            case .connectionRefused(let detail): "connection refused (\(detail))"
            case .connectionReset: "connection reset"
            case .responseTooLarge: "response body larger than \(HTTPEndpoint.maximumBody) bytes"
            case .shutDown: "the HTTP client is shut down"
            }
        }
    }

    /// One for the whole process, on `HTTPClient.shared` and NIO's shared event loops (never shut down).
    public static let shared = LeanHTTPClient(fallback: .shared)

    /// TLS and any other URL this client does not speak.
    public let fallback: HTTPClient
    let group: any EventLoopGroup
    let connectionsPerOrigin: Int
    /// The pools by origin; nil once shut down.
    private let pools = Mutex<[String: OriginPool]?>([:])

    public init(fallback: HTTPClient, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, connectionsPerOrigin: Int = 256) {
        self.fallback = fallback
        self.group = group
        self.connectionsPerOrigin = connectionsPerOrigin
    }

    public func send(
        _ method: HTTPMethod, url: String, headers: [(String, String)], body: [UInt8]?, timeout: TimeAmount
    ) async throws -> HTTPEndpoint.Response {
        guard let origin = Origin(url) else {
            return try await fallback.send(method, url: url, headers: headers, body: body, timeout: timeout)
        }
        let deadline = NIODeadline.now() + timeout
        let pool = try pool(for: origin)
        let connection = try await pool.acquire(deadline: deadline)
        // A request that waited past its deadline, or whose task was cancelled, is not sent at all.
        if NIODeadline.now() >= deadline || Task.isCancelled {
            pool.release(connection, reusable: true)
            throw Task.isCancelled ? CancellationError() : Failure.timedOut
        }
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: origin.target)
        head.headers.reserveCapacity(headers.count + 2)
        head.headers.add(name: "Host", value: origin.authority)
        var closes = false
        for (name, value) in headers {
            // The client frames the request itself.
            if name.caseInsensitiveCompare("Host") == .orderedSame || name.caseInsensitiveCompare("Content-Length") == .orderedSame { continue }
            if name.caseInsensitiveCompare("Connection") == .orderedSame, value.lowercased().contains("close") { closes = true }
            head.headers.add(name: name, value: value)
        }
        if let body {
            head.headers.add(name: "Content-Length", value: String(body.count))
        } else if method == .POST || method == .PUT || method == .PATCH {
            head.headers.add(name: "Content-Length", value: "0")
        }
        do {
            let answer = try await connection.exchange(head: head, body: body.map { ByteBuffer(bytes: $0) }, deadline: deadline)
            pool.release(connection, reusable: answer.keepAlive && !closes)
            return answer.response
        } catch {
            pool.release(connection, reusable: false)
            throw error
        }
    }

    /// Closes every pooled connection; later requests fail with ``Failure/shutDown``. The fallback
    /// client is its owner's to shut down.
    public func shutdown() {
        let all = pools.withLock { pools in
            defer { pools = nil }
            return pools.map { Array($0.values) } ?? []
        }
        for pool in all { pool.shutdown() }
    }

    private func pool(for origin: Origin) throws -> OriginPool {
        try pools.withLock { pools in
            guard pools != nil else { throw Failure.shutDown }
            if let pool = pools![origin.authority] { return pool }
            let pool = OriginPool(origin: origin, group: group, limit: connectionsPerOrigin)
            pools![origin.authority] = pool
            return pool
        }
    }
}

/// `http://host[:port]/target`, split once per request.
struct Origin: Sendable {
    var authority: String
    var host: String
    var port: Int
    var target: String

    init?(_ url: String) {
        guard url.hasPrefix("http://") else { return nil }
        let rest = url.dropFirst(7)
        let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<end]
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        let target = rest[end...]
        self.target = target.isEmpty ? "/" : (target.first == "?" ? "/" + target : String(target))
        self.authority = String(authority)
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.isEmpty {
                port = 80
            } else {
                guard after.first == ":", let p = Int(after.dropFirst()) else { return nil }
                port = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            guard let p = Int(authority[authority.index(after: colon)...]) else { return nil }
            host = String(authority[..<colon])
            port = p
        } else {
            host = String(authority)
            port = 80
        }
        guard (1...65535).contains(port), !host.isEmpty else { return nil }
    }
}

/// The connections to one origin: idle ones, how many are open, and the requests waiting for one.
final class OriginPool: Sendable {
    private enum Grant {
        case connection(LeanConnection)
        /// Room to open a new connection.
        case room
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Grant, any Error>
    }

    private struct State {
        var idle: [LeanConnection] = []
        var open = 0
        var waiters = CircularBuffer<Waiter>()
        var nextWaiter: UInt64 = 0
        var shutDown = false

        /// An idle connection still open, or room to open one (counted as open), or nil when neither.
        mutating func take(limit: Int) -> Grant? {
            while let connection = idle.popLast() {
                if connection.isOpen { return .connection(connection) }
                open -= 1
            }
            if open < limit {
                open += 1
                return .room
            }
            return nil
        }
    }

    let origin: Origin
    let group: any EventLoopGroup
    let limit: Int
    private let state = Mutex(State())

    init(origin: Origin, group: any EventLoopGroup, limit: Int) {
        self.origin = origin
        self.group = group
        self.limit = max(1, limit)
    }

    func acquire(deadline: NIODeadline) async throws -> LeanConnection {
        let now: Result<Grant, any Error>? = state.withLock { s in
            if s.shutDown { return .failure(LeanHTTPClient.Failure.shutDown) }
            return s.take(limit: limit).map { .success($0) }
        }
        let grant: Grant
        if let now {
            grant = try now.get()
        } else {
            // Decided again under the same lock that queues the waiter: a connection handed back in between
            // is not missed. A waiter leaves the queue when it is served, at its deadline, or when cancelled.
            let id = state.withLock { s -> UInt64 in
                s.nextWaiter += 1
                return s.nextWaiter
            }
            let expiry = group.next().scheduleTask(deadline: deadline) { self.withdraw(id, LeanHTTPClient.Failure.timedOut) }
            defer { expiry.cancel() }
            grant = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, any Error>) in
                    let immediate: Result<Grant, any Error>? = state.withLock { s in
                        if s.shutDown { return .failure(LeanHTTPClient.Failure.shutDown) }
                        if Task.isCancelled { return .failure(CancellationError()) }
                        if let grant = s.take(limit: limit) { return .success(grant) }
                        s.waiters.append(Waiter(id: id, continuation: continuation))
                        return nil
                    }
                    if let immediate { continuation.resume(with: immediate) }
                }
            } onCancel: {
                self.withdraw(id, CancellationError())
            }
        }
        switch grant {
        case .connection(let connection): return connection
        case .room: return try await open(deadline: deadline)
        }
    }

    /// Takes waiter `id` out of the queue, if it is still there, and fails it with `error`.
    private func withdraw(_ id: UInt64, _ error: any Error) {
        let waiter = state.withLock { s -> Waiter? in
            guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return s.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    /// Hands a connection back after an exchange: to the first waiter, to the idle list, or — when it
    /// cannot carry another request — closed, its room given to the first waiter.
    func release(_ connection: LeanConnection, reusable: Bool) {
        let keep = reusable && connection.isOpen
        let (close, handOff) = state.withLock { s -> (Bool, (CheckedContinuation<Grant, any Error>, Grant)?) in
            if keep, !s.shutDown {
                if let waiter = s.waiters.popFirst() { return (false, (waiter.continuation, .connection(connection))) }
                s.idle.append(connection)
                return (false, nil)
            }
            s.open -= 1
            return (true, roomForWaiter(&s))
        }
        if close { connection.close() }
        if let (waiter, grant) = handOff { waiter.resume(returning: grant) }
    }

    func shutdown() {
        let (idle, waiters) = state.withLock { s in
            s.shutDown = true
            defer {
                s.idle.removeAll()
                s.waiters.removeAll()
            }
            return (s.idle, Array(s.waiters))
        }
        for connection in idle { connection.close() }
        for waiter in waiters { waiter.continuation.resume(throwing: LeanHTTPClient.Failure.shutDown) }
    }

    private func roomForWaiter(_ s: inout State) -> (CheckedContinuation<Grant, any Error>, Grant)? {
        guard let waiter = s.waiters.popFirst() else { return nil }
        s.open += 1
        return (waiter.continuation, .room)
    }

    private func open(deadline: NIODeadline) async throws -> LeanConnection {
        let handler = ExchangeHandler()
        let remaining = deadline - .now()
        let bootstrap = ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(remaining > .zero ? remaining : .milliseconds(1))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        do {
            let channel = try await bootstrap.connect(host: origin.host, port: origin.port).get()
            return LeanConnection(channel: channel, handler: handler)
        } catch {
            let handOff = state.withLock { s -> (CheckedContinuation<Grant, any Error>, Grant)? in
                s.open -= 1
                return roomForWaiter(&s)
            }
            if let (waiter, grant) = handOff { waiter.resume(returning: grant) }
            if case ChannelError.connectTimeout = error { throw LeanHTTPClient.Failure.timedOut }
            throw LeanHTTPClient.Failure.connectionRefused("\(origin.authority): \(error)")
        }
    }
}

/// One keep-alive connection and the handler that runs its exchanges.
final class LeanConnection: Sendable {
    let channel: any Channel
    let handler: ExchangeHandler

    init(channel: any Channel, handler: ExchangeHandler) {
        self.channel = channel
        self.handler = handler
    }

    var isOpen: Bool { channel.isActive && !handler.hasEnded }

    func close() { channel.close(promise: nil) }

    func exchange(head: HTTPRequestHead, body: ByteBuffer?, deadline: NIODeadline) async throws -> ExchangeHandler.Answer {
        let promise = channel.eventLoop.makePromise(of: ExchangeHandler.Answer.self)
        let handler = self.handler
        channel.eventLoop.execute { handler.start(head: head, body: body, deadline: deadline, promise: promise) }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }
}

/// Writes one request and collects its answer; fails the exchange when the connection ends first or the
/// deadline passes (and then closes the connection: a late answer must not meet the next request).
///
/// Unchecked `Sendable`: every member is touched only on the channel's event loop.
final class ExchangeHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    struct Answer: Sendable {
        var response: HTTPEndpoint.Response
        var keepAlive: Bool
    }

    private var context: ChannelHandlerContext?
    private var pending: EventLoopPromise<Answer>?
    private var head: HTTPResponseHead?
    private var body: ByteBuffer?
    private var timer: Scheduled<Void>?
    private var ended = false
    /// `ended`, readable off the event loop: a pool must not hand out a connection that is closing.
    private let endedFlag = Atomic<Bool>(false)
    var hasEnded: Bool { endedFlag.load(ordering: .relaxed) }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(.connectionReset)
        self.context = nil
    }

    func start(head request: HTTPRequestHead, body: ByteBuffer?, deadline: NIODeadline, promise: EventLoopPromise<Answer>) {
        guard let context, !ended, pending == nil else {
            promise.fail(LeanHTTPClient.Failure.connectionReset)
            return
        }
        pending = promise
        head = nil
        self.body = nil
        timer = context.eventLoop.scheduleTask(deadline: deadline) { [self] in fail(.timedOut) }
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            // An interim answer (100 Continue) is not the answer.
            if received.status.code >= 200 || received.status == .switchingProtocols { head = received }
        case .body(var chunk):
            if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
            if body!.readableBytes > HTTPEndpoint.maximumBody { fail(.responseTooLarge) }
        case .end:
            guard let promise = pending, let head else {
                // An answer nobody asked for: the connection is out of step.
                fail(.connectionReset)
                return
            }
            pending = nil
            timer?.cancel()
            timer = nil
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            self.head = nil
            body = nil
            let keepAlive = head.isKeepAlive && !ended
            if !keepAlive {
                ended = true
                endedFlag.store(true, ordering: .relaxed)
            }
            promise.succeed(
                Answer(
                    response: .init(status: Int(head.status.code), body: bytes, headers: head.headers.map { ($0.name, $0.value) }),
                    keepAlive: keepAlive
                )
            )
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionReset)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.connectionReset)
    }

    /// Ends the connection, failing the exchange in flight if there is one.
    private func fail(_ failure: LeanHTTPClient.Failure) {
        let wasEnded = ended
        ended = true
        endedFlag.store(true, ordering: .relaxed)
        timer?.cancel()
        timer = nil
        if let promise = pending {
            pending = nil
            promise.fail(failure)
        }
        if !wasEnded { context?.close(promise: nil) }
    }
}
