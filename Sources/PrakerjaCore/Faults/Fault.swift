/// A failure the simulator can inject, by name (`email.lost`), as in `serve --faults 'email.lost=0.02'`.
public enum Fault: String, Codable, Sendable, CaseIterable {
    /// The voucher e-mail never arrives (its delivery reports success).
    case emailLost = "email.lost"
    /// The voucher e-mail arrives late (``FaultPlan/emailDelay`` of business time).
    case emailDelayed = "email.delayed"
    /// The voucher e-mail arrives twice.
    case emailDuplicated = "email.duplicated"
    /// The voucher e-mail goes to an address the participant no longer uses.
    case emailStaleAddress = "email.stale_address"
    /// A webhook attempt is answered 503 without reaching the platform.
    case webhookServerError = "webhook.5xx"
    /// A webhook attempt times out without reaching the platform.
    case webhookTimeout = "webhook.timeout"
    /// A webhook reaches the platform but the connection is reset before its answer: the gateway retries,
    /// and the platform gets the same event twice.
    case webhookReset = "webhook.reset"
    /// A delivered webhook is sent once more.
    case webhookDuplicated = "webhook.duplicated"
    /// The gateway "crashes" after the debit committed and before the voucher was issued: debited, no voucher,
    /// until reconciliation repairs it.
    case crashBeforeVoucher = "gateway.crash_before_voucher"
    /// The OTP SMS arrives after the OTP expired (held back for its validity plus a minute).
    case otpLate = "otp.late"
    /// The charge's webhooks arrive out of order: `voucher.issued` before `charge.paid`.
    case webhookReordered = "webhook.reordered"
    /// The platform's view of the charge (the partner API) shows the voucher only ``FaultPlan/pageLag`` after
    /// payment: the transaction page lags behind.
    case pageLag = "page.lag"

    /// Faults that act on one delivery channel's attempts.
    public var isEmail: Bool { rawValue.hasPrefix("email.") }
    public var isWebhook: Bool { rawValue.hasPrefix("webhook.") }
}
