import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Logs one structured (logfmt) line per request after it completes (at `info`): the gateway's and each
/// storefront's, so every exchange of a flow can be followed and counted.
public struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        if logger.logLevel <= .info {
            let elapsed = ContinuousClock.now - start
            let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
            logger.info(
                "method=\(request.method) path=\(request.uri.path) status=\(response.status.code) duration_us=\(micros) request_id=\(context.id)"
            )
        }
        return response
    }
}
