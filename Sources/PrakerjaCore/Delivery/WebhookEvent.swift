import Foundation

/// An event a platform hears about: Standard Webhooks' body `{"type", "timestamp", "data"}`.
public struct WebhookEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case chargePaid = "charge.paid"
        case voucherIssued = "voucher.issued"
        case chargeExpired = "charge.expired"
        case chargeRefunded = "charge.refunded"
        case voucherRedeemed = "voucher.redeemed"
    }

    /// What the event is about; fields that do not exist yet (a voucher before payment) are absent.
    public struct Data: Codable, Sendable, Equatable {
        public var chargeID: String
        public var platformOrderID: String
        public var status: String
        public var amount: Rupiah
        public var courseID: String
        public var voucherCode: String?
        public var redeemCode: String?
        public var invoiceCode: String?

        enum CodingKeys: String, CodingKey {
            case status, amount
            case chargeID = "charge_id"
            case platformOrderID = "platform_order_id"
            case courseID = "course_id"
            case voucherCode = "voucher_code"
            case redeemCode = "redeem_code"
            case invoiceCode = "invoice_code"
        }

        public init(charge: Charge, voucher: Voucher?) {
            chargeID = charge.id
            platformOrderID = charge.platformOrderID
            status = charge.status.rawValue
            amount = charge.amount
            courseID = charge.courseID
            voucherCode = voucher?.code
            redeemCode = voucher?.redeemCode
            invoiceCode = voucher?.invoiceCode
        }
    }

    public var type: Kind
    /// Business time of the event, ISO 8601.
    public var timestamp: String
    public var data: Data

    public init(type: Kind, at: Date, data: Data) {
        self.type = type
        self.timestamp = Timestamps.iso8601(at)
        self.data = data
    }

    /// The exact bytes sent: keys sorted, no insignificant whitespace, so a body is the same on every attempt
    /// and in every replay.
    public var body: String {
        // Strings and integers only: encoding cannot fail.
        (try? String(decoding: Self.encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
