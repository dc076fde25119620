import AsyncHTTPClient
import Foundation
import PrakerjaClient
import PrakerjaCore

/// One participant the load may buy for: a card nobody has bought with yet.
public struct LoadParticipant: Sendable, Equatable, Decodable {
    public var cardNumber: String
    public var phone: String
    public var balance: Int64

    public init(cardNumber: String, phone: String, balance: Int64) {
        self.cardNumber = cardNumber
        self.phone = phone
        self.balance = balance
    }
}

/// A full purchase flow through a platform's adapter and storefront into the gateway, step by step: sign in
/// (binding the card), order, OTP request, the OTP read from the SMS outbox, confirm, the voucher from the
/// transaction page, and optionally the provider's redeem-code status and commit.
public struct PurchaseLoad: Sendable {
    public static let steps = [
        "sign_in", "order_unknown_course", "order", "otp_request", "otp_read", "confirm_wrong_otp", "confirm", "voucher", "redeem_status", "redeem_commit", "flow",
    ]

    public let workload: Workload
    public let adapters: [String: any PlatformAdapter]
    public let gateway: GatewayClient
    public let participants: [LoadParticipant]
    /// Affordable course ids by platform and type.
    public let courses: [String: [CourseType: [String]]]
    public let providers: [String: GatewayAPI.Credentials.Provider]
    /// Makes usernames and idempotency keys unique to this run and shard.
    public let runID: String
    public let recorder: LatencyRecorder

    public init(
        workload: Workload, adapters: [String: any PlatformAdapter], gateway: GatewayClient, participants: [LoadParticipant], catalog: Catalog,
        providers: [GatewayAPI.Credentials.Provider], runID: String, recorder: LatencyRecorder
    ) throws(LoadError) {
        self.workload = workload
        self.adapters = adapters
        self.gateway = gateway
        self.participants = participants
        self.runID = runID
        self.recorder = recorder
        self.providers = Dictionary(providers.map { ($0.providerId, $0) }, uniquingKeysWith: { a, _ in a })
        let budget = participants.map(\.balance).min() ?? 0
        var courses: [String: [CourseType: [String]]] = [:]
        for platform in workload.platforms.keys {
            for (name, weight) in workload.courseTypes where weight > 0 {
                let type = CourseType(rawValue: name)!
                let ids = catalog.courses(platform: platform, type: type).filter { $0.price <= budget }.map(\.id).sorted()
                guard !ids.isEmpty else { throw LoadError("no \(name) course on \(platform) costs at most the participants' balance (Rp \(budget))") }
                courses[platform, default: [:]][type] = ids
            }
        }
        self.courses = courses
    }

    struct StepFailure: Error {
        var kind: String
        var detail: String
    }

    /// Runs flow `start.index`; records every step and the flow. False when something did not go as planned.
    @discardableResult
    public func run(_ start: OpenModelRunner.Start) async -> Bool {
        let clock = ContinuousClock()
        let plan = workload.plan(start.index)
        var intended: ContinuousClock.Instant? = start.intended
        let recorder = recorder
        func seconds(_ instant: ContinuousClock.Instant) -> Double { Double((instant - start.runStart).microseconds) / 1e6 }

        /// Times one step from its intended start: the flow's for the first, the step's own after that.
        func step<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
            let begin = clock.now
            let from = intended ?? begin
            intended = nil
            do {
                let value = try await body()
                let end = clock.now
                recorder.record(.init(name: name, corrected: end - from, uncorrected: end - begin, error: nil, endedAt: seconds(end)))
                return value
            } catch {
                let end = clock.now
                let failure = Self.failure(error)
                recorder.record(.init(name: name, corrected: end - from, uncorrected: end - begin, error: failure.kind, endedAt: seconds(end)))
                throw failure
            }
        }

