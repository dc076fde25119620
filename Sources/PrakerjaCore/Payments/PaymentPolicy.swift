import Foundation

/// OTP and charge timing. Fixed for the programme; kept in one place.
public struct PaymentPolicy: Sendable, Equatable {
    public var otpDigits = 6
    public var otpTTL: TimeInterval = 5 * 60
    public var maxOTPAttempts = 3
    public var otpResendInterval: TimeInterval = 60
    public var otpDailyLimit = 5
    /// A charge not paid within this window expires and holds nothing.
    public var chargeTTL: TimeInterval = 15 * 60
    public init() {}
}
