import Foundation

/// The money-and-voucher audit: every discrepancy found, and the totals.
public struct AuditReport: Codable, Sendable, Equatable {
    public var participants: Int
    public var paidCharges: Int
    public var refundedCharges: Int
    public var vouchers: Int
    public var totalDebited: Rupiah
    public var totalRefunded: Rupiah
    public var totalForfeited: Rupiah
    /// Human-readable descriptions of every broken invariant; empty when the books balance.
    public var problems: [String]

    public var ok: Bool { problems.isEmpty }

    public init(
        participants: Int, paidCharges: Int, refundedCharges: Int, vouchers: Int, totalDebited: Rupiah, totalRefunded: Rupiah,
        totalForfeited: Rupiah, problems: [String]
    ) {
        self.participants = participants
        self.paidCharges = paidCharges
        self.refundedCharges = refundedCharges
        self.vouchers = vouchers
        self.totalDebited = totalDebited
        self.totalRefunded = totalRefunded
        self.totalForfeited = totalForfeited
        self.problems = problems
    }

    enum CodingKeys: String, CodingKey {
        case participants, vouchers, problems, ok
        case paidCharges = "paid_charges"
        case refundedCharges = "refunded_charges"
        case totalDebited = "total_debited"
        case totalRefunded = "total_refunded"
        case totalForfeited = "total_forfeited"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(participants, forKey: .participants)
        try c.encode(paidCharges, forKey: .paidCharges)
        try c.encode(refundedCharges, forKey: .refundedCharges)
        try c.encode(vouchers, forKey: .vouchers)
        try c.encode(totalDebited, forKey: .totalDebited)
        try c.encode(totalRefunded, forKey: .totalRefunded)
        try c.encode(totalForfeited, forKey: .totalForfeited)
        try c.encode(problems, forKey: .problems)
        try c.encode(ok, forKey: .ok)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        participants = try c.decode(Int.self, forKey: .participants)
        paidCharges = try c.decode(Int.self, forKey: .paidCharges)
        refundedCharges = try c.decode(Int.self, forKey: .refundedCharges)
        vouchers = try c.decode(Int.self, forKey: .vouchers)
        totalDebited = try c.decode(Rupiah.self, forKey: .totalDebited)
        totalRefunded = try c.decode(Rupiah.self, forKey: .totalRefunded)
        totalForfeited = try c.decode(Rupiah.self, forKey: .totalForfeited)
        problems = try c.decode([String].self, forKey: .problems)
    }
}
