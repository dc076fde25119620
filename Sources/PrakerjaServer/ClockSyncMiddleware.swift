import Hummingbird
import PrakerjaCore

/// With several gateway processes on one store, reads business time from the store before each request, so
/// that a clock advanced through one process is the time every process serves by.
struct ClockSyncMiddleware<Context: RequestContext>: RouterMiddleware {
    let gateway: Gateway

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await gateway.syncClock()
        return try await next(request, context)
    }
}
