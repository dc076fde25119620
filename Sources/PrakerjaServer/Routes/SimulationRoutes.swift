import Foundation
import Hummingbird
import PrakerjaCore
import PrakerjaHTTP

/// `/sim/…`: the simulation's own controls, kept apart from the programme's APIs. Read the SMS and
/// e-mail outboxes, act as a participant, move virtual time, see credentials, audit the books, reset.
struct SimulationRoutes {
    let gateway: Gateway
    let storefronts: StorefrontListing

    struct AdvanceBody: Codable { var seconds: Double }
    struct CountBody: Codable { var count: Int }
    struct RatingBody: Codable { var rating: Int }
    struct CancelBody: Codable { var scope: String }
    struct BatchBody: Codable {
        var count: Int
        var wave: Int?
        var videosWatched: Int?
        var acceptedDaysAgo: Int?
        enum CodingKeys: String, CodingKey {
            case count, wave
            case videosWatched = "videos_watched"
            case acceptedDaysAgo = "accepted_days_ago"
        }
    }
    struct BatchView: Codable {
        struct Item: Codable {
            var cardNumber: String
            var phone: String
            var email: String
            var balance: Rupiah
        }
        var count: Int
        var participants: [Item]
    }

    func register(on router: Router<some RequestContext>) {
        let sim = router.group("sim")
        let policy = gateway.configuration.policy

        sim.get("clock") { _, _ in try clockReply() }
        sim.post("clock/advance") { request, _ in
            var request = request
            let body = try JSON.decode(AdvanceBody.self, from: try await request.bodyBytes())
            guard body.seconds.isFinite, body.seconds >= 0, body.seconds <= 10 * 365 * 86_400 else {
                throw GatewayError(.clockCannotRewind, "seconds must be between 0 and ten years.")
            }
            _ = try await gateway.advanceClock(by: body.seconds)
            return try clockReply()
        }
        sim.post("reset") { _, _ in
            try await gateway.reset()
            return try clockReply()
        }
        sim.get("credentials") { _, _ in
            try Reply(
                encoding: CredentialsView(
                    platforms: gateway.catalog.platforms.map {
                        .init(platformId: $0.id, secret: $0.partnerSecret, webhookSecret: StandardWebhooks.secret(for: $0))
                    },
                    providers: gateway.catalog.providers.map { .init(providerId: $0.id, clientCode: $0.clientCode, signKey: $0.signKey) }
                )
            )
        }
        sim.get("audit") { _, _ in try Reply(encoding: try await gateway.store.audit()) }

        for channel in OutboxMessage.Channel.allCases {
            sim.get("outbox/\(channel.rawValue)") { request, _ in
                let q = request.uri.queryParameters
                let recipient = q["recipient"].map(String.init)
                let (_, limit) = try Paging.read(request)
                var after: Int64 = 0
                if let raw = q["after"] {
                    guard let n = Int64(String(raw)), n >= 0 else { throw GatewayError.field("after", "must be a non-negative integer") }
                    after = n
                }
                let messages = try await gateway.store.outbox(channel: channel, recipient: recipient, afterID: after, limit: limit)
                return try Reply(encoding: messages.map { MessageView($0) })
            }
        }

        sim.get("participants") { request, _ in
            let (offset, limit) = try Paging.read(request)
            let items = try await gateway.store.participants(offset: offset, limit: limit)
            return try Reply(encoding: Page(total: try await gateway.store.participantCount(), offset: offset, limit: limit, items: items))
        }
        sim.post("participants") { request, _ in
            var request = request
            let raw = try await request.bodyBytes()
            let draft = raw.isEmpty ? ParticipantDraft() : try JSON.decode(ParticipantDraft.self, from: raw)
            return try Reply(status: .created, encoding: try await gateway.createParticipant(draft))
        }
        sim.post("participants/batch") { request, _ in
            var request = request
            let body = try JSON.decode(BatchBody.self, from: try await request.bodyBytes())
            let made = try await gateway.createParticipants(count: body.count, ParticipantDraft(wave: body.wave, videosWatched: body.videosWatched, acceptedDaysAgo: body.acceptedDaysAgo))
            return try Reply(status: .created, encoding: BatchView(count: made.count, participants: made.map { .init(cardNumber: $0.cardNumber, phone: $0.phone, email: $0.email, balance: $0.balance) }))
        }
        sim.get("storefronts") { _, _ in try Reply(encoding: storefronts.entries) }
        sim.get("participants/:card") { _, context in
            try Reply(encoding: try await gateway.participant(card: try context.parameters.require("card")))
        }
        sim.post("participants/:card/videos") { request, context in
            var request = request
            let body = try JSON.decode(CountBody.self, from: try await request.bodyBytes())
            return try Reply(encoding: try await gateway.watchVideos(card: try context.parameters.require("card"), count: body.count))
        }
        sim.post("participants/:card/revoke") { _, context in
            try Reply(encoding: try await gateway.revoke(card: try context.parameters.require("card")))
        }
        sim.get("participants/:card/ledger") { _, context in
            guard let p = try await gateway.store.participant(card: try context.parameters.require("card")) else { throw GatewayError(.unknownCard) }
            let entries = try await gateway.store.ledger(participantID: p.id)
            return try Reply(encoding: entries.map { LedgerView(chargeId: $0.chargeID, kind: $0.kind.rawValue, amount: $0.amount, balanceAfter: $0.balanceAfter, at: $0.at) })
        }
        sim.get("participants/:card/vouchers") { _, context in
            guard let p = try await gateway.store.participant(card: try context.parameters.require("card")) else { throw GatewayError(.unknownCard) }
            return try Reply(encoding: try await gateway.store.vouchers(participantID: p.id).map(VoucherView.init))
        }

        sim.get("charges/:id") { _, context in
            let id = try context.parameters.require("id")
            let (charge, voucher) = try await gateway.charge(platform: nil, id: id)
            let events = try await gateway.store.chargeEvents(chargeID: id).map { EventView($0) }
            return try Reply(encoding: SimChargeView(charge: ChargeView(charge, voucher: voucher, policy: policy), otp: charge.otp, events: events))
        }
        sim.get("charges/:id/timeline") { _, context in
            let id = try context.parameters.require("id")
            let (charge, voucher) = try await gateway.charge(platform: nil, id: id)
            let events = try await gateway.store.chargeEvents(chargeID: id).map { EventView($0) }
            var deliveries: [DeliveryView] = []
            for d in try await gateway.store.deliveries(chargeID: id) {
                deliveries.append(DeliveryView(d, attempts: try await gateway.store.deliveryAttempts(deliveryID: d.id)))
            }
            return try Reply(encoding: TimelineView(charge: ChargeView(charge, voucher: voucher, policy: policy), events: events, deliveries: deliveries))
        }
        DeliveryRoutes(gateway: gateway).register(on: sim)
        sim.get("vouchers/:code") { _, context in
            guard let v = try await gateway.store.voucher(.code(try context.parameters.require("code"))) else { throw GatewayError(.unknownVoucher) }
            return try Reply(encoding: VoucherView(v))
        }
        sim.post("vouchers/:code/complete") { _, context in
            try Reply(encoding: VoucherView(try await gateway.completeTraining(voucherCode: try context.parameters.require("code"))))
        }
        sim.post("vouchers/:code/rate") { request, context in
            var request = request
            let body = try JSON.decode(RatingBody.self, from: try await request.bodyBytes())
            return try Reply(encoding: VoucherView(try await gateway.rateTraining(voucherCode: try context.parameters.require("code"), rating: body.rating)))
        }
        sim.post("vouchers/:code/cancel") { request, context in
            var request = request
            let body = try JSON.decode(CancelBody.self, from: try await request.bodyBytes())
            guard body.scope == "voucher" || body.scope == "transaction" else {
                throw GatewayError.field("scope", "must be voucher or transaction")
            }
            let v = try await gateway.cancelVoucher(voucherCode: try context.parameters.require("code"), transaction: body.scope == "transaction")
            return try Reply(encoding: VoucherView(v))
        }
    }

    private func clockReply() throws -> Reply {
        try Reply(encoding: ClockView(now: gateway.clock.now(), offsetSeconds: gateway.clock.currentOffset, rules: gateway.rules.name.rawValue))
    }
}
