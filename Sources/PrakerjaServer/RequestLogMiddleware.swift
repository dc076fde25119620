import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PrakerjaCore
import PrakerjaHTTP

/// Logs one structured (logfmt) line per request after it completes.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        if logger.logLevel <= .info {
            let elapsed = ContinuousClock.now - start
            let micros = elapsed.microseconds
            logger.info(
                "method=\(request.method) path=\(request.uri.path) status=\(response.status.code) duration_us=\(micros) request_id=\(context.id)"
            )
        }
        return response
    }
}
