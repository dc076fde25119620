import Foundation

/// The mock Prakerja gateway: the programme's rules over a store, driven by business time.
/// Transports (HTTP today) call these methods; they hold no rules of their own.
public struct Gateway: Sendable {
    public struct Configuration: Sendable {
        public var rules: RulesProfile
        public var policy: PaymentPolicy
        /// Seeds the participant population and every OTP, code and id the gateway draws.
        public var seed: UInt64
        /// Participants created when the store is empty (and again on reset).
        public var participants: Int
        /// Business time when a fresh store starts (the default is the week of the seed article).
        public var startTime: Date
        /// When failed deliveries are tried again.
        public var retrySchedule: RetrySchedule = .xendit
        /// Injected failures; magic card numbers fire theirs whatever the plan.
        public var faults: FaultPlan = .none
        /// How long a charge may stay debited without a voucher before reconciliation repairs it (business time).
        public var reconcileAfter: TimeInterval = 15 * 60
        /// Delivery attempts made at once when several are due. 1 (the default) makes them one at a time in due
        /// order, which `reproduce` and `replay` rely on; `serve` makes up to 16 at once so that a slow receiver
        /// does not hold the others up.
        public var deliveryParallelism: Int = 1

        public init(
            rules: RulesProfile = .y2021, policy: PaymentPolicy = PaymentPolicy(), seed: UInt64 = 21, participants: Int = 1000,
            startTime: Date = Gateway.defaultStartTime
        ) {
            self.rules = rules
            self.policy = policy
            self.seed = seed
            self.participants = participants
            self.startTime = startTime
        }
    }

    /// 2021-10-15T08:00:00+07:00, a week before wave 21's first-purchase deadline.
    public static let defaultStartTime = Date(timeIntervalSince1970: 1_634_259_600)

    public let catalog: Catalog
    public let configuration: Configuration
    public let store: any GatewayStore
    /// Business time. Flows with its base and jumps forward when advanced.
    public let clock: VirtualClock
    public let purchases: PurchaseFlow
    public let training: TrainingFlow
    /// Delivers what payments and refunds queued: the voucher e-mail, webhooks.
    public let delivery: DeliveryEngine
    /// Derives every id, OTP and code from the seed and the entity's key.
    public let entropy: EntropySource

    public var rules: RulesProfile { configuration.rules }

    /// `webhookTransport` sends webhooks (none by default); `wallClock` is real time, for their signatures; `mailer`,
    /// when given, also sends the voucher e-mails to a real mail system.
    public init(
        catalog: Catalog, store: any GatewayStore, clock: VirtualClock, configuration: Configuration = Configuration(),
        webhookTransport: any WebhookTransport = NoWebhookTransport(), wallClock: any TimeSource = SystemTimeSource(),
        mailer: (any EmailTransport)? = nil
    ) {
        self.catalog = catalog
        self.store = store
        self.clock = clock
        self.configuration = configuration
        self.entropy = EntropySource(seed: configuration.seed)
        self.purchases = PurchaseFlow(
            catalog: catalog, rules: configuration.rules, policy: configuration.policy, entropy: entropy, schedule: configuration.retrySchedule,
            faults: configuration.faults
        )
        self.training = TrainingFlow(catalog: catalog, rules: configuration.rules, delivery: purchases.delivery)
        self.delivery = DeliveryEngine(
            store: store, clock: clock, flow: purchases.delivery, catalog: catalog, transport: webhookTransport, wallClock: wallClock,
            faults: configuration.faults, mailer: mailer, parallelism: configuration.deliveryParallelism
        )
    }

    /// Restores the persisted clock (or starts it at `startTime`) and seeds the population into an empty store.
    public func start() async throws {
        if let offset = try await store.clockOffset() {
            clock.setOffset(offset)
        } else {
            // In one step, so nothing running meanwhile ever reads the clock at the base's own time.
            clock.setOffset(configuration.startTime.timeIntervalSince(clock.now() - clock.currentOffset))
            try await store.saveClockOffset(clock.currentOffset)
        }
        let (factory, entropy, now) = (ParticipantFactory(rules: rules), entropy, clock.now())
        _ = try await store.insertParticipants(count: configuration.participants, onlyIntoEmptyStore: true) {
            factory.populationMember($0, entropy: entropy, now: now)
        }
    }

