import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PrakerjaCore

/// One platform's storefront: the shared engine, the credentials its API clients use, and the real clock
/// that token lifetimes and signature timestamps are checked against.
public struct Storefront: Sendable {
    public let engine: StorefrontEngine
    public let credentials: StorefrontCredentials
    public let wallClock: any TimeSource
    public let tokens: BearerTokens

    public init(engine: StorefrontEngine, credentials: StorefrontCredentials, wallClock: any TimeSource) {
        self.engine = engine
        self.credentials = credentials
        self.wallClock = wallClock
        self.tokens = BearerTokens(secret: credentials.clientSecret, clock: wallClock)
    }

    public var dialect: any PlatformDialect.Type { engine.dialect }

    /// The storefront's router: the dialect's routes, with every refusal rendered in the dialect.
    public func router(logger: Logger) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: DialectErrorMiddleware(dialect: dialect, logger: logger))
        router.get("health") { _, _ in WireReply(status: .ok, json: Array(#"{"status":"ok"}"#.utf8)) }
        dialect.registerRoutes(on: router, storefront: self)
        return router
    }

    /// Checks HTTP Basic credentials against the client's id and secret.
    public func checkBasic(_ request: Request, user: String? = nil, password: String? = nil) throws(BuyerError) {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { throw BuyerError(.badCredentials, "HTTP Basic credentials are required") }
        guard ConstantTime.equal(Array(text[..<colon].utf8), Array((user ?? credentials.clientID).utf8)),
            ConstantTime.equal(Array(text[text.index(after: colon)...].utf8), Array((password ?? credentials.clientSecret).utf8))
        else { throw BuyerError(.badCredentials, "the client id or secret is wrong") }
    }

    /// Checks an `Authorization: Bearer` token issued by ``BearerTokens``.
    public func checkBearer(_ request: Request) throws(BuyerError) {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw BuyerError(.badCredentials, "a Bearer access token is required")
        }
        try tokens.verify(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), clientID: credentials.clientID)
    }
}

/// Stateless access tokens: `base64url(client_id.expiry).hmac`, so they survive restarts and need no table.
public struct BearerTokens: Sendable {
    let key: SymmetricKey
    let clock: any TimeSource
    public static let lifetime: TimeInterval = 3600

    public init(secret: String, clock: any TimeSource) {
        key = SymmetricKey(data: Array("bearer:\(secret)".utf8))
        self.clock = clock
    }

    public func issue(clientID: String) -> String {
        let payload = "\(clientID).\(Int64(clock.now().timeIntervalSince1970 + Self.lifetime))"
        let encoded = Data(payload.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return encoded + "." + Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(encoded.utf8), using: key))
    }

    public func verify(_ token: String, clientID: String) throws(BuyerError) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
            ConstantTime.equal(Array(parts[1].utf8), Array(Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(parts[0].utf8), using: key)).utf8))
        else { throw BuyerError(.badCredentials, "the access token is not valid") }
        var base64 = parts[0].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let payload = String(data: data, encoding: .utf8), let dot = payload.lastIndex(of: "."),
            payload[..<dot] == clientID, let expiry = Int64(payload[payload.index(after: dot)...])
        else { throw BuyerError(.badCredentials, "the access token is not valid") }
        guard Double(expiry) > clock.now().timeIntervalSince1970 else { throw BuyerError(.badCredentials, "the access token has expired") }
    }
}

/// A finished response: status, headers, bytes.
public struct WireReply: ResponseGenerator, Sendable {
    public var status: HTTPResponse.Status
    public var headers: HTTPFields
    public var body: [UInt8]

    public init(status: HTTPResponse.Status, json body: [UInt8], headers: HTTPFields = [:]) {
        self.status = status
        self.body = body
        self.headers = headers
        self.headers[.contentType] = "application/json"
    }

