import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PrakerjaCore
import PrakerjaHTTP

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

    /// The storefront's router: the dialect's routes, with every refusal rendered in the dialect. With the
    /// engine's `admission`, a buyer's request past its limit is refused at once as `overloaded` (the
    /// gateway's webhooks and the health check are always taken: they finish work already paid for), and
    /// the engine refuses a sign-in or a new order once half the room is taken.
    public func router(logger: Logger) -> Router<BasicRequestContext> {
        let admission = engine.admission
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestLogMiddleware(logger: logger))
        router.add(middleware: DialectErrorMiddleware(dialect: dialect, logger: logger))
        if let admission {
            let exempt: Set<String> = ["/health", Self.webhookPath]
            router.add(
                middleware: AdmissionMiddleware(admission, classify: { exempt.contains($0.uri.path) ? nil : .continuing }, overloaded: { BuyerError(.overloaded) })
            )
        }
        router.get("health") { _, _ in Reply(status: .ok, body: Array(#"{"status":"ok"}"#.utf8)) }
        let document = Self.openAPIDocument(dialect.platformID)
        router.get("openapi.yaml") { _, _ in
            guard let document else { throw BuyerError(.platformError, "this storefront's OpenAPI document is missing from the build") }
            return Reply(status: .ok, body: document, contentType: "application/yaml")
        }
        dialect.registerRoutes(on: router, storefront: self)
        if dialect.delivery == .webhook {
            let engine = engine
            router.post(RouterPath(Self.webhookPath)) { request, _ in
                let body = try await Wire.body(request)
                let h = request.headers
                func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { h[$0] } }
                try await engine.receiveWebhook(id: header("webhook-id"), timestamp: header("webhook-timestamp"), signature: header("webhook-signature"), body: body)
                return Reply(status: .noContent, body: [])
            }
        }
        return router
    }

    /// The dialect's OpenAPI 3.1 document (`Resources/openapi/<platform>.yaml`, written by `prakerja-sim
    /// partners generate` from a full contract run).
    static func openAPIDocument(_ platformID: String) -> [UInt8]? {
        guard let url = Bundle.module.url(forResource: platformID, withExtension: "yaml", subdirectory: "openapi"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        return Array(data)
    }

    /// Where a webhook-delivery storefront takes the gateway's webhooks.
    public static let webhookPath = "/webhooks/prakerja"

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
