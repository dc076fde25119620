import Foundation
import Hummingbird
import Logging
import PrakerjaCore
import PrakerjaHTTP

/// Assembles the gateway's router: catalog, partner payment API, redeem-code API, simulation API,
/// OpenAPI document and health check, behind the error and request-log middleware.
public func buildRouter<Context: RequestContext>(
    gateway: Gateway, wallClock: any TimeSource, logger: Logger, storefronts: StorefrontListing = StorefrontListing(),
    context: Context.Type = BasicRequestContext.self, admission: Admission? = nil
) -> Router<Context> {
    let router = Router(context: context)
    router.add(middleware: RequestLogMiddleware(logger: logger))
    router.add(middleware: ErrorMiddleware())
    if let admission {
        // The money path only: the simulation API, the console and the catalog are always answered. A new
        // charge is not told apart from a confirm here: a storefront asks for it in the middle of a purchase
        // it already took on, and the storefronts keep the new work (sign-ins, new orders) to half their room.
        router.add(
            middleware: AdmissionMiddleware<Context>(
                admission,
                classify: { $0.uri.path.hasPrefix("/partner/") || $0.uri.path.hasPrefix("/api/") ? .continuing : nil },
                overloaded: { GatewayError(.overloaded) }
            )
        )
    }
    if gateway.store.isShared { router.add(middleware: ClockSyncMiddleware(gateway: gateway)) }
    router.get("health") { _, _ in try Reply(encoding: ["status": "ok"]) }
    router.get("openapi.yaml") { _, _ in
        var reply = Reply(body: OpenAPIDocument.bytes)
        reply.headers[.contentType] = "application/yaml"
        return reply
    }
    CatalogRoutes(catalog: gateway.catalog).register(on: router)
    PartnerRoutes(gateway: gateway, authenticator: PartnerAuthenticator(catalog: gateway.catalog, wallClock: wallClock)).register(on: router)
    RedeemRoutes(gateway: gateway, wallClock: wallClock).register(on: router)
    SimulationRoutes(gateway: gateway, storefronts: storefronts).register(on: router)
    ConsoleRoutes(gateway: gateway).register(on: router)
    PactStateRoutes(gateway: gateway, wallClock: wallClock, storefronts: storefronts).register(on: router.group("sim"))
    return router
}

/// The gateway as a Hummingbird application listening on `host:port`.
public func buildApplication(
    gateway: Gateway, host: String, port: Int, wallClock: any TimeSource, logger: Logger, storefronts: StorefrontListing = StorefrontListing(),
    admission: Admission? = nil, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(gateway: gateway, wallClock: wallClock, logger: logger, storefronts: storefronts, admission: admission),
        configuration: .init(address: .hostname(host, port: port), serverName: "prakerja-sim"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
        logger: logger
    )
}