    public init(status: Int, json body: [UInt8], headers: HTTPFields = [:]) {
        self.init(status: HTTPResponse.Status(code: status), json: body, headers: headers)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Renders every refusal — the engine's, the dialect's own (auth, envelope), a missing route, a body too
/// large — in the dialect's error format. Nothing else escapes a storefront.
struct DialectErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let dialect: any PlatformDialect.Type
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as BuyerError {
            return try reply(error, status: dialect.errors[error.kind].httpStatus, request, context)
        } catch let error as HTTPError {
            let status = Int(error.status.code)
            if status >= 500 { logger.error("storefront \(dialect.platformID) failed: \(error)") }
            let kind: BuyerError.Kind = status >= 500 ? .platformError : .invalidRequest
            return try reply(BuyerError(kind, error.body ?? error.status.reasonPhrase), status: status, request, context)
        } catch {
            logger.error("storefront \(dialect.platformID) failed: \(error)")
            return try reply(BuyerError(.platformError, "internal error"), status: 500, request, context)
        }
    }

    private func reply(_ error: BuyerError, status: Int, _ request: Request, _ context: Context) throws -> Response {
        try dialect.errorReply(error, status: status).response(from: request, context: context)
    }
}

/// JSON helpers for dialect wire types.
public enum Wire {
    public static let bodyLimit = 64 * 1024

    public static func snakeEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return e
    }

    public static func camelEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return e
    }

    public static func snakeDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }

    public static func camelDecoder() -> JSONDecoder { JSONDecoder() }

    public static func encode(_ value: some Encodable, _ encoder: JSONEncoder) -> [UInt8] {
        // Dialect wire types are plain structs of strings and numbers; encoding them cannot fail.
        (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }

    /// Reads a request body (at most 64 KiB).
    public static func body(_ request: Request) async throws(BuyerError) -> [UInt8] {
        var request = request
        do {
            return Array(try await request.collectBody(upTo: bodyLimit).readableBytesView)
        } catch {
            throw BuyerError(.invalidRequest, "the request body is larger than \(bodyLimit / 1024) KiB")
        }
    }

    /// Decodes a dialect request body, naming the field that is wrong.
    public static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], _ decoder: JSONDecoder) throws(BuyerError) -> T {
        do {
            return try decoder.decode(T.self, from: Data(body))
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw BuyerError(.invalidRequest, "\(path(ctx.codingPath + [key])) is required")
        } catch let DecodingError.typeMismatch(_, ctx) where !ctx.codingPath.isEmpty {
            throw BuyerError(.invalidRequest, "\(path(ctx.codingPath)) has the wrong type")
        } catch let DecodingError.valueNotFound(_, ctx) where !ctx.codingPath.isEmpty {
            throw BuyerError(.invalidRequest, "\(path(ctx.codingPath)) must not be null")
        } catch let DecodingError.dataCorrupted(ctx) where !ctx.codingPath.isEmpty {
            throw BuyerError(.invalidRequest, "\(path(ctx.codingPath)) has an invalid value")
        } catch {
            throw BuyerError(.invalidRequest, body.isEmpty ? "a JSON body is required" : "the body is not the JSON object this endpoint expects")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    /// A query parameter as an integer in `range`, or `fallback` when absent.
    public static func int(_ request: Request, _ name: String, default fallback: Int, _ range: ClosedRange<Int>) throws(BuyerError) -> Int {
        guard let text = request.uri.queryParameters[name[...]] else { return fallback }
        guard let value = Int(String(text)), range.contains(value) else {
            throw BuyerError(.invalidRequest, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A course type from a query parameter (`webinar`, `self_paced`, `offline`), or nil when absent.
    public static func courseType(_ text: Substring?, name: String) throws(BuyerError) -> CourseType? {
        guard let text, !text.isEmpty else { return nil }
        guard let type = CourseType(rawValue: String(text)) else {
            throw BuyerError(.invalidRequest, "\(name) must be one of \(CourseType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return type
    }
}
