import AsyncHTTPClient
import Foundation
import Logging
import PrakerjaClient
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaSQLite
import Synchronization

/// Runs a ``Scenario`` on one platform, in process: a fresh gateway on a temporary SQLite file with business
/// time frozen at the seed article's week (it moves only when a step advances it), the platform's storefront
/// on a free loopback port, and the buyer driving it through the platform's adapter. Nothing waits on the
/// wall clock; the result is a ``Trace`` that is the same, byte for byte, for the same scenario, platform,
/// seed and retry schedule.
public struct ScenarioRunner: Sendable {
    public let catalog: Catalog
    public let http: any HTTPTransport
    public let logger: Logger

    public init(catalog: Catalog, http: any HTTPTransport, logger: Logger) {
        self.catalog = catalog
        self.http = http
        self.logger = logger
    }

    public func run(_ scenario: Scenario, platform: String, seed: UInt64, schedule: RetrySchedule = .xendit) async throws -> Trace {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prakerja-scenario-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let clock = VirtualClock(base: ManualTimeSource(Gateway.defaultStartTime))
        var configuration = Gateway.Configuration(seed: seed, participants: 0, startTime: Gateway.defaultStartTime)
        configuration.retrySchedule = schedule
        var probabilities: [Fault: Double] = [:]
        for (name, p) in scenario.faults ?? [:] {
            guard let fault = Fault(rawValue: name) else { throw GatewayError.field("faults", "unknown fault \(name)") }
            probabilities[fault] = p
        }
        configuration.faults = FaultPlan(probabilities: probabilities, seed: seed)
        let receiver = ScenarioReceiver(scenario.receiver, clock: clock, forward: HTTPWebhookTransport(http: http))
        let gateway = Gateway(
            catalog: catalog, store: try SQLiteStore(path: dir.appendingPathComponent("gateway.sqlite").path), clock: clock,
            configuration: configuration, webhookTransport: receiver
        )
        try await gateway.start()
        // A platform that takes webhooks gets them at its storefront (SimulationServices subscribes it); another
        // platform gets them at a stand-in endpoint when the scenario gives it a receiver.
        if scenario.receiver != nil, PlatformRegistry.dialect(platform)?.delivery != .webhook {
            _ = try await gateway.setWebhookEndpoint(platformID: platform, url: ScenarioReceiver.standIn + "\(platform)/webhooks")
        }
        let result = Mutex<Trace?>(nil)
        let services = SimulationServices(platforms: [platform], logger: logger, deliverInBackground: false)
        let (catalog, http) = (catalog, http)
        try await services.run(
            gateway: gateway, storefrontStore: try SQLiteStorefrontStore(path: dir.appendingPathComponent("storefronts.sqlite").path), http: http,
            stopAfterReady: true
        ) { running in
            guard let endpoint = running.storefront(platform) else { throw GatewayError(.unknownPlatformID) }
            let adapter = try PlatformRegistry.adapter(platform, http: http, baseURL: endpoint.baseURL, catalog: catalog)
            var play = Play(scenario: scenario, gateway: gateway, adapter: adapter, receiver: receiver)
            try await play.setUp()
            for step in scenario.steps { try await play.perform(step) }
            let trace = try await play.trace(platform: platform, seed: seed, schedule: schedule)
            result.withLock { $0 = trace }
        }
        guard let trace = result.withLock({ $0 }) else { throw CancellationError() }
        return trace
    }
}

/// One run's state: the participant, their account and orders, what each step got.
private struct Play {
    let scenario: Scenario
    let gateway: Gateway
    let adapter: any PlatformAdapter
    let receiver: ScenarioReceiver
    var participant: Participant!
    var account: BuyerAccount?
    var orders: [BuyerOrder] = []
    var lastOTP: String?
    var steps: [Trace.Step] = []