    /// With a store several gateway processes share, business time lives in the store: another process may
    /// have advanced it. Reads it (time only moves forward). Nothing to do for a store this process owns.
    public func syncClock() async throws {
        guard store.isShared, let offset = try await store.clockOffset() else { return }
        clock.raiseOffset(to: offset)
    }

    // MARK: Partner payment API

    public func createCharge(platform: Platform, request: ChargeRequest) async throws -> Charge {
        try await createCharge(platform: platform, request: request, idempotency: nil).ranOutcome
    }

    /// Creates a charge; under an idempotency claim the key is checked and kept in the same transaction.
    public func createCharge(platform: Platform, request: ChargeRequest, idempotency: IdempotencyClaim<Charge>?) async throws -> Idempotent<Charge> {
        _ = try purchases.course(for: request, platformID: platform.id)
        let flow = purchases
        return try await store.withParticipant(
            card: request.cardNumber, binding: (platform.id, request.accountID), now: clock.now(), idempotency: idempotency
        ) { ws in
            try flow.create(&ws, request: request, platformID: platform.id)
        }
    }

    public func resendOTP(platform: Platform, chargeID: String) async throws -> Charge {
        try await resendOTP(platform: platform, chargeID: chargeID, idempotency: nil).ranOutcome
    }

    public func resendOTP(platform: Platform, chargeID: String, idempotency: IdempotencyClaim<Charge>?) async throws -> Idempotent<Charge> {
        let flow = purchases
        return try await store.withCharge(id: chargeID, now: clock.now(), idempotency: idempotency) { ws in
            guard ws.charge?.platformID == platform.id else { throw GatewayError(.unknownCharge) }
            return try flow.resendOTP(&ws)
        }
    }

    public func confirmCharge(platform: Platform, chargeID: String, otp: String) async throws -> (Charge, Voucher?) {
        try await confirmCharge(platform: platform, chargeID: chargeID, otp: otp, idempotency: nil).ranOutcome
    }

    /// Pays a charge with its OTP. A refusal that changed state (a wrong OTP counted) is committed — with
    /// the key's kept response under a claim — and then thrown.
    public func confirmCharge(
        platform: Platform, chargeID: String, otp: String, idempotency: IdempotencyClaim<(Charge, Voucher?)>?
    ) async throws -> Idempotent<(Charge, Voucher?)> {
        try purchases.validateOTP(otp)
        let flow = purchases
        let outcome = try await store.withCharge(id: chargeID, now: clock.now(), idempotency: idempotency?.pulledBack { $0 }) { ws in
            guard ws.charge?.platformID == platform.id else { throw GatewayError(.unknownCharge) }
            // The platform sees the voucher once its page caught up (`page.lag`), in the kept response too.
            return try flow.confirm(&ws, otp: otp).map { ($0, $0.showsVoucher(at: ws.now) ? ws.voucher : nil) }
        }
        await delivery.wake()
        switch outcome {
        case .ran(let result, let kept): return .ran(try result.get(), kept: kept)
        case .replay(let response): return .replay(response)
        }
    }

    /// A charge as the platform sees it (a pending charge past its window is expired first).
    public func charge(platform: Platform?, id: String) async throws -> (Charge, Voucher?) {
        guard var charge = try await store.charge(id: id), platform == nil || charge.platformID == platform?.id else {
            throw GatewayError(.unknownCharge)
        }
        if charge.status == .pending, clock.now() >= charge.expiresAt {
            let flow = purchases
            charge = try await store.withCharge(id: id, now: clock.now()) { ws in
                _ = flow.expireIfDue(&ws)
                return ws.charge!
            }
            await delivery.wake()
        }
        var voucher: Voucher?
        // A platform sees the voucher once its page has caught up (`page.lag`); the simulation API always does.
        if let code = charge.voucherCode, platform == nil || charge.showsVoucher(at: clock.now()) { voucher = try await store.voucher(.code(code)) }
        return (charge, voucher)
    }

