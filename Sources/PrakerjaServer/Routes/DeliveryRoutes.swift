import Foundation
import Hummingbird
import PrakerjaCore
import PrakerjaHTTP

/// `/sim/webhooks` and `/sim/deliveries`: the platforms' webhook endpoints, the delivery outbox, and
/// redelivery by hand.
struct DeliveryRoutes {
    let gateway: Gateway

    struct EndpointBody: Codable { var url: String? }
    struct RangeBody: Codable {
        var from: Date
        var to: Date
        var statuses: [String]?
        var platform: String?
    }
    struct ReconciledView: Codable {
        struct Item: Codable {
            var chargeId: String
            var repair: String
        }
        var repaired: [Item]
    }
    struct FaultsView: Codable {
        var plan: [String: Double]
        var seed: UInt64
        var emailDelaySeconds: Double
        var magicCardSuffixes: [String: String]
        /// The delays between delivery attempts, in business time.
        var retrySchedule: String
        init(_ plan: FaultPlan, schedule: RetrySchedule) {
            retrySchedule = schedule.description
            self.plan = Dictionary(uniqueKeysWithValues: plan.probabilities.map { ($0.key.rawValue, $0.value) })
            seed = plan.seed
            emailDelaySeconds = plan.emailDelay
            magicCardSuffixes = FaultPlan.magicCardSuffixes.mapValues(\.rawValue)
        }
    }
    struct RedeliveredView: Codable {
        var count: Int
        var deliveries: [DeliveryView]
    }

    func register<Context: RequestContext>(on sim: RouterGroup<Context>) {
        sim.post("reconcile") { _, _ in
            let repaired = try await gateway.reconcile(after: 0)
            return try Reply(encoding: ReconciledView(repaired: repaired.map { .init(chargeId: $0.chargeID, repair: $0.repair.rawValue) }))
        }
        sim.get("faults") { _, _ in
            try Reply(encoding: FaultsView(gateway.configuration.faults, schedule: gateway.configuration.retrySchedule))
        }
        sim.get("webhooks") { _, _ in
            try Reply(encoding: try await gateway.store.webhookEndpoints().map { view($0) })
        }
        sim.put("webhooks/:platform") { request, context in
            let request = request
            let platform = try context.parameters.require("platform")
            let raw = try await request.bodyBytes()
            let body = try JSON.decode(EndpointBody.self, from: raw)
            // Only an explicit "url": null removes the endpoint; a body without "url" is a mistake, not a removal.
            guard let object = try? JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any], object.keys.contains("url") else {
                throw GatewayError.field("url", "is required (a URL, or null to remove the endpoint)")
            }
            guard let endpoint = try await gateway.setWebhookEndpoint(platformID: platform, url: body.url) else {
                return Reply(status: .noContent, body: [])
            }
            return try Reply(encoding: view(endpoint))
        }
        sim.get("deliveries") { request, _ in
            let q = request.uri.queryParameters
            let status = try q["status"].map { raw throws(GatewayError) in
                guard let s = Delivery.Status(rawValue: String(raw)) else { throw GatewayError.field("status", "must be pending, delivered or exhausted") }
                return s
            }
            let channel = try q["channel"].map { raw throws(GatewayError) in
                guard let c = DeliveryChannel(rawValue: String(raw)) else { throw GatewayError.field("channel", "must be email, webhook, sms or page") }
                return c
            }
            let (_, limit) = try Paging.read(request)
            let platform = q["platform"].map(String.init)
            let found = try await gateway.store.deliveries(status: status, platformID: platform, channel: channel, limit: limit)
            return try Reply(encoding: found.map { DeliveryView($0) })
        }
        sim.get("deliveries/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let d = try await gateway.store.delivery(id: id) else { throw GatewayError(.unknownDelivery) }
            return try Reply(encoding: DeliveryView(d, attempts: try await gateway.store.deliveryAttempts(deliveryID: id)))
        }
        sim.post("deliveries/:id/retry") { _, context in
            let id = try context.parameters.require("id")
            guard try await gateway.store.delivery(id: id) != nil else { throw GatewayError(.unknownDelivery) }
            let again = try await gateway.redeliver(ids: [id], createdIn: nil, statuses: [.pending, .delivered, .exhausted], platformID: nil)
            return try Reply(encoding: RedeliveredView(count: again.count, deliveries: again.map { DeliveryView($0) }))
        }
        sim.post("deliveries/retry") { request, _ in
            let request = request
            let body = try JSON.decode(RangeBody.self, from: try await request.bodyBytes())
            guard body.from <= body.to else { throw GatewayError.field("to", "must not be before from") }
            var statuses: Set<Delivery.Status> = [.exhausted]
            if let names = body.statuses {
                statuses = try Set(names.map { name throws(GatewayError) in
                    guard let s = Delivery.Status(rawValue: name) else { throw GatewayError.field("statuses", "each must be pending, delivered or exhausted") }
                    return s
                })
            }
            if let platform = body.platform, gateway.catalog.platform(platform) == nil { throw GatewayError(.unknownPlatformID) }
            let again = try await gateway.redeliver(ids: nil, createdIn: body.from...body.to, statuses: statuses, platformID: body.platform)
            return try Reply(encoding: RedeliveredView(count: again.count, deliveries: again.map { DeliveryView($0) }))
        }
    }

    private func view(_ endpoint: WebhookEndpoint) -> WebhookEndpointView {
        let secret = gateway.catalog.platform(endpoint.platformID).map(StandardWebhooks.secret(for:)) ?? ""
        return WebhookEndpointView(endpoint, secret: secret)
    }
}
