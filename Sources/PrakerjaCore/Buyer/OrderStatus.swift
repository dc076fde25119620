import Foundation

/// An order's state on the transaction page.
public enum OrderStatus: String, Sendable, Codable, CaseIterable {
    /// Placed, payment not started.
    case created
    /// An OTP was sent; waiting for the buyer to confirm.
    case awaitingOTP = "awaiting_otp"
    /// Paid; the voucher may still be on its way (platforms that learn it later).
    case paid
    /// Too many wrong OTPs.
    case locked
    /// Not paid in time.
    case expired
    /// Paid, then the voucher was cancelled and the amount refunded.
    case refunded
}