    // MARK: Redeem-code API

    public func redeemStatus(provider: Provider, redeemCode: String, sequence: Int) async throws -> RedeemStatus {
        guard let voucher = try await store.voucher(.redeemCode(redeemCode)) else { throw RedeemError(.notFound) }
        return try training.status(voucher: voucher, provider: provider, sequence: sequence)
    }

    public func redeemCommit(provider: Provider, redeemCode: String, sequence: Int) async throws -> RedeemStatus {
        let flow = training
        let status = try await store.withVoucher(.redeemCode(redeemCode), now: clock.now()) { ws in
            guard ws != nil else { throw RedeemError(.notFound) }
            return try flow.commit(&ws!, provider: provider, sequence: sequence)
        }
        await delivery.wake()
        return status
    }

    // MARK: Simulation

    public func createParticipant(_ draft: ParticipantDraft) async throws -> Participant {
        try draft.validate(rules: rules)
        let (factory, entropy, now) = (ParticipantFactory(rules: rules), entropy, clock.now())
        return try await store.insertParticipants(count: 1, onlyIntoEmptyStore: false) { factory.make(draft, number: $0, entropy: entropy, now: now) }[0]
    }

    /// `count` new participants in one transaction, each drawn from the seed with `draft`'s fields (which may
    /// not name a person: no NIK, name, card, phone or e-mail, since those must differ).
    public func createParticipants(count: Int, _ draft: ParticipantDraft) async throws -> [Participant] {
        guard (1...10_000).contains(count) else { throw GatewayError.field("count", "must be from 1 to 10000") }
        for (field, value) in [("nik", draft.nik), ("name", draft.name), ("card_number", draft.cardNumber), ("phone", draft.phone), ("email", draft.email)]
        where value != nil {
            throw GatewayError.field(field, "cannot be given for a batch: each participant needs their own")
        }
        try draft.validate(rules: rules)
        let (factory, entropy, now) = (ParticipantFactory(rules: rules), entropy, clock.now())
        return try await store.insertParticipants(count: count, onlyIntoEmptyStore: false) { factory.make(draft, number: $0, entropy: entropy, now: now) }
    }

    /// A participant as of now (deadline revocations applied and saved).
    public func participant(card: String) async throws -> Participant {
        let rules = rules
        return try await store.withParticipant(card: card, binding: nil, now: clock.now()) { ws in
            Eligibility.applyDeadlines(&ws, rules: rules)
            return ws.participant
        }
    }

    public func watchVideos(card: String, count: Int) async throws -> Participant {
        let flow = training
        return try await store.withParticipant(card: card, binding: nil, now: clock.now()) { ws in
            try flow.watchVideos(&ws, count: count)
            return ws.participant
        }
    }

    public func revoke(card: String) async throws -> Participant {
        try await store.withParticipant(card: card, binding: nil, now: clock.now()) { ws in
            guard ws.participant.status == .active else { return ws.participant }
            ws.participant.status = .revoked
            ws.participant.revokedAt = ws.now
            ws.participant.revocationReason = .manual
            return ws.participant
        }
    }

    public func completeTraining(voucherCode: String) async throws -> Voucher {
        let flow = training
        return try await store.withVoucher(.code(voucherCode), now: clock.now()) { ws in
            guard ws != nil else { throw GatewayError(.unknownVoucher) }
            return try flow.complete(&ws!)
        }
    }

    public func rateTraining(voucherCode: String, rating: Int) async throws -> Voucher {
        guard (1...5).contains(rating) else { throw GatewayError.field("rating", "must be between 1 and 5") }
        let flow = training
        return try await store.withVoucher(.code(voucherCode), now: clock.now()) { ws in
            guard ws != nil else { throw GatewayError(.unknownVoucher) }
            return try flow.rate(&ws!, rating: rating)
        }
    }

