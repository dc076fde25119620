import Foundation

/// Where the gateway keeps its state. Every command runs in one transaction through a ``Workspace``;
/// implementations (SQLite now, PostgreSQL later) pass the same conformance suite (`PrakerjaTesting`).
///
/// Commands must be serialised per participant and per idempotency key: the domain reads a participant's
/// counters (its charge counter keys the next charge id) and a key's absence, then writes. SQLite gets this
/// from its single writer; a store that runs writers concurrently must lock the participant row
/// (`SELECT … FOR UPDATE`) and insert the key first (or run serialisable and retry), so that two processes
/// can never both draw the same charge id or both run one key's command.
public protocol GatewayStore: Sendable {
    // MARK: Participants
    /// Inserts `count` participants in one transaction, each made by `make` from the next number of the
    /// store's participant sequence (``ParticipantNumber``): never handed out twice — not after a restart, a
    /// reset, or to a second process on the same database. With `onlyIntoEmptyStore`, inserts nothing (and
    /// returns none) when the store has participants already, decided in the same transaction. Throws
    /// `NIK_BLACKLISTED` or `DUPLICATE_PARTICIPANT` (inserting none and using up no number) if any one cannot
    /// be accepted.
    func insertParticipants(count: Int, onlyIntoEmptyStore: Bool, _ make: @Sendable (ParticipantNumber) -> Participant) async throws -> [Participant]
    func participant(card: String) async throws -> Participant?
    func participants(offset: Int, limit: Int) async throws -> [Participant]
    func participantCount() async throws -> Int
    func isBlacklisted(nik: String) async throws -> Bool

    // MARK: Commands (one transaction each)
    /// Loads the participant with this card (and, if `binding` is given, who is bound to that platform
    /// account and which account this card has there), runs `body`, writes what it changed — and, under
    /// an idempotency claim, checks and keeps the key in the same transaction.
    func withParticipant<T: Sendable>(
        card: String, binding: (platformID: String, accountID: String)?, now: Date, idempotency: IdempotencyClaim<T>?,
        _ body: @Sendable (inout Workspace) throws -> T
    ) async throws -> Idempotent<T>
    /// Loads a charge with its participant and voucher (`UNKNOWN_CHARGE` if there is none), runs `body`,
    /// writes what it changed; under an idempotency claim, in the same transaction as the key.
    func withCharge<T: Sendable>(
        id: String, now: Date, idempotency: IdempotencyClaim<T>?, _ body: @Sendable (inout Workspace) throws -> T
    ) async throws -> Idempotent<T>
    /// Loads a voucher (by voucher code or redeem code) with its charge and participant; nil if there is none.
    func withVoucher<T: Sendable>(_ key: VoucherKey, now: Date, _ body: @Sendable (inout Workspace?) throws -> T) async throws -> T

    // MARK: Reads
    func charge(id: String) async throws -> Charge?
    func chargeEvents(chargeID: String) async throws -> [ChargeEvent]
    func voucher(_ key: VoucherKey) async throws -> Voucher?
    func vouchers(participantID: String) async throws -> [Voucher]
    func ledger(participantID: String) async throws -> [LedgerEntry]
    /// Messages in id order, optionally for one recipient (phone or e-mail), after `afterID`.
    func outbox(channel: OutboxMessage.Channel, recipient: String?, afterID: Int64, limit: Int) async throws -> [OutboxMessage]
    /// Checks every participant's money and every charge's voucher; see ``AuditReport``.
    func audit() async throws -> AuditReport
    /// Messages of both channels, newest first, with the card and voucher each concerns.
    func messages(_ search: MessageSearch) async throws -> [FoundMessage]
    /// Charges, newest first, whose id, platform order id, card number or voucher code is exactly `text`
    /// (the latest ones when nil).
    func charges(matching text: String?, limit: Int) async throws -> [Charge]
    /// Timeline entries of one kind (`fault`, say) across all charges, newest first.
    func events(kind: String, limit: Int) async throws -> [ChargeEvent]
    /// See ``ChangeMark``.
    func changeMark() async throws -> ChangeMark
    func counts() async throws -> SimulationCounts

    // MARK: Idempotency keys
    /// The fingerprint and response kept for a key, if it was used (keys are kept by the commands,
    /// ``IdempotencyClaim``; a kept key never changes).
    func idempotentResponse(platformID: String, key: String) async throws -> (fingerprint: String, response: StoredResponse)?

