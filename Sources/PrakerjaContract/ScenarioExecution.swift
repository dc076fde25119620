import AsyncHTTPClient
import Crypto
import Foundation
import PrakerjaClient
import PrakerjaCore
import PrakerjaPlatforms

/// One scenario on one platform: its own participants, accounts and orders. `run` returns the first
/// difference from what the scenario expects, or nil.
struct ScenarioExecution {
    typealias Failure = ContractResult.Failure

    let runner: ContractRunner
    let scenario: ContractScenario
    let target: ContractTarget
    let script: PurchaseScript
    let dialect: any PlatformDialect.Type

    /// The buyer, and a second participant for steps that need another card.
    var me: GatewayAPI.Participant?
    var initialBalance: Int64 = 0
    var other: GatewayAPI.Participant?
    var account: BuyerAccount?
    var otherAccount: BuyerAccount?
    var orders: [BuyerOrder] = []
    /// Vouchers as the platform showed them when paid, by order id.
    var paid: [String: BuyerVoucher] = [:]
    /// The voucher (or none) the first successful confirm of each order answered with.
    var firstConfirm: [String: BuyerVoucher?] = [:]
    var stepNumber = 0
    /// Confirm calls made so far: the default idempotency key of each is new, and the same on every run.
    var confirmCalls = 0
    /// Where the scenario is: `set-up`, a step (see `stepNumber`) or `effects`.
    var phase = "set-up"

    init(runner: ContractRunner, scenario: ContractScenario, target: ContractTarget, script: PurchaseScript) {
        self.runner = runner
        self.scenario = scenario
        self.target = target
        self.script = script
        self.dialect = PlatformRegistry.dialect(target.platformID)!
    }

    private var gateway: GatewayClient { runner.gateway }
    private var username: String { "ct-\(me?.cardNumber ?? "none")" }

    mutating func run() async -> Failure? {
        do {
            try await setUp()
            for (index, step) in scenario.steps.enumerated() {
                stepNumber = index + 1
                phase = step.action.rawValue
                for _ in 0..<(step.times ?? 1) {
                    if let failure = try await perform(step) { return failure }
                }
            }
            stepNumber = 0
            phase = "effects"
            return try await checkEffects()
        } catch let failure as StepFailure {
            return Failure(step: stepNumber == 0 ? nil : stepNumber, action: failure.action, expected: failure.expected, actual: failure.actual)
        } catch {
            return Failure(step: stepNumber == 0 ? nil : stepNumber, action: phase, expected: "the \(phase == "effects" ? "effects check" : phase) to run", actual: "\(error)")
        }
    }

    // MARK: Provider state

    private mutating func setUp() async throws {
        me = try await newParticipant(fault: scenario.given.fault)
        initialBalance = me!.balance
    }

    /// A fresh participant with the scenario's provider state; a faulty one gets a magic card whose free
    /// digits are tried from a hash of the run until one is unused.
    private func newParticipant(fault: Fault?) async throws -> GatewayAPI.Participant {
        var draft: [String: AnyEncodable] = [
            "videos_watched": AnyEncodable(scenario.given.videosWatched), "accepted_days_ago": AnyEncodable(scenario.given.acceptedDaysAgo),
        ]
        guard let fault else { return try await createParticipant(draft) }
        guard let suffix = FaultPlan.magicCardSuffixes.first(where: { $0.value == fault })?.key else {
            throw StepFailure(action: "set-up", expected: "a magic card for \(fault.rawValue)", actual: "no magic card fires that fault")
        }
        let seed = Array(SHA256.hash(data: Array("\(scenario.name)/\(target.platformID)".utf8)))
        let start = (Int(seed[0]) << 8 | Int(seed[1])) % 10_000
        for i in 0..<10_000 {
            draft["card_number"] = AnyEncodable(FaultPlan.magicCardPrefix + String(format: "%04d", (start + i) % 10_000) + suffix)
            let response = try await gateway.post("/sim/participants", json: draft)
            if response.status == 201 { return try response.decode() }
            guard response.status == 409 || response.text.contains("DUPLICATE_PARTICIPANT") else {
                throw StepFailure(action: "set-up", expected: "POST /sim/participants to answer 201", actual: "HTTP \(response.status): \(response.text.prefix(300))")
            }
        }
        throw StepFailure(action: "set-up", expected: "a free magic card for \(fault.rawValue)", actual: "all 10000 are taken on this gateway")
    }

