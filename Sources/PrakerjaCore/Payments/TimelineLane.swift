/// Who acted in a step of a charge's story: the rows of the console's timeline.
public enum TimelineLane: String, Codable, Sendable, CaseIterable {
    /// What reached the participant or what the participant did: the OTP text, finishing and rating the training.
    case participant
    /// What the platform asked of the gateway: the charge, wrong OTPs, resends; and its own view of the charge.
    case platform
    /// What the gateway decided: payment, voucher, expiry, lock, reconciliation, what it queued.
    case gateway
    /// The voucher e-mail on its way.
    case email
    /// Webhooks to the platform on their way.
    case webhook
    /// The training provider: redeem-code commits.
    case provider

    /// The lane of a timeline entry, from its kind (and, for faults and dead letters, from what it names).
    public static func of(_ event: ChargeEvent) -> TimelineLane {
        switch event.kind {
        case "otp_sent", "sms_delivered", "sms_delayed", "sms_failed", "training_completed", "training_rated": return .participant
        case "created", "otp_rejected", "otp_resent": return .platform
        case "voucher_emailed", "email_failed", "email_delayed": return .email
        case "webhook_delivered", "webhook_failed", "webhook_delayed": return .webhook
        case "redeem_committed": return .provider
        case "fault", "voucher.delivery_exhausted", "redelivery_requested":
            // "email.lost: …", "webhook 5xx …", "email voucher.issued dead-lettered …": the channel leads the detail.
            let head = event.detail.prefix { $0 != ":" && $0 != " " }
            if head.hasPrefix("email") { return .email }
            if head.hasPrefix("webhook") { return .webhook }
            if head.hasPrefix("otp") || head.hasPrefix("sms") { return .participant }
            if head.hasPrefix("page") { return .platform }
            return .gateway
        default: return .gateway
        }
    }
}
