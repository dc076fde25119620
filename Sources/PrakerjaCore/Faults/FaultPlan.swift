import Foundation

/// Which faults fire, decided only from (seed, charge, channel, attempt) — never from timing or thread
/// order — so the same seed and requests give the same failures, and another seed another pattern.
///
/// A fault fires for a charge by probability (`serve --faults 'email.lost=0.02' --fault-seed N`), or always
/// when the participant's card ends in the fault's magic number (``magicCardSuffixes``), in the style of
/// Stripe's and Xendit's sandbox test values.
public struct FaultPlan: Sendable, Equatable, Codable, CustomStringConvertible {
    public var probabilities: [Fault: Double]
    public var seed: UInt64
    /// How late a delayed e-mail arrives, in business time.
    public var emailDelay: TimeInterval
    /// How long the platform's view of a paid charge lacks its voucher under `page.lag`.
    public var pageLag: TimeInterval = 10 * 60

    public init(probabilities: [Fault: Double] = [:], seed: UInt64 = 0, emailDelay: TimeInterval = 2 * 3600) {
        self.probabilities = probabilities
        self.seed = seed
        self.emailDelay = emailDelay
    }

    public static let none = FaultPlan()

    /// Magic cards are `50000000`, any four digits, then one of these four digits: their fault fires on
    /// every charge of that card (`5000000000004001`, `5000000012344001`: the free digits let many
    /// participants — one per contract scenario — carry the same fault). Generated cards end in the
    /// participant's number, so the prefix keeps participant 4001 of a population from being a magic card
    /// by accident.
    public static let magicCardPrefix = "50000000"
    public static let magicCardSuffixes: [String: Fault] = [
        "4001": .emailLost, "4002": .emailDelayed, "4003": .emailDuplicated, "4004": .emailStaleAddress,
        "4005": .webhookServerError, "4006": .webhookTimeout, "4007": .webhookReset, "4008": .webhookDuplicated,
        "4009": .crashBeforeVoucher, "4010": .otpLate, "4011": .webhookReordered, "4012": .pageLag,
    ]

    /// Whether `fault` fires on attempt `attempt` of a charge's delivery (attempt 1 for faults that are
    /// not about attempts). Webhook faults hit attempts 1 and 2 of a magic card, so the third succeeds.
    public func fires(_ fault: Fault, chargeID: String, cardNumber: String, attempt: Int = 1) -> Bool {
        if cardNumber.hasPrefix(Self.magicCardPrefix), Self.magicCardSuffixes[String(cardNumber.suffix(4))] == fault {
            let everyAttemptTwice: Set<Fault> = [.webhookServerError, .webhookTimeout, .webhookReset]
            return everyAttemptTwice.contains(fault) ? attempt <= 2 : attempt == 1
        }
        guard let p = probabilities[fault], p > 0 else { return false }
        var rng = EntropySource(seed: seed).generator(.fault, fault.rawValue, chargeID, String(attempt))
        return Double(rng.next() >> 11) / Double(UInt64(1) << 53) < p
    }

    /// `email.lost=0.02,webhook.5xx=0.1`; probabilities from 0 to 1.
    public init(parsing text: String, seed: UInt64) throws(GatewayError) {
        self.init(seed: seed)
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let fault = Fault(rawValue: parts[0]) else {
                throw GatewayError.field("faults", "'\(item)' is not FAULT=PROBABILITY; faults: \(Fault.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let p = Double(parts[1]), p.isFinite, (0...1).contains(p) else {
                throw GatewayError.field("faults", "the probability of \(fault.rawValue) must be a number from 0 to 1")
            }
            probabilities[fault] = p
        }
    }

    public var description: String {
        probabilities.isEmpty
            ? "none (magic cards only)" : probabilities.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: ",")
    }
}
