import Foundation
import PrakerjaCore

/// A platform as the public catalog shows it (no credentials).
struct PlatformView: Codable {
    var id: String
    var name: String
    var customerService: Platform.CustomerService
    var courses: Int
}

/// A provider as the public catalog shows it (no signing key).
struct ProviderView: Codable {
    var id: String
    var name: String
    var city: String
    var clientCode: String
    var courses: Int
}

struct Page<T: Codable>: Codable {
    var total: Int
    var offset: Int
    var limit: Int
    var items: [T]
}

/// A charge as a platform sees it: no OTP.
struct ChargeView: Codable {
    var id: String
    var status: String
    var cardNumber: String
    var platformId: String
    var platformOrderId: String
    var accountId: String
    var courseId: String
    var amount: Rupiah
    var otpExpiresAt: Date
    var otpAttemptsRemaining: Int
    var otpSends: Int
    var createdAt: Date
    var expiresAt: Date
    var paidAt: Date?
    var refundedAt: Date?
    var voucher: VoucherView?

    init(_ c: Charge, voucher: Voucher?, policy: PaymentPolicy) {
        id = c.id
        status = c.status.rawValue
        cardNumber = c.cardNumber
        platformId = c.platformID
        platformOrderId = c.platformOrderID
        accountId = c.accountID
        courseId = c.courseID
        amount = c.amount
        otpExpiresAt = c.otpExpiresAt
        otpAttemptsRemaining = max(0, policy.maxOTPAttempts - c.otpAttempts)
        otpSends = c.otpSends
        createdAt = c.createdAt
        expiresAt = c.expiresAt
        paidAt = c.paidAt
        refundedAt = c.refundedAt
        self.voucher = voucher.map(VoucherView.init)
    }
}

struct VoucherView: Codable {
    var code: String
    var redeemCode: String
    var invoiceCode: String
    var chargeId: String
    var courseId: String
    var providerId: String
    var platformId: String
    var amount: Rupiah
    var status: String
    var issuedAt: Date
    var redeemedAt: Date?
    var attendedSequences: [Int]
    var completedAt: Date?
    var rating: Int?

    init(_ v: Voucher) {
        code = v.code
        redeemCode = v.redeemCode
        invoiceCode = v.invoiceCode
        chargeId = v.chargeID
        courseId = v.courseID
        providerId = v.providerID
        platformId = v.platformID
        amount = v.amount
        status = v.status.rawValue
        issuedAt = v.issuedAt
        redeemedAt = v.redeemedAt
        attendedSequences = v.attendedSequences
        completedAt = v.completedAt
        rating = v.rating
    }
}

/// The simulation API's view of a charge: everything, including the OTP and the timeline.
struct SimChargeView: Codable {
    var charge: ChargeView
    var otp: String
    var events: [EventView]
}

struct EventView: Codable {
    var kind: String
    var detail: String
    var at: Date
}

struct LedgerView: Codable {
    var chargeId: String?
    var kind: String
    var amount: Rupiah
    var balanceAfter: Rupiah
    var at: Date
}

struct MessageView: Codable {
    var id: Int64
    var channel: String
    var recipient: String
    var subject: String
    var body: String
    var chargeId: String?
    var createdAt: Date

    init(_ m: OutboxMessage) {
        id = m.id ?? 0
        channel = m.channel.rawValue
        recipient = m.recipient
        subject = m.subject
        body = m.body
        chargeId = m.chargeID
        createdAt = m.createdAt
    }
}

struct ClockView: Codable {
    var now: Date
    var offsetSeconds: Double
    var rules: String
}

struct CredentialsView: Codable {
    struct PlatformCredential: Codable {
        var platformId: String
        var secret: String
    }
    struct ProviderCredential: Codable {
        var providerId: String
        var clientCode: String
        var signKey: String
    }
    var platforms: [PlatformCredential]
    var providers: [ProviderCredential]
}
