import Foundation
import PrakerjaCore

/// One interaction of the purchase/voucher protocol as data (`mocks/contract/*.json`): the provider state
/// it needs (a fresh participant, with faults and rules), what the buyer does through the platform's
/// adapter, the outcome each step must have in the shared error taxonomy, and what the gateway must hold
/// afterwards (ledger, vouchers, charges, messages, deliveries).
///
/// A scenario runs on every platform it applies to; each run gets its own participants and accounts, so
/// runs share no state except business time, which only scenarios that advance it touch (they run alone).
public struct ContractScenario: Codable, Sendable, Equatable {
    public var name: String
    public var summary: String
    /// The group it belongs to (`happy`, `rule`, `otp`, `idempotency`, `voucher`, `redeem`, `auth`, `input`,
    /// `callback`).
    public var covers: String
    public var given: Given
    public var applies: Applies
    public var steps: [Step]
    public var effects: Effects?

    /// The provider state: the participant the scenario's buyer is.
    public struct Given: Codable, Sendable, Equatable {
        public var videosWatched: Int = 3
        public var acceptedDaysAgo: Int = 0
        /// A fault that fires on every charge of the participant (a magic card; ``FaultPlan``).
        public var fault: Fault?
        /// The rules profile the gateway must run (`2021`, `2023`); the scenario is skipped elsewhere.
        public var rules: RulesProfile.Name?

        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case fault, rules
            case videosWatched = "videos_watched"
            case acceptedDaysAgo = "accepted_days_ago"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
            videosWatched = try c.decodeIfPresent(Int.self, forKey: .videosWatched) ?? 3
            acceptedDaysAgo = try c.decodeIfPresent(Int.self, forKey: .acceptedDaysAgo) ?? 0
            fault = try c.decodeIfPresent(Fault.self, forKey: .fault)
            rules = try c.decodeIfPresent(RulesProfile.Name.self, forKey: .rules)
        }
    }

    /// Which platforms the scenario applies to, by what their dialect documents.
    public struct Applies: Codable, Sendable, Equatable {
        /// `webhook` or `synchronous`: how the platform learns the voucher.
        public var delivery: String?
        /// Only dialects whose confirm call carries an idempotency key (true) or does not (false).
        public var confirmKey: Bool?
        /// Only dialects that sign a timestamp into each request.
        public var signedTimestamps: Bool?
        /// Only dialects whose clients send a client id besides the secret.
        public var clientID: Bool?
        /// Only gateways whose retry schedule starts with these delays (`15m,45m`): the scenario advances by them.
        public var retrySchedule: String?

        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case delivery
            case confirmKey = "confirm_key"
            case signedTimestamps = "signed_timestamps"
            case clientID = "client_id"
            case retrySchedule = "retry_schedule"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
            delivery = try c.decodeIfPresent(String.self, forKey: .delivery)
            confirmKey = try c.decodeIfPresent(Bool.self, forKey: .confirmKey)
            signedTimestamps = try c.decodeIfPresent(Bool.self, forKey: .signedTimestamps)
            clientID = try c.decodeIfPresent(Bool.self, forKey: .clientID)
            retrySchedule = try c.decodeIfPresent(String.self, forKey: .retrySchedule)
            if let retrySchedule, RetrySchedule(parsing: retrySchedule) == nil {
                throw DecodingError.dataCorruptedError(forKey: .retrySchedule, in: c, debugDescription: "retry_schedule is delays such as 15m,45m")
            }
            if let delivery, !["webhook", "synchronous"].contains(delivery) {
                throw DecodingError.dataCorruptedError(forKey: .delivery, in: c, debugDescription: "delivery is webhook or synchronous")
            }
        }
    }

    public enum Action: String, Codable, Sendable, CaseIterable {
        /// Through the platform's adapter.
        case signIn = "sign_in", courses, placeOrder = "place_order", requestOTP = "request_otp", resendOTP = "resend_otp", confirm, order,
            voucher
        /// On the gateway's simulation API (the world around the platform).
        case advance, completeTraining = "complete_training", rateTraining = "rate_training", revoke, cancel, reconcile
        /// On the gateway's redeem-code API, as the training provider.
        case redeemStatus = "redeem_status", redeemCommit = "redeem_commit"
    }

    /// One thing the buyer, the provider or time does, and the outcome it must have.
    public struct Step: Codable, Sendable, Equatable {
        public var action: Action
        /// `sign_in`: `other` signs in a second username.
        public var username: String?
        /// `sign_in`: `other` (a second participant's card), `unknown` (no participant), `malformed`.
        public var card: String?
        /// Any adapter step: `wrong_secret`, `wrong_client_id`, `skewed_clock` (signs an hour behind).
        public var credentials: String?
        /// `courses`, `place_order`: a course type.
        public var type: CourseType?
        /// `place_order`: `cheapest` (default), `priciest`, `not_sold`, `unknown`.
        public var course: String?
        /// `confirm`: `sms` (default: the newest OTP texted), `previous` (the one before), `wrong`, `malformed`.
        public var otp: String?
        /// `confirm`: an idempotency key label; the same label is the same key. Default: a new key.
        public var key: String?
        /// `confirm`: this many at once.
        public var parallel: Int?
        /// `confirm` with `parallel`: each its own key.
        public var distinctKeys: Bool?
        /// Order steps: `last` (default), `first`, `unknown`, `other_account` (the last order, asked by the
        /// second account).
        public var order: String?
        /// `advance`: business time to let pass (`6m`, `16d`).
        public var by: String?
        /// `cancel`: `voucher` or `transaction`.
        public var scope: String?
        /// Redeem steps: `own` (default) or `other` provider; code `own` (default) or `unknown`.
        public var provider: String?
        public var code: String?
        public var sequence: Int?
        /// `voucher`: keep opening the page until the voucher shows (up to 10 s real time).
        public var wait: Bool?
        /// Do the step this many times, each with the same expectation.
        public var times: Int?
        public var expect: Expect?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case action = "do"
            case username, card, credentials, type, course, otp, key, parallel, order, by, scope, provider, code, sequence, wait, times,
                expect
            case distinctKeys = "distinct_keys"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
            action = try c.decode(Action.self, forKey: .action)
            username = try c.decodeIfPresent(String.self, forKey: .username)
            card = try c.decodeIfPresent(String.self, forKey: .card)
            credentials = try c.decodeIfPresent(String.self, forKey: .credentials)
            type = try c.decodeIfPresent(CourseType.self, forKey: .type)
            course = try c.decodeIfPresent(String.self, forKey: .course)
            otp = try c.decodeIfPresent(String.self, forKey: .otp)
            key = try c.decodeIfPresent(String.self, forKey: .key)
            parallel = try c.decodeIfPresent(Int.self, forKey: .parallel)
            distinctKeys = try c.decodeIfPresent(Bool.self, forKey: .distinctKeys)
            order = try c.decodeIfPresent(String.self, forKey: .order)
            by = try c.decodeIfPresent(String.self, forKey: .by)
            scope = try c.decodeIfPresent(String.self, forKey: .scope)
            provider = try c.decodeIfPresent(String.self, forKey: .provider)
            code = try c.decodeIfPresent(String.self, forKey: .code)
            sequence = try c.decodeIfPresent(Int.self, forKey: .sequence)
            wait = try c.decodeIfPresent(Bool.self, forKey: .wait)
            times = try c.decodeIfPresent(Int.self, forKey: .times)
            expect = try c.decodeIfPresent(Expect.self, forKey: .expect)
            try check(c)
        }

        private func check(_ c: KeyedDecodingContainer<CodingKeys>) throws {
            func allowed(_ value: String?, _ key: CodingKeys, _ values: [String]) throws {
                if let value, !values.contains(value) {
                    throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(key.stringValue) is one of \(values.joined(separator: ", "))")
                }
            }
            try allowed(username, .username, ["own", "other"])
            try allowed(card, .card, ["own", "other", "unknown", "malformed"])
            try allowed(credentials, .credentials, ["wrong_secret", "wrong_client_id", "skewed_clock"])
            try allowed(course, .course, ["cheapest", "priciest", "not_sold", "unknown"])
            try allowed(otp, .otp, ["sms", "previous", "wrong", "malformed"])
            try allowed(order, .order, ["last", "first", "unknown", "other_account"])
            try allowed(scope, .scope, ["voucher", "transaction"])
            try allowed(provider, .provider, ["own", "other"])
            try allowed(code, .code, ["own", "unknown"])
            if action == .advance, by.flatMap({ RetrySchedule(parsing: $0)?.delays.first }) == nil {
                throw DecodingError.dataCorruptedError(forKey: .by, in: c, debugDescription: "advance needs by: a duration such as 6m or 16d")
            }
            if action == .cancel, scope == nil { throw DecodingError.dataCorruptedError(forKey: .scope, in: c, debugDescription: "cancel needs a scope") }
            if let parallel, !(2...64).contains(parallel) {
                throw DecodingError.dataCorruptedError(forKey: .parallel, in: c, debugDescription: "parallel is 2 to 64")
            }
            if let times, !(1...20).contains(times) { throw DecodingError.dataCorruptedError(forKey: .times, in: c, debugDescription: "times is 1 to 20") }
            // Each field and expectation only where the action uses it, so none is silently ignored.
            let orderSteps: Set<Action> = [.requestOTP, .resendOTP, .confirm, .order, .voucher, .completeTraining, .rateTraining, .cancel, .redeemStatus, .redeemCommit]
            let uses: [(CodingKeys, Bool, Set<Action>)] = [
                (.username, username != nil, [.signIn]), (.card, card != nil, [.signIn]), (.course, course != nil, [.placeOrder]),
                (.type, type != nil, [.courses, .placeOrder]), (.otp, otp != nil, [.confirm]), (.key, key != nil, [.confirm]),
                (.parallel, parallel != nil, [.confirm]), (.distinctKeys, distinctKeys != nil, [.confirm]), (.order, order != nil, orderSteps),
                (.by, by != nil, [.advance]), (.scope, scope != nil, [.cancel]), (.provider, provider != nil, [.redeemStatus, .redeemCommit]),
                (.code, code != nil, [.redeemStatus, .redeemCommit]), (.sequence, sequence != nil, [.redeemStatus, .redeemCommit]), (.wait, wait != nil, [.voucher]),
            ]
            for (key, given, actions) in uses where given && !actions.contains(action) {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(action.rawValue) does not take \(key.stringValue)")
            }
            guard let expect else { return }
            let adapterSteps: Set<Action> = [.signIn, .courses, .placeOrder, .requestOTP, .resendOTP, .confirm, .order, .voucher]
            let orderAnswers: Set<Action> = [.placeOrder, .requestOTP, .resendOTP, .confirm, .order]
            let checks: [(String, Bool, Set<Action>)] = [
                ("error", expect.error != nil, adapterSteps), ("status", expect.status != nil, orderAnswers), ("voucher", expect.voucher != nil, orderAnswers),
                ("same_voucher", expect.sameVoucher != nil, [.confirm]), ("message", expect.message != nil, [.redeemStatus, .redeemCommit]),
                ("success", expect.success != nil, [.redeemStatus, .redeemCommit]),
            ]
            for (name, given, actions) in checks where given && !actions.contains(action) {
                throw DecodingError.dataCorruptedError(forKey: .expect, in: c, debugDescription: "\(action.rawValue) cannot expect \(name)")
            }
            if expect.error != nil && (expect.status != nil || expect.voucher != nil || expect.sameVoucher != nil) {
                throw DecodingError.dataCorruptedError(forKey: .expect, in: c, debugDescription: "an expected error excludes status, voucher and same_voucher")
            }
        }

        /// Business time the step lets pass.
        public var advanceSeconds: Double? { action == .advance ? by.flatMap { RetrySchedule(parsing: $0)?.delays.first } : nil }
    }

    /// A step's outcome. No `error` means the step must succeed.
    public struct Expect: Codable, Sendable, Equatable {
        /// A shared error kind (``BuyerError/Kind``) for adapter steps.
        public var error: BuyerError.Kind?
        /// The order's status on success (adapter steps that return an order).
        public var status: OrderStatus?
        /// Whether the returned order carries a voucher.
        public var voucher: Bool?
        /// Redeem steps: the envelope's message (one of the six canonical ones), and whether it succeeded.
        public var message: String?
        public var success: Bool?
        /// `confirm`: the answer carries the voucher the order's first successful confirm carried (if that
        /// carried none, as on platforms that learn it by webhook, the repeat may carry it or not). Vouchers read back are always checked against the one the order was paid with.
        public var sameVoucher: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case error, status, voucher, message, success
            case sameVoucher = "same_voucher"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
            error = try c.decodeIfPresent(BuyerError.Kind.self, forKey: .error)
            status = try c.decodeIfPresent(OrderStatus.self, forKey: .status)
            voucher = try c.decodeIfPresent(Bool.self, forKey: .voucher)
            message = try c.decodeIfPresent(String.self, forKey: .message)
            success = try c.decodeIfPresent(Bool.self, forKey: .success)
            sameVoucher = try c.decodeIfPresent(Bool.self, forKey: .sameVoucher)
        }
    }

    /// What the gateway must hold for the scenario's participant at the end. Absent fields are not checked;
    /// the balance is always checked against the ledger, and every paid order's voucher against the
    /// gateway's.
    public struct Effects: Codable, Sendable, Equatable {
        /// Ledger entry kinds, oldest first (`debit`, `refund`).
        public var ledger: [String]?
        public var vouchers: Int?
        /// The participant's charges' statuses, oldest first.
        public var charges: [String]?
        /// SMS texted to the participant (OTPs).
        public var sms: Int?
        /// Voucher e-mails delivered to the participant.
        public var emails: Int?
        /// The last charge's `voucher.issued` webhook delivery: its status and attempts.
        public var webhook: String?
        public var webhookAttempts: Int?
        /// The faults that fired on the last charge, in order, one per delivery and attempt they hit (its
        /// `charge.paid` and `voucher.issued` webhooks each; a duplicated webhook counts as fired only when the
        /// platform acknowledged both copies).
        public var faultsFired: [String]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case ledger, vouchers, charges, sms, emails, webhook
            case webhookAttempts = "webhook_attempts"
            case faultsFired = "faults_fired"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
            ledger = try c.decodeIfPresent([String].self, forKey: .ledger)
            vouchers = try c.decodeIfPresent(Int.self, forKey: .vouchers)
            charges = try c.decodeIfPresent([String].self, forKey: .charges)
            sms = try c.decodeIfPresent(Int.self, forKey: .sms)
            emails = try c.decodeIfPresent(Int.self, forKey: .emails)
            webhook = try c.decodeIfPresent(String.self, forKey: .webhook)
            webhookAttempts = try c.decodeIfPresent(Int.self, forKey: .webhookAttempts)
            faultsFired = try c.decodeIfPresent([String].self, forKey: .faultsFired)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, summary, covers, given, applies, steps, effects
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        summary = try c.decode(String.self, forKey: .summary)
        covers = try c.decode(String.self, forKey: .covers)
        given = try c.decodeIfPresent(Given.self, forKey: .given) ?? Given()
        applies = try c.decodeIfPresent(Applies.self, forKey: .applies) ?? Applies()
        steps = try c.decode([Step].self, forKey: .steps)
        effects = try c.decodeIfPresent(Effects.self, forKey: .effects)
        guard !steps.isEmpty else { throw DecodingError.dataCorruptedError(forKey: .steps, in: c, debugDescription: "a scenario needs steps") }
        guard name.range(of: #"^[a-z0-9][a-z0-9-]{0,62}$"#, options: .regularExpression) != nil else {
            throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "a name is lowercase letters, digits and dashes")
        }
        // The steps come in an order that can run: an account before ordering, an order before paying.
        var signedIn = false, otherSignedIn = false, ordered = false
        for (i, step) in steps.enumerated() {
            let needsAccount: Set<Action> = [.placeOrder, .requestOTP, .resendOTP, .confirm, .order, .voucher]
            let needsOrder: Set<Action> = [.requestOTP, .resendOTP, .confirm, .order, .voucher, .completeTraining, .rateTraining, .cancel, .redeemStatus, .redeemCommit]
            func refuse(_ why: String) -> DecodingError { .dataCorruptedError(forKey: .steps, in: c, debugDescription: "step \(i + 1) (\(step.action.rawValue)): \(why)") }
            if needsAccount.contains(step.action) && !signedIn { throw refuse("sign_in first") }
            if needsOrder.contains(step.action) && step.order != "unknown" && !ordered { throw refuse("place_order first") }
            if step.order == "other_account" && !otherSignedIn { throw refuse("sign_in with username other first") }
            if step.action == .signIn && step.expect?.error == nil { if step.username == "other" { otherSignedIn = true } else { signedIn = true } }
            if step.action == .placeOrder && step.expect?.error == nil { ordered = true }
        }
    }

    /// Scenarios that let business time pass move the one clock every scenario shares: they run alone.
    public var exclusive: Bool { steps.contains { $0.action == .advance } }

    /// Every scenario in the `*.json` files of `directory` (each file a list of scenarios), in file order.
    /// Names are unique across files.
    public static func loadAll(from directory: URL) throws -> [ContractScenario] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        var all: [ContractScenario] = []
        var seen: [String: String] = [:]
        for file in files {
            let scenarios: [ContractScenario]
            do {
                scenarios = try JSONDecoder().decode([ContractScenario].self, from: Data(contentsOf: file))
            } catch {
                throw ContractError("\(file.lastPathComponent) is not a list of contract scenarios: \(ContractError.describe(error))")
            }
            for s in scenarios {
                if let other = seen[s.name] { throw ContractError("scenario \(s.name) is defined in both \(other) and \(file.lastPathComponent)") }
                seen[s.name] = file.lastPathComponent
            }
            all += scenarios
        }
        return all
    }
}

/// A contract run that cannot start (bad scenario files, bad options), as opposed to a scenario that fails.
public struct ContractError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c):
            let path = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            if case .keyNotFound(let key, _) = error { return "\(path): \(key.stringValue) is missing" }
            return "\(path): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

extension Decoder {
    /// A keyed container that refuses keys the type does not know, so a typo in a scenario file is an
    /// error rather than a silently ignored expectation.
    func strictContainer<K: CodingKey & CaseIterable>(keyedBy: K.Type) throws -> KeyedDecodingContainer<K> {
        let any = try container(keyedBy: AnyKey.self)
        let known = Set(K.allCases.map(\.stringValue))
        if let unknown = any.allKeys.first(where: { !known.contains($0.stringValue) }) {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath + [unknown], debugDescription: "unknown key \(unknown.stringValue); known: \(known.sorted().joined(separator: ", "))")
            )
        }
        return try container(keyedBy: K.self)
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}
