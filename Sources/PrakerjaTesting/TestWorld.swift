import Foundation
import PrakerjaCore

/// A gateway over a given store with frozen business time, plus helpers to act in it.
package struct TestWorld: Sendable {
    package let gateway: Gateway
    /// The base under business time: set or advance it to move time without the simulation API.
    package let base: ManualTimeSource

    /// 2021-10-15T08:00:00+07:00, the gateway's default start.
    package static let start = Gateway.defaultStartTime

    package static let catalog: Catalog = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        do {
            return try CatalogLoader.load(directory: root.appendingPathComponent("mocks"))
        } catch {
            fatalError("the committed catalog does not load: \(error)")
        }
    }()

    package init(
        store: any GatewayStore, rules: RulesProfile = .y2021, policy: PaymentPolicy = PaymentPolicy(), participants: Int = 0, seed: UInt64 = 7,
        webhookTransport: any WebhookTransport = NoWebhookTransport(), retrySchedule: RetrySchedule = .xendit, faults: FaultPlan = .none,
        wallClock: any TimeSource = SystemTimeSource(), mailer: (any EmailTransport)? = nil
    ) async throws {
        base = ManualTimeSource(Self.start)
        var configuration = Gateway.Configuration(rules: rules, policy: policy, seed: seed, participants: participants, startTime: Self.start)
        configuration.retrySchedule = retrySchedule
        configuration.faults = faults
        gateway = Gateway(catalog: Self.catalog, store: store, clock: VirtualClock(base: base), configuration: configuration, webhookTransport: webhookTransport, wallClock: wallClock,
            mailer: mailer
        )
        try await gateway.start()
    }

    package var catalog: Catalog { gateway.catalog }
    package func platform(_ id: String = "tokopedia") -> Platform { catalog.platform(id)! }

    /// A participant accepted now who has watched the guidance videos (unless told otherwise).
    package func participant(videos: Int = 3, acceptedDaysAgo: Int = 0) async throws -> Participant {
        try await gateway.createParticipant(ParticipantDraft(videosWatched: videos, acceptedDaysAgo: acceptedDaysAgo))
    }

    /// Courses sold on `platform`, cheapest first, optionally of one type.
    package func courses(on platform: String = "tokopedia", type: CourseType? = .selfPaced) -> [Course] {
        catalog.courses(platform: platform, type: type).sorted { ($0.price, $0.id) < ($1.price, $1.id) }
    }

    package func request(_ p: Participant, course: Course, order: String = UUID().uuidString, account: String? = nil) -> ChargeRequest {
        ChargeRequest(cardNumber: p.cardNumber, courseID: course.id, platformOrderID: order, accountID: account ?? "acct-\(p.cardNumber)")
    }

    /// Creates and pays a charge; returns the paid charge and its voucher.
    package func buy(_ p: Participant, course: Course, platform: String = "tokopedia") async throws -> (Charge, Voucher) {
        let charge = try await gateway.createCharge(platform: self.platform(platform), request: request(p, course: course))
        let (paid, voucher) = try await gateway.confirmCharge(platform: self.platform(platform), chargeID: charge.id, otp: try await otp(charge))
        guard let voucher else { throw TestFailure("paid charge \(paid.id) has no voucher") }
        return (paid, voucher)
    }

    /// The OTP for a charge, read from the SMS outbox as a participant would.
    package func otp(_ charge: Charge) async throws -> String {
        let messages = try await gateway.store.outbox(channel: .sms, recipient: nil, afterID: 0, limit: 100_000)
        guard let sms = messages.last(where: { $0.chargeID == charge.id }),
            let range = sms.body.range(of: #"\b\d{6}\b"#, options: .regularExpression)
        else { throw TestFailure("no OTP SMS for \(charge.id)") }
        return String(sms.body[range])
    }

    /// Redeems, completes and rates a voucher, freeing the participant to buy again.
    package func finish(_ voucher: Voucher) async throws {
        let provider = catalog.provider(voucher.providerID)!
        _ = try await gateway.redeemCommit(provider: provider, redeemCode: voucher.redeemCode, sequence: 1)
        _ = try await gateway.completeTraining(voucherCode: voucher.code)
        _ = try await gateway.rateTraining(voucherCode: voucher.code, rating: 5)
    }

    package func advance(days: Double) { base.advance(by: days * 86_400) }
}

/// Runs a throwing call and returns the `GatewayError` code it threw (nil if it did not throw one).
package func gatewayErrorCode(_ body: () async throws -> some Any) async -> GatewayError.Code? {
    do {
        _ = try await body()
        return nil
    } catch let error as GatewayError {
        return error.code
    } catch {
        return nil
    }
}