    init(scenario: Scenario, gateway: Gateway, adapter: any PlatformAdapter, receiver: ScenarioReceiver) {
        self.scenario = scenario
        self.gateway = gateway
        self.adapter = adapter
        self.receiver = receiver
    }

    var now: String { Timestamps.iso8601(gateway.clock.now()) }

    mutating func setUp() async throws {
        let card = scenario.cardSuffix.map { "500000000000" + $0 }
        participant = try await gateway.createParticipant(ParticipantDraft(cardNumber: card, videosWatched: 3))
        account = try await adapter.signIn(username: "buyer-\(participant.cardNumber.suffix(4))", cardNumber: participant.cardNumber)
    }

    mutating func perform(_ step: Scenario.Step) async throws {
        let at = now
        let outcome: String
        switch step {
        case .buy: outcome = await buy()
        case .confirmAgain:
            if let order = orders.last, let otp = lastOTP, let account {
                outcome = await describe { try await adapter.confirmOTP(account: account, orderID: order.id, otp: otp, idempotencyKey: "pay-\(order.id)") }
            } else {
                outcome = "nothing to confirm"
            }
        case .confirm:
            let sms = try await gateway.store.outbox(channel: .sms, recipient: participant.phone, afterID: 0, limit: 1000)
            if let order = orders.last, let account, let otp = sms.last.flatMap({ GatewayAPI.otp(in: $0.body) }) {
                lastOTP = otp
                let key = "pay-\(order.id)-\(steps.count)"
                outcome = await describe { try await adapter.confirmOTP(account: account, orderID: order.id, otp: otp, idempotencyKey: key) }
                try await gateway.delivery.runDue()
            } else {
                outcome = "no OTP to confirm with"
            }
        case .resendOTP:
            if let order = orders.last, let account {
                outcome = await describe { try await adapter.resendOTP(account: account, orderID: order.id) }
            } else {
                outcome = "no order"
            }
        case .page:
            if let order = orders.first, let account {
                outcome = await attempt { "voucher \(try await adapter.voucher(account: account, orderID: order.id).displayCode)" }
            } else {
                outcome = "no order"
            }
        case .exhaustOTPs: outcome = await exhaustOTPs()
        case .redeem(let which): outcome = try await redeem(which)
        case .advance(let seconds):
            _ = try await gateway.advanceClock(by: seconds)
            outcome = "business time \(now)"
        case .resend(let channel):
            let ids = try await chargeIDs().asyncFlatMap { try await gateway.store.deliveries(chargeID: $0) }.filter { $0.channel == channel }.map(\.id)
            let again = try await gateway.redeliver(ids: ids, createdIn: nil, statuses: [.delivered, .exhausted], platformID: nil)
            try await gateway.delivery.runDue()
            outcome = "resent \(again.count) \(channel.rawValue) deliver\(again.count == 1 ? "y" : "ies")"
        }
        steps.append(Trace.Step(step: step.name, at: at, outcome: outcome))
    }

    /// Order the cheapest self-paced course, request the OTP, read it from the SMS, confirm; then the
    /// deliveries due now are made, as the delivery worker would.
    private mutating func buy() async -> String {
        guard let account else { return "not signed in" }
        do {
            let courses = try await adapter.courses(type: .selfPaced, limit: 100)
            guard let course = courses.filter({ $0.price <= participant.balance }).min(by: { ($0.price, $0.id) < ($1.price, $1.id) }) else {
                return "no affordable course"
            }
            let order = try await adapter.placeOrder(account: account, courseID: course.id)
            orders.append(order)
            _ = try await adapter.requestOTP(account: account, orderID: order.id)
            let sms = try await gateway.store.outbox(channel: .sms, recipient: participant.phone, afterID: 0, limit: 1000)
            guard let otp = sms.last.flatMap({ GatewayAPI.otp(in: $0.body) }) else { return "no OTP arrived" }
            lastOTP = otp
            let paid = try await adapter.confirmOTP(account: account, orderID: order.id, otp: otp, idempotencyKey: "pay-\(order.id)")
            try await gateway.delivery.runDue()
            return Self.describe(paid)
        } catch let error as BuyerError {
            try? await gateway.delivery.runDue()
            return "refused \(error.kind.rawValue)"
        } catch {
            return "failed: \(error)"
        }
    }

