import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PrakerjaCore
import PrakerjaHTTP

/// Renders every error as JSON with a stable code. Only a bug reaches 500, and it is logged.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as GatewayError {
            return try error.response(from: request, context: context)
        } catch let error as RedeemError {
            return try RedeemRoutes.failure(error).response(from: request, context: context)
        } catch let error as HTTPError where error.status.code < 500 {
            let code: GatewayError.Code =
                switch error.status.code {
                case 404: .notFound
                case 405: .methodNotAllowed
                case 413: .bodyTooLarge
                default: .invalidField
                }
            let message = error.status.code == 404 ? "No endpoint \(request.method) \(request.uri.path)." : (error.body ?? code.defaultMessage)
            var reply = try Reply(status: error.status, encoding: ErrorBody(GatewayError(code, message)))
            reply.headers.append(contentsOf: error.headers)
            return try reply.response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return try Reply(
                status: .internalServerError, encoding: ["error": ["code": "INTERNAL", "message": "The simulator failed; see its log."]]
            ).response(from: request, context: context)
        }
    }
}
