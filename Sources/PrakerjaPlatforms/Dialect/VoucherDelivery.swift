import Foundation
import PrakerjaCore

/// How a platform learns that an order was paid and what its voucher is.
public enum VoucherDelivery: String, Sendable, Codable {
    /// The voucher is in the response to the OTP confirmation.
    case synchronous
    /// The confirmation only says "processing"; the platform learns the voucher from the gateway's signed
    /// `voucher.issued` webhook (Standard Webhooks), and its transaction page shows it from then on. A
    /// storefront paying through a gateway that does not send it webhooks (an external one) asks instead.
    case webhook
}
