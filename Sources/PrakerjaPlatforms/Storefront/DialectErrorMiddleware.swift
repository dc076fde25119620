import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PrakerjaCore

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
            var response = try reply(error, status: dialect.errors[error.kind].httpStatus, request, context)
            if error.kind == .overloaded { response.headers[.retryAfter] = "1" }
            return response
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