    // MARK: Delivery (the transactional outbox)
    /// Pending deliveries whose next attempt is due at or before `until`, earliest first (ties in the order
    /// they were queued).
    func dueDeliveries(until: Date, limit: Int) async throws -> [Delivery]
    func delivery(id: String) async throws -> Delivery?
    /// A charge's deliveries, in the order they were queued.
    func deliveries(chargeID: String) async throws -> [Delivery]
    /// Deliveries in `status` (any when nil), optionally of one platform and one channel, newest first.
    func deliveries(status: Delivery.Status?, platformID: String?, channel: DeliveryChannel?, limit: Int) async throws -> [Delivery]
    func deliveryAttempts(deliveryID: String) async throws -> [DeliveryAttempt]
    /// Saves an attempt's outcome — the delivery as it now is, the attempt, the messages it put in the
    /// outbox and the timeline entries — in one transaction, if nobody recorded attempt number
    /// `delivery.attempts` first. Returns false (writing nothing) when somebody did.
    func recordAttempt(_ delivery: Delivery, _ attempt: DeliveryAttempt, outbox: [OutboxMessage], events: [ChargeEvent]) async throws -> Bool
    /// Claims attempt `number` of a due delivery for this process until `until` (real time), so that with several
    /// gateway processes on one store each attempt is made by one of them; a claim of a process that died
    /// expires. False when another process holds a live claim, or the attempt was made already. A store one
    /// process owns needs no claims: it answers true.
    func claimAttempt(deliveryID: String, number: Int, now: Date, until: Date) async throws -> Bool
    /// Makes deliveries due again at `now` (by hand): those in `ids`, or those created within `createdIn` in
    /// `statuses`. Returns the deliveries made due.
    func redeliver(ids: [String]?, createdIn: ClosedRange<Date>?, statuses: Set<Delivery.Status>, platformID: String?, now: Date) async throws -> [Delivery]

    /// Ids of charges debited without a voucher (a crash between the two), paid at or before `paidBefore`.
    func chargesPaidWithoutVoucher(paidBefore: Date) async throws -> [String]

    // MARK: Webhook endpoints
    func webhookEndpoints() async throws -> [WebhookEndpoint]
    /// Sets (or, with nil, removes) a platform's endpoint; a set endpoint is enabled.
    func setWebhookEndpoint(platformID: String, url: String?, now: Date) async throws -> WebhookEndpoint?
    /// Disables a platform's endpoint (it answered 410) until it is set again.
    func disableWebhookEndpoint(platformID: String, now: Date) async throws

    // MARK: Simulation
    /// Ids of active participants who have not bought yet and were accepted before `acceptedBefore`.
    func overdueParticipantCards(acceptedBefore: Date) async throws -> [String]
    func clockOffset() async throws -> TimeInterval?
    func saveClockOffset(_ offset: TimeInterval) async throws
    /// Whether several gateway processes share this store (PostgreSQL): business time then lives in the store
    /// (each process reads it before it serves a request), and so do request nonces (``claimNonce``).
    var isShared: Bool { get }
    /// Records a signed request's nonce for every process sharing the store: false if it was recorded within
    /// `window` before `now` (a replay). Nil from a store one process owns, whose authenticator's memory suffices.
    func claimNonce(platformID: String, nonce: String, now: Date, window: TimeInterval) async throws -> Bool?

    /// Deletes every participant, charge, voucher, message, delivery and key (the clock offset too) and
    /// starts a new epoch, so that what is made next never takes an id the store issued before.
    /// Webhook endpoints, being configuration, stay.
    func reset() async throws
}

extension GatewayStore {
    public var isShared: Bool { false }
    public func claimNonce(platformID: String, nonce: String, now: Date, window: TimeInterval) async throws -> Bool? { nil }
    public func claimAttempt(deliveryID: String, number: Int, now: Date, until: Date) async throws -> Bool { true }

    /// A command without an idempotency key.
    public func withParticipant<T: Sendable>(
        card: String, binding: (platformID: String, accountID: String)?, now: Date, _ body: @Sendable (inout Workspace) throws -> T
    ) async throws -> T {
        try await withParticipant(card: card, binding: binding, now: now, idempotency: nil, body).ranOutcome
    }

    /// A command without an idempotency key.
    public func withCharge<T: Sendable>(id: String, now: Date, _ body: @Sendable (inout Workspace) throws -> T) async throws -> T {
        try await withCharge(id: id, now: now, idempotency: nil, body).ranOutcome
    }
}