    private func createParticipant(_ draft: [String: AnyEncodable]) async throws -> GatewayAPI.Participant {
        let response = try await gateway.post("/sim/participants", json: draft)
        guard response.status == 201 else {
            throw StepFailure(action: "set-up", expected: "POST /sim/participants to answer 201", actual: "HTTP \(response.status): \(response.text.prefix(300))")
        }
        return try response.decode()
    }

    private mutating func otherParticipant() async throws -> GatewayAPI.Participant {
        if let other { return other }
        let made = try await createParticipant(["videos_watched": AnyEncodable(3)])
        other = made
        return made
    }

    // MARK: Steps

    private func adapter(_ step: ContractScenario.Step) throws -> any PlatformAdapter {
        var credentials = target.credentials
        var clock = runner.wallClock
        switch step.credentials {
        case "wrong_secret": credentials = StorefrontCredentials(clientID: credentials.clientID, clientSecret: String(credentials.clientSecret.reversed()) + "x")
        case "wrong_client_id": credentials = StorefrontCredentials(clientID: credentials.clientID + "-unknown", clientSecret: credentials.clientSecret)
        case "skewed_clock": clock = SkewedClock(base: clock, offset: -3600)
        default: break
        }
        do {
            let platformID = target.platformID
            var watch: (@Sendable (AdapterTransport.Exchange) -> Void)?
            if let observe = runner.observer { watch = { exchange in observe(platformID, exchange) } }
            return try PlatformRegistry.adapter(
                platformID, http: runner.http, baseURL: target.baseURL, catalog: runner.catalog, credentials: credentials, wallClock: clock, observer: watch
            )
        } catch {
            throw StepFailure(action: step.action.rawValue, expected: "an adapter for \(target.platformID)", actual: "\(error)")
        }
    }

    private mutating func perform(_ step: ContractScenario.Step) async throws -> Failure? {
        let (action, number) = (step.action.rawValue, stepNumber)
        let fail = { (expected: String, actual: String) in Failure(step: number, action: action, expected: expected, actual: actual) }
        switch step.action {
        case .signIn, .courses, .placeOrder, .requestOTP, .resendOTP, .order, .voucher:
            return try await buyerStep(step, fail: fail)
        case .confirm:
            return try await confirm(step, fail: fail)
        case .advance:
            try await sim(.POST, "/sim/clock/advance", json: ["seconds": AnyEncodable(step.advanceSeconds ?? 0)], action: action)
        case .completeTraining:
            try await sim(.POST, "/sim/vouchers/\(try await voucherCode(step))/complete", action: action)
        case .rateTraining:
            try await sim(.POST, "/sim/vouchers/\(try await voucherCode(step))/rate", json: ["rating": AnyEncodable(5)], action: action)
        case .revoke:
            try await sim(.POST, "/sim/participants/\(me!.cardNumber)/revoke", action: action)
        case .cancel:
            try await sim(.POST, "/sim/vouchers/\(try await voucherCode(step))/cancel", json: ["scope": AnyEncodable(step.scope ?? "voucher")], action: action)
        case .reconcile:
            try await sim(.POST, "/sim/reconcile", action: action)
        case .redeemStatus, .redeemCommit:
            return try await redeem(step, fail: fail)
        }
        return nil
    }

