import Foundation

/// The rows one command reads and changes, inside one store transaction.
///
/// A store loads a workspace, hands it to the domain logic (pure, synchronous), then writes back what
/// changed: the participant and the loaded charge and voucher as they now are, plus every record appended.
/// If the logic throws, nothing is written.
public struct Workspace: Sendable {
    public let now: Date
    public var participant: Participant
    public var charge: Charge?
    public var voucher: Voucher?
    /// For charge creation: the card bound to the requested platform account, if any.
    public var accountOwnerCard: String?
    /// For charge creation: the account this card is bound to on the requested platform, if any.
    public var cardAccount: String?
    /// Whether the charge's platform has a webhook endpoint that takes events (loaded with the charge).
    public var webhookSubscribed = false

    public private(set) var chargeIsNew = false
    public private(set) var voucherIsNew = false
    public private(set) var newBinding: AccountBinding?
    public private(set) var ledger: [LedgerEntry] = []
    public private(set) var outbox: [OutboxMessage] = []
    public private(set) var events: [ChargeEvent] = []
    public private(set) var blacklistedNIK: String?
    /// Deliveries queued by this command (the transactional outbox), written in its transaction.
    public private(set) var deliveries: [Delivery] = []

    public init(now: Date, participant: Participant, charge: Charge? = nil, voucher: Voucher? = nil) {
        self.now = now
        self.participant = participant
        self.charge = charge
        self.voucher = voucher
    }

    mutating func insert(_ charge: Charge) {
        self.charge = charge
        chargeIsNew = true
    }

    mutating func insert(_ voucher: Voucher) {
        self.voucher = voucher
        voucherIsNew = true
    }

    mutating func bind(_ binding: AccountBinding) { newBinding = binding }
    mutating func queue(_ delivery: Delivery) { deliveries.append(delivery) }
    mutating func blacklist(_ nik: String) { blacklistedNIK = nik }

    mutating func record(_ kind: String, _ detail: String = "") {
        guard let id = charge?.id else { return }
        events.append(ChargeEvent(chargeID: id, kind: kind, detail: detail, at: now))
    }

    /// Moves balance and books it in the ledger, refusing to go below zero.
    mutating func move(_ kind: LedgerEntry.Kind, _ amount: Rupiah, chargeID: String?) {
        precondition(amount >= 0, "ledger amounts are positive")
        switch kind {
        case .debit, .forfeit:
            precondition(participant.balance >= amount, "balance would go negative")
            participant.balance -= amount
        case .refund:
            participant.balance += amount
        }
        ledger.append(
            LedgerEntry(participantID: participant.id, chargeID: chargeID, kind: kind, amount: amount, balanceAfter: participant.balance, at: now)
        )
    }

    mutating func send(_ channel: OutboxMessage.Channel, subject: String, body: String) {
        let recipient = channel == .sms ? participant.phone : participant.email
        outbox.append(
            OutboxMessage(
                id: nil, channel: channel, participantID: participant.id, recipient: recipient, subject: subject, body: body,
                chargeID: charge?.id, createdAt: now
            )
        )
    }
}
