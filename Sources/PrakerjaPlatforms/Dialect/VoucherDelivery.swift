import Foundation
import PrakerjaCore

/// How a platform learns that an order was paid and what its voucher is.
public enum VoucherDelivery: String, Sendable, Codable {
    /// The voucher is in the response to the OTP confirmation.
    case synchronous
    /// The confirmation only says "processing"; the transaction page shows the voucher once the platform
    /// has fetched it from the gateway.
    case polling
}