    private mutating func exhaustOTPs() async -> String {
        guard let account else { return "not signed in" }
        var sent = 0
        for _ in 0..<10 {
            do {
                let course = try await adapter.courses(type: .selfPaced, limit: 1)[0]
                let order = try await adapter.placeOrder(account: account, courseID: course.id)
                orders.append(order)
                _ = try await adapter.requestOTP(account: account, orderID: order.id)
                sent += 1
            } catch let error as BuyerError {
                return "\(sent) OTPs sent, then refused \(error.kind.rawValue)"
            } catch {
                return "failed: \(error)"
            }
        }
        return "\(sent) OTPs sent, never refused"
    }

    private func redeem(_ which: String) async throws -> String {
        guard let voucher = try await gateway.store.vouchers(participantID: participant.id).first else { return "no voucher to redeem" }
        let own = gateway.catalog.provider(voucher.providerID)
        let provider = which == "other" ? gateway.catalog.providers.first { $0.id != voucher.providerID } : own
        guard let provider else { return "no provider" }
        do {
            let status = try await gateway.redeemCommit(provider: provider, redeemCode: voucher.redeemCode, sequence: 1)
            return "committed at \(provider.id), sequence \(status.sequence)"
        } catch let error as RedeemError {
            return "refused at \(provider.id): \(error.reason.rawValue)"
        }
    }

    private func describe(_ work: () async throws -> BuyerOrder) async -> String {
        do { return Self.describe(try await work()) } catch let error as BuyerError { return "refused \(error.kind.rawValue)" } catch { return "failed: \(error)" }
    }

    private func attempt(_ work: () async throws -> String) async -> String {
        do { return try await work() } catch let error as BuyerError { return "refused \(error.kind.rawValue)" } catch { return "failed: \(error)" }
    }

    static func describe(_ order: BuyerOrder) -> String {
        "\(order.status.rawValue)" + (order.voucher.map { ", voucher \($0.displayCode)" } ?? (order.status == .paid ? ", no voucher yet" : ""))
    }

