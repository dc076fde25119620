/// Where a voucher (or another event) is delivered after payment.
public enum DeliveryChannel: String, Codable, Sendable, CaseIterable {
    /// The platform's transaction page (the charge as the partner API shows it).
    case page
    /// The e-mail address the participant registered.
    case email
    /// The platform's callback URL, as a signed Standard Webhooks request.
    case webhook
    /// A text message held back (a late OTP SMS); normally SMS go straight into the outbox.
    case sms
}
