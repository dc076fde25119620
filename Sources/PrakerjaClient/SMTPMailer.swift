import Foundation
import NIOCore
import NIOExtras
import NIOPosix
import PrakerjaCore
import Synchronization

/// Voucher e-mails over SMTP (RFC 5321), to a mail catcher (Mailpit, MailHog) or a relay: one connection per
/// message — greeting, `EHLO` (`HELO` if refused), `MAIL FROM`, `RCPT TO`, `DATA`, `QUIT` — on plain TCP, with
/// no authentication. A `4xx` reply, a refused or reset connection or a timeout is worth another attempt; a
/// `5xx` reply is not.
public struct SMTPMailer: EmailTransport {
    public var host: String
    public var port: Int
    /// The envelope sender and the `From` address.
    public var from: String
    /// The name this client gives in `EHLO`.
    public var heloName: String
    /// Bounds one conversation up to the server's acceptance of the message (RFC 5321 §4.5.3.2 allows a server
    /// minutes after the final dot; a mail catcher answers at once).
    public var timeout: Duration

    public init(host: String, port: Int, from: String = "voucher@prakerja-sim.local", heloName: String = "prakerja-sim.local", timeout: Duration = .seconds(30)) {
        self.host = host
        self.port = port
        self.from = from
        self.heloName = heloName
        self.timeout = timeout
    }

    /// `HOST:PORT` (an IPv6 host in brackets), as `serve --smtp` takes it.
    public init?(address: String) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (1...65_535).contains(port) else {
            return nil
        }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace) else { return nil }
        self.init(host: host, port: port)
    }

    public var name: String { "SMTP \(host):\(port)" }

    /// An address that can go in `MAIL FROM:<…>` or `RCPT TO:<…>` as it is.
    public static func isPlainAddress(_ address: String) -> Bool { MailMessage.isPlainAddress(address) }

    public func send(_ email: OutgoingEmail) async -> EmailSendResult {
        guard MailMessage.isPlainAddress(email.to) else { return .permanent(reason: "'\(email.to)' is not an address this client sends to") }
        let message = MailMessage(email, from: from)
        // Once the server has accepted the message it is delivered, whatever happens to the rest of the
        // conversation: a timeout after that must not make the attempt look failed (and send it again).
        let accepted = AcceptedReply()
        do {
            return try await withThrowingTaskGroup(of: EmailSendResult.self) { group in
                group.addTask { try await converse(message, to: email.to) { accepted.set($0) } }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return accepted.reply.map { .accepted(reply: $0) } ?? .transient(reason: "timed out after \(timeout)")
                }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
        } catch let reply as SMTPReply {
            return reply.code >= 500 ? .permanent(reason: reply.text) : .transient(reason: reply.text)
        } catch {
            return .transient(reason: Self.describe(error))
        }
    }

    private func converse(_ message: MailMessage, to recipient: String, accepted: @Sendable (String) -> Void) async throws -> EmailSendResult {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // A reply line longer than this is not SMTP (the limit is 512 octets): refuse to buffer more.
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder(), maximumBufferSize: 16_384))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            func reply() async throws -> SMTPReply {
                var text: [String] = []
                while let line = try await lines.next() {
                    let s = String(buffer: line)
                    text.append(s)
                    // "250-…" continues a reply; "250 …" (or a bare "250") ends it.
                    if s.count < 4 || s[s.index(s.startIndex, offsetBy: 3)] != "-" {
                        return SMTPReply(code: Int(s.prefix(3)) ?? 0, lines: text)
                    }
                }
                throw SMTPConnectionClosed()
            }
            func command(_ line: String?, expect codes: Set<Int>) async throws -> SMTPReply {
                if let line { try await outbound.write(ByteBuffer(string: line + "\r\n")) }
                let r = try await reply()
                guard codes.contains(r.code) else { throw r }
                return r
            }
            _ = try await command(nil, expect: [220])
            do {
                do {
                    _ = try await command("EHLO \(heloName)", expect: [250])
                } catch let refused as SMTPReply where refused.code >= 500 {
                    _ = try await command("HELO \(heloName)", expect: [250])
                }
                _ = try await command("MAIL FROM:<\(from)>", expect: [250])
                _ = try await command("RCPT TO:<\(recipient)>", expect: [250, 251])
                _ = try await command("DATA", expect: [354])
                let reply = try await command(message.dataSection, expect: [250])
                accepted(reply.text)
                // Polite, not waited for: the message is the server's now.
                try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
                return .accepted(reply: reply.text)
            } catch let refused as SMTPReply {
                // RFC 5321 §4.1.1.10: say QUIT before closing, also after a refusal.
                try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
                throw refused
            }
        }
    }

    static func describe(_ error: any Error) -> String {
        if error is SMTPConnectionClosed { return "the server closed the connection" }
        let text = String(describing: error)
        if text.contains("refused") || text.contains("ECONNREFUSED") { return "connection refused" }
        if text.contains("reset") || text.contains("ECONNRESET") { return "connection reset" }
        if text.contains("connectTimeout") { return "timed out connecting" }
        return text
    }
}

/// One SMTP reply: its code and its lines.
struct SMTPReply: Error, Equatable {
    var code: Int
    var lines: [String]
    /// The reply in one line: `550 5.1.1 <x@y>: Recipient address rejected`.
    var text: String { lines.joined(separator: " / ") }
}

struct SMTPConnectionClosed: Error {}

/// The server's acceptance of a message, once it came.
final class AcceptedReply: Sendable {
    private let state = Mutex<String?>(nil)
    var reply: String? { state.withLock { $0 } }
    func set(_ reply: String) { state.withLock { $0 = reply } }
}