    /// The participant's charges, in the order they were created (from the OTP texts).
    func chargeIDs() async throws -> [String] {
        var ids: [String] = []
        for m in try await gateway.store.outbox(channel: .sms, recipient: participant.phone, afterID: 0, limit: 1000) {
            if let id = m.chargeID, !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    func trace(platform: String, seed: UInt64, schedule: RetrySchedule) async throws -> Trace {
        let store = gateway.store
        var entries: [(Date, Int, Trace.Entry)] = []
        func add(_ at: Date, _ rank: Int, _ lane: String, _ kind: String, _ detail: String) {
            entries.append((at, rank, Trace.Entry(at: Timestamps.iso8601(at), lane: lane, kind: kind, detail: detail)))
        }
        let charges = try await chargeIDs()
        var firstCharge: Charge?
        var issuedWebhook: Delivery?
        for id in charges {
            let charge = try await store.charge(id: id)
            if firstCharge == nil { firstCharge = charge }
            for e in try await store.chargeEvents(chargeID: id) {
                let lane =
                    e.kind == "fault" ? "fault"
                    : e.kind.contains("email") ? "e-mail"
                    : e.kind.contains("webhook") || e.kind.hasPrefix("voucher.delivery") ? "webhook"
                    : e.kind.hasPrefix("redeem") ? "provider" : "gateway"
                add(e.at, 1, lane, e.kind, e.detail)
            }
            for d in try await store.deliveries(chargeID: id) {
                if d.channel == .webhook, d.eventType == .voucherIssued, id == charges.first { issuedWebhook = d }
                for a in try await store.deliveryAttempts(deliveryID: d.id) {
                    let next = a.nextAttemptAt.map { "; next \(Timestamps.iso8601($0))" } ?? ""
                    add(a.at, 2, d.channel == .email ? "e-mail" : d.channel.rawValue, "attempt \(a.number) \(a.result.rawValue)", "\(d.eventType.rawValue) \(d.eventID): \(a.detail)\(next)")
                }
            }
        }
        for r in receiver.requests { add(r.at, 3, "platform", "webhook received", "\(r.type) \(r.eventID), answered \(r.status)") }
        for m in try await store.outbox(channel: .email, recipient: nil, afterID: 0, limit: 1000) where m.participantID == participant.id {
            add(m.createdAt, 4, "participant", m.recipient == participant.email ? "e-mail arrives" : "e-mail misaddressed", "to \(m.recipient): \(m.subject)")
        }
        let ordered = entries.enumerated().sorted { ($0.element.0, $0.element.1, $0.offset) < ($1.element.0, $1.element.1, $1.offset) }.map(\.element.2)

        // The expectations.
        var unmet: [String] = []
        let e = scenario.expect
        func check<T: Equatable>(_ what: String, _ expected: T?, _ actual: T) {
            if let expected, expected != actual { unmet.append("\(what): expected \(expected), got \(actual)") }
        }
        check("audit ok", e.auditOK, try await store.audit().ok)
        check("charge status", e.chargeStatus, firstCharge?.status.rawValue ?? "none")
        check("vouchers", e.vouchers, try await store.vouchers(participantID: participant.id).count)
        let mails = try await store.outbox(channel: .email, recipient: nil, afterID: 0, limit: 1000).filter { $0.participantID == participant.id }
        check("e-mails to the participant", e.emailsToParticipant, mails.filter { $0.recipient == participant.email }.count)
        check("e-mails elsewhere", e.emailsElsewhere, mails.filter { $0.recipient != participant.email }.count)
        if let expected = e.voucherOnPage, let order = orders.first, let account {
            let shown = (try? await adapter.voucher(account: account, orderID: order.id)) != nil
            check("voucher on the page", expected, shown)
        }
        let issued = receiver.requests.filter { $0.type == WebhookEvent.Kind.voucherIssued.rawValue }
        check("voucher.issued events accepted", e.webhookEvents, Set(issued.filter { (200..<300).contains($0.status) }.map(\.eventID)).count)
        check("voucher.issued requests", e.webhookRequests, issued.count)
        check("voucher.issued delivery status", e.webhookStatus, issuedWebhook?.status.rawValue ?? "none")
        var order: [String] = []
        for r in receiver.requests where (200..<300).contains(r.status) && !order.contains(r.type) { order.append(r.type) }
        check("order of accepted events", e.webhookOrder, order)
        var remaining = steps.map(\.outcome)[...]
        for wanted in e.outcomes ?? [] {
            let matches = { (outcome: String) in
                outcome == wanted || outcome.hasPrefix(wanted + ",") || outcome.hasPrefix(wanted + " ") || outcome.hasSuffix(": " + wanted)
            }
            if let i = remaining.firstIndex(where: matches) { remaining = remaining[(i + 1)...] } else { unmet.append("no step outcome \"\(wanted)\" (in order)") }
        }
        for kind in e.timeline ?? [] where !ordered.contains(where: { $0.kind == kind }) { unmet.append("no \"\(kind)\" on the timeline") }
        return Trace(
            scenario: scenario.name, platform: platform, seed: seed, retrySchedule: schedule.description, steps: steps, timeline: ordered, unmet: unmet
        )
    }
}

extension Array {
    func asyncFlatMap<T>(_ transform: (Element) async throws -> [T]) async rethrows -> [T] {
        var all: [T] = []
        for element in self { all += try await transform(element) }
        return all
    }
}