    /// Cancels a voucher's redeem code (`transaction: false`) or its whole transaction, refunding once.
    public func cancelVoucher(voucherCode: String, transaction: Bool) async throws -> Voucher {
        let flow = purchases
        let voucher = try await store.withVoucher(.code(voucherCode), now: clock.now()) { ws in
            guard ws != nil else { throw GatewayError(.unknownVoucher) }
            return try flow.cancel(&ws!, transaction: transaction)
        }
        await delivery.wake()
        return voucher
    }

    /// Moves business time forward, making every delivery attempt that falls due on the way at its own
    /// instant, in order, then applies what the new time decides (revocations).
    public func advanceClock(by seconds: TimeInterval) async throws -> Date {
        guard seconds >= 0, seconds.isFinite else { throw GatewayError(.clockCannotRewind) }
        // Every delivery attempt and every repair of a charge debited without a voucher happens at its own instant.
        let (store, after) = (store, configuration.reconcileAfter)
        let gateway = self
        try await delivery.advance(
            to: clock.now() + seconds,
            alsoDue: { target in
                guard let id = try await store.chargesPaidWithoutVoucher(paidBefore: target - after).first else { return nil }
                return try await store.charge(id: id)?.paidAt.map { $0 + after }
            },
            atEachStep: { _ = try await gateway.reconcileWithoutWaking() }
        )
        let now = clock.now()
        let rules = rules
        for card in try await store.overdueParticipantCards(acceptedBefore: now - rules.firstPurchaseWindow) {
            _ = try await store.withParticipant(card: card, binding: nil, now: now) { ws in Eligibility.applyDeadlines(&ws, rules: rules) }
        }
        await delivery.wake()
        return now
    }

    // MARK: Delivery

    /// Sets (or, with nil, removes) a platform's webhook endpoint.
    public func setWebhookEndpoint(platformID: String, url: String?) async throws -> WebhookEndpoint? {
        guard catalog.platform(platformID) != nil else { throw GatewayError(.unknownPlatformID, details: ["platform": platformID]) }
        if let url { try WebhookEndpoint.validate(url) }
        return try await store.setWebhookEndpoint(platformID: platformID, url: url, now: clock.now())
    }

    /// Makes deliveries due again now, by hand, and wakes the engine.
    public func redeliver(ids: [String]?, createdIn: ClosedRange<Date>?, statuses: Set<Delivery.Status>, platformID: String?) async throws -> [Delivery] {
        let again = try await store.redeliver(ids: ids, createdIn: createdIn, statuses: statuses, platformID: platformID, now: clock.now())
        await delivery.wake()
        return again
    }

    /// Repairs every charge debited without a voucher for at least `after` (business time) — the
    /// reconciliation job — with exactly one voucher or one refund each. Idempotent.
    @discardableResult
    public func reconcile(after: TimeInterval? = nil) async throws -> [(chargeID: String, repair: PurchaseFlow.Repair)] {
        let repaired = try await reconcileWithoutWaking(after: after)
        if !repaired.isEmpty { await delivery.wake() }
        return repaired
    }

    func reconcileWithoutWaking(after: TimeInterval? = nil) async throws -> [(chargeID: String, repair: PurchaseFlow.Repair)] {
        let flow = purchases
        var repaired: [(chargeID: String, repair: PurchaseFlow.Repair)] = []
        for id in try await store.chargesPaidWithoutVoucher(paidBefore: clock.now() - (after ?? configuration.reconcileAfter)) {
            if let repair = try await store.withCharge(id: id, now: clock.now(), { ws in flow.reconcile(&ws) }) { repaired.append((id, repair)) }
        }
        return repaired
    }

    /// Empties the store and starts over: clock at `startTime`, the seeded population again.
    public func reset() async throws {
        // Not in the middle of a delivery run or a clock advance, which would carry on in the old world.
        try await delivery.whileIdle {
            try await store.reset()
            try await start()
        }
    }
}