    /// A step through the platform's adapter, checked against its expectation.
    private mutating func buyerStep(_ step: ContractScenario.Step, fail: (String, String) -> Failure) async throws -> Failure? {
        let adapter = try adapter(step)
        if step.card == "other" { _ = try await otherParticipant() }  // a gateway failure here is the set-up's, not the platform's
        let outcome: Result<Outcome, BuyerError>
        do throws(BuyerError) {
            outcome = .success(try await buyerCall(step, adapter))
        } catch {
            outcome = .failure(error)
        }
        if let failure = check(outcome, step.expect, fail: fail) { return failure }
        if case .success(let value) = outcome { try record(value, step, fail: fail) }
        if case .success(let value) = outcome, let failure = checkValue(value, step, fail: fail) { return failure }
        return nil
    }

    enum Outcome {
        case account(BuyerAccount)
        case courses([BuyerCourse])
        case order(BuyerOrder)
        case voucher(BuyerVoucher, orderID: String)

        var order: BuyerOrder? { if case .order(let o) = self { o } else { nil } }
    }

    private mutating func buyerCall(_ step: ContractScenario.Step, _ adapter: any PlatformAdapter) async throws(BuyerError) -> Outcome {
        switch step.action {
        case .signIn:
            let card: String
            do {
                card =
                    switch step.card {
                    case "other": try await otherParticipant().cardNumber  // a set-up failure ends the scenario below
                    case "unknown": "4000" + String(me!.cardNumber.suffix(12))
                    case "malformed": "12345678"
                    default: me!.cardNumber
                    }
            } catch { throw BuyerError(.platformError, "the second participant could not be created: \(error)") }
            let name = step.username == "other" ? username + "-b" : username
            return .account(try await adapter.signIn(username: name, cardNumber: card))
        case .courses:
            return .courses(try await adapter.courses(type: step.type, limit: 1000))
        case .placeOrder:
            let account = try need(account, "sign_in before place_order")
            return .order(try await adapter.placeOrder(account: account, courseID: courseID(step)))
        case .requestOTP:
            let (account, id) = try orderTarget(step)
            return .order(try await adapter.requestOTP(account: account, orderID: id))
        case .resendOTP:
            let (account, id) = try orderTarget(step)
            return .order(try await adapter.resendOTP(account: account, orderID: id))
        case .order:
            let (account, id) = try orderTarget(step)
            return .order(try await adapter.order(account: account, orderID: id))
        case .voucher:
            let (account, id) = try orderTarget(step)
            guard step.wait == true else { return .voucher(try await adapter.voucher(account: account, orderID: id), orderID: id) }
            let deadline = ContinuousClock.now + runner.settle
            while true {
                do {
                    return .voucher(try await adapter.voucher(account: account, orderID: id), orderID: id)
                } catch where error.kind == .voucherNotReady && ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
        default:
            throw BuyerError(.invalidRequest, "not an adapter step")
        }
    }

    private func need<T>(_ value: T?, _ what: String) throws(BuyerError) -> T {
        guard let value else { throw BuyerError(.invalidRequest, "scenario error: \(what)") }
        return value
    }

    private func orderTarget(_ step: ContractScenario.Step) throws(BuyerError) -> (BuyerAccount, String) {
        switch step.order {
        case "unknown": return (try need(account, "sign_in first"), dialect.orderID(999_999))
        case "other_account": return (try need(otherAccount, "sign_in with username other first"), try need(orders.last, "place_order first").id)
        case "first": return (try need(account, "sign_in first"), try need(orders.first, "place_order first").id)
        default: return (try need(account, "sign_in first"), try need(orders.last, "place_order first").id)
        }
    }

    private func courseID(_ step: ContractScenario.Step) -> String {
        let platform = target.platformID
        switch step.course {
        case "unknown": return "crs-9999"
        case "not_sold": return runner.catalog.courses.first { !$0.platforms.contains(platform) }?.id ?? "crs-9999"
        default:
            let type = step.type ?? .selfPaced
            let sold = runner.catalog.courses(platform: platform).filter { $0.type == type }.sorted { ($0.price, $0.id) < ($1.price, $1.id) }
            return (step.course == "priciest" ? sold.last : sold.first)?.id ?? "crs-9999"
        }
    }

    private mutating func record(_ outcome: Outcome, _ step: ContractScenario.Step, fail: (String, String) -> Failure) throws {
        switch outcome {
        case .account(let a):
            if step.username == "other" { otherAccount = a } else { account = a }
        case .order(let o):
            if let i = orders.firstIndex(where: { $0.id == o.id }) { orders[i] = o } else if step.action == .placeOrder { orders.append(o) }
            if let v = o.voucher, paid[o.id] == nil { paid[o.id] = v }
        case .voucher(let v, let id):
            if paid[id] == nil { paid[id] = v }
        case .courses: break
        }
    }

    /// The outcome against `expect`: the error kind (and the dialect's own code and HTTP status for it), or
    /// success with the order's status and voucher.
    private func check(_ outcome: Result<Outcome, BuyerError>, _ expect: ContractScenario.Expect?, fail: (String, String) -> Failure) -> Failure? {
        switch (outcome, expect?.error) {
        case (.failure(let error), nil):
            return fail("success", error.description)
        case (.success, .some(let kind)):
            let entry = dialect.errors[kind]
            return fail("\(kind.rawValue) (\(entry.code), HTTP \(entry.httpStatus))", "success")
        case (.failure(let error), .some(let kind)):
            // The adapter maps the dialect's own code to the kind; the HTTP status must be the one the dialect's
            // table gives that code. (A refusal the dialect documents without a code, such as Midtrans' 406
            // for an order id already used, is judged by its kind.)
            let entry = dialect.errors[kind]
            guard error.kind == kind, error.platformCode == nil || error.httpStatus == entry.httpStatus else {
                return fail("\(kind.rawValue) (\(entry.code), HTTP \(entry.httpStatus))", error.description)
            }
            return nil
        case (.success(let value), nil):
            guard let expect, let order = value.order else { return nil }
            if let status = expect.status, order.status != status { return fail("order status \(status.rawValue)", "\(order.status.rawValue)") }
            if let wanted = expect.voucher, (order.voucher != nil) != wanted {
                return fail(wanted ? "the order with its voucher" : "the order without a voucher", order.voucher.map { "voucher \($0.displayCode)" } ?? "no voucher")
            }
            return nil
        }
    }

    /// Checks that hold for every successful answer: course listings against the catalog, vouchers
    /// against the one the order was paid with, and the platform's voucher print format.
    private func checkValue(_ value: Outcome, _ step: ContractScenario.Step, fail: (String, String) -> Failure) -> Failure? {
        switch value {
        case .courses(let courses):
            let platform = target.platformID
            let sold = runner.catalog.courses(platform: platform).filter { step.type == nil || $0.type == step.type }
            guard courses.count == min(sold.count, 1000) else { return fail("\(sold.count) courses", "\(courses.count)") }
            for (a, b) in zip(courses, courses.dropFirst()) where (a.price, a.id) > (b.price, b.id) {
                return fail("courses cheapest first", "\(a.id) (Rp \(a.price)) before \(b.id) (Rp \(b.price))")
            }
            for c in courses {
                guard let known = runner.catalog.course(c.id), known.platforms.contains(platform) else { return fail("only courses sold on \(platform)", c.id) }
                if known.price != c.price || known.type != c.type || known.providerID != c.providerID {
                    return fail("\(c.id) as the catalog has it (Rp \(known.price), \(known.type.rawValue), \(known.providerID))", "Rp \(c.price), \(c.type.rawValue), \(c.providerID)")
                }
            }
        case .order(let o):
            if let v = o.voucher, let failure = checkVoucher(v, orderID: o.id, step, fail: fail) { return failure }
            if let course = runner.catalog.course(o.courseID), o.amount != course.price {
                return fail("the order's amount Rp \(course.price)", "Rp \(o.amount)")
            }
        case .voucher(let v, let id):
            if let failure = checkVoucher(v, orderID: id, step, fail: fail) { return failure }
        case .account: break
        }
        return nil
    }

    private func checkVoucher(_ v: BuyerVoucher, orderID: String, _ step: ContractScenario.Step, fail: (String, String) -> Failure) -> Failure? {
        if dialect.displayVoucher(v.code) != v.displayCode { return fail("voucher \(v.code) printed as \(dialect.displayVoucher(v.code))", v.displayCode) }
        if let first = paid[orderID], first != v, step.expect?.sameVoucher != false {
            return fail("the voucher the order was paid with (\(first.code), redeem \(first.redeemCode))", "\(v.code), redeem \(v.redeemCode)")
        }
        return nil
    }

    // MARK: Confirm

    private mutating func confirm(_ step: ContractScenario.Step, fail: (String, String) -> Failure) async throws -> Failure? {
        let adapter = try adapter(step)
        let (account, orderID): (BuyerAccount, String)
        do { (account, orderID) = try orderTarget(step) } catch { return fail("a scenario with an order to confirm", error.message) }
        let otp = try await otpValue(step)
        let count = step.parallel ?? 1
        confirmCalls += 1
        let base = "ct-\(me!.cardNumber)-" + (step.key ?? "c\(confirmCalls)")
        let keys = (0..<count).map { step.distinctKeys == true ? "\(base)-\($0)" : base }
        let outcomes = await withTaskGroup(of: Result<Outcome, BuyerError>.self) { group in
            for key in keys {
                group.addTask {
                    do throws(BuyerError) {
                        return .success(.order(try await adapter.confirmOTP(account: account, orderID: orderID, otp: otp, idempotencyKey: key)))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            var all: [Result<Outcome, BuyerError>] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        for outcome in outcomes {
            if let failure = check(outcome, step.expect, fail: fail) { return failure }
            if case .success(.order(let order)) = outcome {
                if dialect.delivery == .synchronous, order.status == .paid, order.voucher == nil {
                    return fail("a paid answer with its voucher (this platform hands the voucher over with the payment)", "paid without a voucher")
                }
                // A repeat answers with the voucher the first answer carried. (When the first carried none — a
                // platform that learns it by webhook — the repeat may carry it once the webhook has landed.)
                if step.expect?.sameVoucher == true, let first = firstConfirm[order.id] ?? nil, first.code != order.voucher?.code {
                    return fail("the voucher \(first.displayCode) of the first answer", order.voucher.map { "voucher \($0.displayCode)" } ?? "no voucher")
                }
                if firstConfirm[order.id] == nil { firstConfirm[order.id] = .some(order.voucher) }
            }
            if case .success(let value) = outcome {
                try record(value, step, fail: fail)
                if let failure = checkValue(value, step, fail: fail) { return failure }
            }
        }
        let codes = Set(outcomes.compactMap { try? $0.get().order?.voucher?.code })
        if codes.count > 1 { return fail("one voucher for \(count) confirmations", "\(codes.count) different vouchers: \(codes.sorted().joined(separator: ", "))") }
        return nil
    }

    /// The OTP a confirm step types: the newest (or the one before) texted to the participant, or a wrong one.
    private func otpValue(_ step: ContractScenario.Step) async throws -> String {
        switch step.otp {
        case "malformed": return "12ab"
        case "wrong", "sms", "previous", nil:
            let response = try await gateway.get("/sim/outbox/sms?recipient=\(me!.phone)&limit=500")
            let messages: [GatewayAPI.Message] = response.status == 200 ? (try response.decode()) : []
            let otps = messages.compactMap { GatewayAPI.otp(in: $0.body) }
            if step.otp == "wrong" {
                // A six-digit code that is none the participant was sent.
                // (Not the gateway's magic code that always answers "expired".)
                var n = ((Int(otps.last ?? "0") ?? 0) + 1) % 1_000_000
                while otps.contains(String(format: "%06d", n)) || String(format: "%06d", n) == PurchaseFlow.magicExpiredOTP { n = (n + 7919) % 1_000_000 }
                return String(format: "%06d", n)
            }
            let index = step.otp == "previous" ? otps.count - 2 : otps.count - 1
            guard index >= 0 else {
                throw StepFailure(action: "confirm", expected: step.otp == "previous" ? "two OTPs texted to \(me!.phone)" : "an OTP texted to \(me!.phone)", actual: "\(otps.count)")
            }
            return otps[index]
        default: return "000000"
        }
    }

    // MARK: The world around the platform

    @discardableResult
    private func sim(_ method: HTTPMethodName, _ target: String, json: [String: AnyEncodable]? = nil, action: String) async throws -> GatewayClient.Response {
        let body = try json.map { Array(try JSONEncoder().encode($0)) }
        let response = try await gateway.send(method == .POST ? .POST : .GET, target, body: body ?? (method == .POST ? Array("{}".utf8) : nil))
        guard response.status / 100 == 2 else {
            throw StepFailure(action: action, expected: "\(method) \(target) to succeed", actual: "HTTP \(response.status): \(response.text.prefix(300))")
        }
        return response
    }

    enum HTTPMethodName: String { case GET, POST }

    /// The gateway's voucher for the order a step is about (as the platform showed it, or from the gateway
    /// for platforms that have not shown it yet).
    private func voucherCode(_ step: ContractScenario.Step) async throws -> String {
        try await gatewayVoucher(step).code
    }

    private func gatewayVoucher(_ step: ContractScenario.Step) async throws -> GatewayAPI.Voucher {
        let order = step.order == "first" ? orders.first : orders.last
        guard let order else { throw StepFailure(action: step.action.rawValue, expected: "an order", actual: "none placed") }
        guard let charge = try await charges().first(where: { $0.platformOrderId == order.id }), let id = Optional(charge.id) else {
            throw StepFailure(action: step.action.rawValue, expected: "a gateway charge for order \(order.id)", actual: "none")
        }
        struct Detail: Decodable { var charge: ChargeRow }
        let detail: Detail = try await sim(.GET, "/sim/charges/\(id)", action: step.action.rawValue).decode()
        guard let v = detail.charge.voucher else {
            throw StepFailure(action: step.action.rawValue, expected: "a voucher on charge \(id)", actual: "charge \(detail.charge.status) without one")
        }
        return v
    }

    private func redeem(_ step: ContractScenario.Step, fail: (String, String) -> Failure) async throws -> Failure? {
        let action = step.action == .redeemStatus ? "status" : "commit"
        let voucher = try await gatewayVoucher(step)
        // The code the provider is given is the one the platform showed its buyer, when it showed one.
        let shown = (step.order == "first" ? orders.first : orders.last).flatMap { paid[$0.id] }
        let redeemCode = step.code == "unknown" ? "00000000-0000-4000-8000-" + String(me!.cardNumber.suffix(12)) : (shown?.redeemCode ?? voucher.redeemCode)
        let providerID = step.provider == "other" ? (script.credentials.providers.first { $0.providerId != voucher.providerId }?.providerId ?? "") : voucher.providerId
        guard let provider = script.credentials.providers.first(where: { $0.providerId == providerID }) else {
            return fail("credentials for provider \(providerID)", "none")
        }
        let response = try await gateway.redeem(action, clientCode: provider.clientCode, signKey: provider.signKey, redeemCode: redeemCode, sequence: step.sequence ?? 1)
        struct Envelope: Decodable {
            var success: Bool
            var message: String
        }
        guard let envelope = try? response.decode(Envelope.self) else { return fail("a redeem envelope {success, message}", "HTTP \(response.status): \(response.text.prefix(200))") }
        let success = step.expect?.success ?? (step.expect?.message == nil)
        if envelope.success != success {
            return fail(success ? "success" : "a refusal", "\(envelope.success ? "success" : "refusal") HTTP \(response.status): \(envelope.message)")
        }
        if let message = step.expect?.message, envelope.message != message { return fail("\"\(message)\"", "\"\(envelope.message)\" (HTTP \(response.status))") }
        return nil
    }

    // MARK: Effects

    struct ChargeRow: Decodable {
        var id: String
        var status: String
        var platformId: String
        var platformOrderId: String
        var amount: Int64
        var voucher: GatewayAPI.Voucher?
    }

    struct LedgerRow: Decodable {
        var chargeId: String?
        var kind: String
        var amount: Int64
    }

    struct VoucherRow: Decodable {
        var code: String
        var redeemCode: String
        var invoiceCode: String
        var chargeId: String
        var courseId: String
    }

    struct DeliveryRow: Decodable {
        var channel: String
        var eventType: String
        var status: String
        var attempts: Int
    }

    struct Timeline: Decodable { var deliveries: [DeliveryRow] }

    /// The participant's charges on this platform, oldest first.
    private func charges() async throws -> [ChargeRow] {
        let rows: [ChargeRow] = try await sim(.GET, "/sim/charges?q=\(me!.cardNumber)&limit=200", action: "effects").decode()
        return rows.filter { $0.platformId == target.platformID }.reversed()
    }

    /// The gateway-side effects, given time to settle (e-mails and webhooks are sent after the commit).
    /// Once they match, they must still match a moment later: a duplicate e-mail or webhook, or a charge made
    /// in the background, that lands just after the first match is not missed.
    private func checkEffects() async throws -> Failure? {
        let deadline = ContinuousClock.now + runner.settle
        while true {
            var failure = try await effectsDifference()
            if failure == nil {
                try? await Task.sleep(for: .milliseconds(400))
                failure = try await effectsDifference()
                if failure == nil { return nil }
            }
            guard ContinuousClock.now < deadline else { return failure }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    private func effectsDifference() async throws -> Failure? {
        func fail(_ what: String, _ expected: String, _ actual: String) -> Failure { Failure(step: nil, action: "effects: \(what)", expected: expected, actual: actual) }
        let card = me!.cardNumber
        let participant: GatewayAPI.Participant = try await sim(.GET, "/sim/participants/\(card)", action: "effects").decode()
        let ledger: [LedgerRow] = try await sim(.GET, "/sim/participants/\(card)/ledger", action: "effects").decode()
        let vouchers: [VoucherRow] = try await sim(.GET, "/sim/participants/\(card)/vouchers", action: "effects").decode()
        let charges = try await charges()
        // Always: the balance is what the ledger says, and every voucher the platform showed is the gateway's.
        let debited = ledger.filter { $0.kind == "debit" }.reduce(0) { $0 + abs($1.amount) }
        let refunded = ledger.filter { $0.kind == "refund" }.reduce(0) { $0 + abs($1.amount) }
        let forfeited = ledger.filter { $0.kind == "forfeit" }.reduce(0) { $0 + abs($1.amount) }
        if participant.balance != initialBalance - debited + refunded - forfeited {
            return fail(
                "balance", "Rp \(initialBalance) − Rp \(debited) debited + Rp \(refunded) refunded − Rp \(forfeited) forfeited", "Rp \(participant.balance)"
            )
        }
        for (orderID, shown) in paid.sorted(by: { $0.key < $1.key }) {
            guard let charge = charges.first(where: { $0.platformOrderId == orderID }) else { return fail("voucher", "a gateway charge for order \(orderID)", "none") }
            guard let v = vouchers.first(where: { $0.chargeId == charge.id }) else { return fail("voucher", "the gateway's voucher for \(charge.id)", "none") }
            if v.code != shown.code || v.redeemCode != shown.redeemCode || v.invoiceCode != shown.invoiceCode || v.courseId != shown.courseID {
                return fail("voucher", "order \(orderID) showing \(v.code) / \(v.redeemCode) / \(v.invoiceCode)", "\(shown.code) / \(shown.redeemCode) / \(shown.invoiceCode)")
            }
        }
        guard let effects = scenario.effects else { return nil }
        if let kinds = effects.ledger, ledger.map(\.kind) != kinds { return fail("ledger", "[\(kinds.joined(separator: ", "))]", "[\(ledger.map(\.kind).joined(separator: ", "))]") }
        for entry in ledger where entry.kind == "debit" {
            if let charge = charges.first(where: { $0.id == entry.chargeId }), abs(entry.amount) != charge.amount {
                return fail("ledger", "a debit of Rp \(charge.amount) for \(charge.id)", "Rp \(abs(entry.amount))")
            }
        }
        if let n = effects.vouchers, vouchers.count != n { return fail("vouchers", "\(n)", "\(vouchers.count)") }
        if let statuses = effects.charges, charges.map(\.status) != statuses {
            return fail("charges", "[\(statuses.joined(separator: ", "))]", "[\(charges.map(\.status).joined(separator: ", "))]")
        }
        if let n = effects.sms {
            let sms: [GatewayAPI.Message] = try await sim(.GET, "/sim/outbox/sms?recipient=\(participant.phone)&limit=500", action: "effects").decode()
            if sms.count != n { return fail("sms", "\(n)", "\(sms.count)") }
        }
        if let n = effects.emails {
            let mail: [GatewayAPI.Message] = try await sim(.GET, "/sim/outbox/email?recipient=\(participant.email)&limit=500", action: "effects").decode()
            if mail.count != n { return fail("emails", "\(n)", "\(mail.count)") }
        }
        if let wanted = effects.faultsFired {
            guard let last = charges.last else { return fail("faults fired", "a charge", "none") }
            struct Detail: Decodable {
                struct Event: Decodable {
                    var kind: String
                    var detail: String
                }
                var events: [Event]
            }
            let detail: Detail = try await sim(.GET, "/sim/charges/\(last.id)", action: "effects").decode()
            let fired = detail.events.filter { $0.kind == "fault" }.compactMap { $0.detail.split(separator: ":").first.map(String.init) }
            if fired != wanted { return fail("faults fired", "[\(wanted.joined(separator: ", "))]", "[\(fired.joined(separator: ", "))]") }
        }
        if effects.webhook != nil || effects.webhookAttempts != nil {
            guard let last = charges.last else { return fail("webhook", "a charge", "none") }
            let timeline: Timeline = try await sim(.GET, "/sim/charges/\(last.id)/timeline", action: "effects").decode()
            let hooks = timeline.deliveries.filter { $0.channel == "webhook" && $0.eventType == "voucher.issued" }
            guard let hook = hooks.first else { return fail("webhook", "a voucher.issued webhook delivery for \(last.id)", "none") }
            if let status = effects.webhook, hook.status != status { return fail("webhook", status, hook.status) }
            if let n = effects.webhookAttempts, hook.attempts != n { return fail("webhook attempts", "\(n)", "\(hook.attempts)") }
        }
        return nil
    }
}

/// A step that could not be carried out or whose answer was wrong, thrown to end the scenario.
struct StepFailure: Error {
    var action: String
    var expected: String
    var actual: String
}

struct AnyEncodable: Encodable, Sendable {
    private let encodeValue: @Sendable (any Encoder) throws -> Void
    init<T: Encodable & Sendable>(_ value: T) { encodeValue = { try value.encode(to: $0) } }
    func encode(to encoder: any Encoder) throws { try encodeValue(encoder) }
}