        var failed: StepFailure?
        do {
            guard start.index < participants.count else { throw StepFailure(kind: "no_participant", detail: "the participant pool (\(participants.count)) is used up") }
            guard let adapter = adapters[plan.platformID] else { throw StepFailure(kind: "no_storefront", detail: "no storefront for \(plan.platformID)") }
            let person = participants[start.index]
            let options = courses[plan.platformID]![plan.courseType]!
            let courseID = options[min(Int(plan.courseDraw * Double(options.count)), options.count - 1)]
            let account = try await step("sign_in") { try await adapter.signIn(username: "load-\(runID)-\(start.index)", cardNumber: person.cardNumber) }
            if plan.errorPath == "unknown_course" {
                try await step("order_unknown_course") {
                    try await Self.refused(.unknownCourse, "order_unknown_course") { _ = try await adapter.placeOrder(account: account, courseID: "crs-unknown-\(start.index)") }
                }
            }
            let order = try await step("order") { try await adapter.placeOrder(account: account, courseID: courseID) }
            _ = try await step("otp_request") { try await adapter.requestOTP(account: account, orderID: order.id) }
            let otp = try await step("otp_read") { () async throws -> String in
                let response = try await gateway.get("/sim/outbox/sms?recipient=\(person.phone)")
                guard response.status == 200 else { throw StepFailure(kind: "http_\(response.status)", detail: response.text) }
                let sms: [GatewayAPI.Message] = try response.decode()
                guard let otp = sms.last.flatMap({ GatewayAPI.otp(in: $0.body) }) else { throw StepFailure(kind: "no_otp", detail: "no OTP texted to \(person.phone)") }
                return otp
            }
            if plan.errorPath == "wrong_otp_first" {
                let wrong = otp == "000000" ? "111111" : "000000"
                try await step("confirm_wrong_otp") {
                    try await Self.refused(.otpInvalid, "confirm_wrong_otp") {
                        _ = try await adapter.confirmOTP(account: account, orderID: order.id, otp: wrong, idempotencyKey: "load-\(runID)-\(start.index)-wrong")
                    }
                }
            }
            let paid = try await step("confirm") {
                try await adapter.confirmOTP(account: account, orderID: order.id, otp: otp, idempotencyKey: "load-\(runID)-\(start.index)")
            }
            let voucher = try await step("voucher") { () async throws -> BuyerVoucher in
                if let v = paid.voucher { return v }
                // Webhook platforms learn the voucher after the confirm: the transaction page shows it then.
                // The webhook usually lands within milliseconds of the payment: look again soon, then less and
                // less often (up to every 250 ms), so a simulator past its capacity is not also asked ever more.
                let deadline = clock.now + .seconds(30)
                var pause = Duration.milliseconds(2)
                while true {
                    do {
                        return try await adapter.voucher(account: account, orderID: order.id)
                    } catch let error as BuyerError where error.kind == .voucherNotReady && clock.now < deadline {
                        try await clock.sleep(for: pause)
                        pause = min(pause * 2, .milliseconds(250))
                    }
                }
            }
            if plan.redeem {
                guard let provider = providers[voucher.providerID] else { throw StepFailure(kind: "no_provider", detail: "no credentials for \(voucher.providerID)") }
                for (name, action) in [("redeem_status", "status"), ("redeem_commit", "commit")] {
                    try await step(name) {
                        let r = try await gateway.redeem(action, clientCode: provider.clientCode, signKey: provider.signKey, redeemCode: voucher.redeemCode, sequence: action == "commit" ? 1 : nil)
                        guard r.status == 200 else {
                            // The gateway at capacity says so (503, OVERLOADED, Retry-After): the same kind as a
                            // storefront's refusal past its capacity.
                            let overloaded = r.status == 503 && (try? r.decode(GatewayAPI.Error.self))?.error.code == GatewayError.Code.overloaded.rawValue
                            throw StepFailure(kind: overloaded ? BuyerError.Kind.overloaded.rawValue : "redeem_http_\(r.status)", detail: r.text)
                        }
                    }
                }
            }
        } catch let failure as StepFailure {
            failed = failure
        } catch {
            failed = Self.failure(error)
        }
        let end = clock.now
        let whole = LatencyRecorder.Sample(
            name: "flow", corrected: end - start.intended, uncorrected: end - start.started, error: failed?.kind, endedAt: seconds(end)
        )
        recorder.record(whole)
        var byPlatform = whole
        byPlatform.name = LoadReport.platformPrefix + plan.platformID
        recorder.record(byPlatform)
        return failed == nil
    }

    /// Runs a call that must be refused with `kind`: returns when it is, throws when it is not.
    static func refused(_ kind: BuyerError.Kind, _ name: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as BuyerError where error.kind == kind {
            return
        }
        throw StepFailure(kind: "expected_\(kind.rawValue)", detail: "\(name) was not refused as \(kind.rawValue)")
    }

    static func failure(_ error: any Error) -> StepFailure {
        if let f = error as? StepFailure { return f }
        if let b = error as? BuyerError { return StepFailure(kind: b.kind.rawValue, detail: b.message) }
        return StepFailure(kind: "transport", detail: String(describing: error))
    }
}
