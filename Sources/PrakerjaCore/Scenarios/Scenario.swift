import Foundation

/// One failure from the catalogue, as data (`mocks/scenarios/<name>.json`): the complaint it reproduces, the
/// faults and the platform's webhook receiver that make it happen, the buyer's steps, and what must be
/// true at the end.
public struct Scenario: Codable, Sendable, Equatable {
    public struct Complaint: Codable, Sendable, Equatable {
        /// In Indonesian, as a participant would write it.
        public var id: String
        public var en: String
    }

    /// How the platform's webhook endpoint answers: the first `failFirst` attempts of every event get
    /// `status`, later ones 204. Absent: the platform has no endpoint.
    public struct Receiver: Codable, Sendable, Equatable {
        public var failFirst: Int
        public var status: Int

        public init(failFirst: Int, status: Int) {
            self.failFirst = failFirst
            self.status = status
        }

        enum CodingKeys: String, CodingKey {
            case status
            case failFirst = "fail_first"
        }
    }

    /// One thing the buyer, the platform or time does.
    public enum Step: Codable, Sendable, Equatable {
        /// Sign in, order the cheapest self-paced course, request the OTP, read it, confirm (with a key).
        case buy
        /// Confirm again with the same idempotency key, as a platform that timed out does.
        case confirmAgain
        /// Read the newest OTP from the SMS and confirm the last order with it (a new key).
        case confirm
        /// Ask for a new OTP for the last order.
        case resendOTP
        /// Open the transaction page's voucher.
        case page
        /// Request charges until the daily OTP cap refuses one (a new order each time).
        case exhaustOTPs
        /// Redeem the voucher's code at its provider (`provider: "other"` for another provider).
        case redeem(provider: String)
        /// Let business time pass: every attempt and repair due on the way happens at its instant.
        case advance(seconds: Double)
        /// Resend the charge's exhausted (or delivered) deliveries on `channel` by hand.
        case resend(channel: DeliveryChannel)

        private enum CodingKeys: String, CodingKey { case advance, redeem, resend }

        public init(from decoder: any Decoder) throws {
            if let single = try? decoder.singleValueContainer().decode(String.self) {
                switch single {
                case "buy": self = .buy
                case "confirm_again": self = .confirmAgain
                case "confirm": self = .confirm
                case "resend_otp": self = .resendOTP
                case "page": self = .page
                case "exhaust_otps": self = .exhaustOTPs
                default: throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown step \(single)"))
                }
                return
            }
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let text = try c.decodeIfPresent(String.self, forKey: .advance) {
                guard let seconds = RetrySchedule(parsing: text)?.delays.first else {
                    throw DecodingError.dataCorruptedError(forKey: .advance, in: c, debugDescription: "a duration such as 15m or 2h")
                }
                self = .advance(seconds: seconds)
            } else if let provider = try c.decodeIfPresent(String.self, forKey: .redeem) {
                self = .redeem(provider: provider)
            } else if let channel = try c.decodeIfPresent(DeliveryChannel.self, forKey: .resend) {
                self = .resend(channel: channel)
            } else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown step"))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .buy, .confirmAgain, .confirm, .resendOTP, .page, .exhaustOTPs:
                var c = encoder.singleValueContainer()
                try c.encode(name)
            case .advance(let seconds):
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(RetrySchedule(delays: [seconds]).description, forKey: .advance)
            case .redeem(let provider):
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(provider, forKey: .redeem)
            case .resend(let channel):
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(channel, forKey: .resend)
            }
        }

        /// The step as the timeline prints it.
        public var name: String {
            switch self {
            case .buy: "buy"
            case .confirmAgain: "confirm_again"
            case .confirm: "confirm"
            case .resendOTP: "resend_otp"
            case .page: "page"
            case .exhaustOTPs: "exhaust_otps"
            case .advance(let seconds): "advance \(RetrySchedule(delays: [seconds]).description)"
            case .redeem(let provider): "redeem at \(provider) provider"
            case .resend(let channel): "resend \(channel.rawValue)"
            }
        }
    }

    /// What must hold at the end; absent fields are not checked.
    public struct Expectation: Codable, Sendable, Equatable {
        public var auditOK: Bool?
        public var chargeStatus: String?
        public var vouchers: Int?
        public var emailsToParticipant: Int?
        public var emailsElsewhere: Int?
        public var voucherOnPage: Bool?
        /// Distinct voucher.issued events the platform's endpoint accepted (by webhook-id).
        public var webhookEvents: Int?
        /// Requests carrying voucher.issued that reached the platform (duplicates included).
        public var webhookRequests: Int?
        public var webhookStatus: String?
        /// Event types in the order the platform first accepted them.
        public var webhookOrder: [String]?
        /// Step outcomes that must appear, in this order: each the whole outcome, its first part (`paid` matches
        /// `paid, voucher …`) or the reason after a colon (`Kode redeem sudah digunakan`).
        public var outcomes: [String]?
        /// Timeline kinds that must appear.
        public var timeline: [String]?

        enum CodingKeys: String, CodingKey {
            case vouchers, outcomes, timeline
            case auditOK = "audit_ok"
            case chargeStatus = "charge_status"
            case emailsToParticipant = "emails_to_participant"
            case emailsElsewhere = "emails_elsewhere"
            case voucherOnPage = "voucher_on_page"
            case webhookEvents = "webhook_events"
            case webhookRequests = "webhook_requests"
            case webhookStatus = "webhook_status"
            case webhookOrder = "webhook_order"
        }
    }

    public var name: String
    /// The entry of the failure catalogue it reproduces.
    public var failure: String
    public var complaint: Complaint
    /// The card's last four digits that make the fault fire (``FaultPlan/magicCardSuffixes``).
    public var cardSuffix: String?
    /// Faults by probability, seeded by the run's seed.
    public var faults: [String: Double]?
    public var receiver: Receiver?
    public var steps: [Step]
    public var expect: Expectation
    /// What repairs it, in words (for the timeline's reader).
    public var recovery: String

    enum CodingKeys: String, CodingKey {
        case name, failure, complaint, faults, receiver, steps, expect, recovery
        case cardSuffix = "card_suffix"
    }

    /// Every scenario in `directory` (`*.json`), by name.
    public static func loadAll(from directory: URL) throws -> [Scenario] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.map { file in
            do {
                return try JSONDecoder().decode(Scenario.self, from: Data(contentsOf: file))
            } catch {
                throw GatewayError.field(file.lastPathComponent, "is not a valid scenario: \(error)")
            }
        }
    }
}
