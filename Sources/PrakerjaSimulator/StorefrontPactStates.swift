import AsyncHTTPClient
import Foundation
import PrakerjaClient
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaServer

/// Provider states for the adapter → storefront Pact contracts (`prakerja-sim contract export --format
/// pact`), answered at the gateway's `POST /sim/pact/storefronts/state` for the storefronts this process
/// runs.
///
/// A setup makes what the state names, through the platform's own adapter over HTTP: a participant at the
/// gateway, the storefront account bound to the card, an order, the OTP texted to the participant, a paid
/// order whose voucher the storefront shows. It answers with those values (`card_number`, `username`,
/// `account_id`, `course_id`, `order_id`, `otp`, `wrong_otp`, `idempotency_key`, `voucher_code`).
///
/// With `operation` in the params it also builds the request the contract's interaction is about, with the
/// real adapter, without sending it: the first `request - 1` requests of the operation go to the storefront
/// as usual, the next one is kept. Its method, target, body and every header (tokens, timestamps,
/// signatures, idempotency keys — what a verifier cannot compute) come back as `request.*` and
/// `header.<Name>` values, which the contract's generators put on the verifier's request. `request:
/// count` runs the operation to the end instead and answers how many requests it made. A storefront that fails
/// while a state is set up is a 502 (`STOREFRONT_FAILED`): the request was fine, the simulator's own storefront
/// was not.
public struct StorefrontPactStates: StorefrontStateSetup {
    public enum Operation: String, CaseIterable, Sendable {
        case courses
        case signIn = "sign_in"
        case placeOrder = "place_order"
        case requestOTP = "request_otp"
        case resendOTP = "resend_otp"
        case confirm
        case order
        case voucher

        /// The first state (index in ``stateNames``) the operation can run from.
        var level: Int {
            switch self {
            case .courses: 0
            case .signIn: 1
            case .placeOrder: 2
            case .requestOTP, .order, .voucher: 3
            case .resendOTP, .confirm: 4
            }
        }
    }

    /// One interaction of a platform's contract: what the buyer does, from which state.
    public struct Interaction: Sendable {
        public var description: String
        public var state: String
        public var params: [String: String]
    }

    /// The states, each one step further along a purchase than the one before.
    public static let stateNames = [
        "an API client", "a participant who may buy", "a buyer signed in", "an order placed", "an order whose OTP was sent", "a paid order",
    ]

    /// The interactions every platform's contract has (an operation that takes several requests gives
    /// one interaction per request).
    public static let interactions: [Interaction] = [
        .init(description: "the course listing, from a client with no token yet", state: stateNames[0], params: ["operation": "courses", "cold": "true"]),
        .init(
            description: "the course listing, from a client with a wrong secret", state: stateNames[0],
            params: ["operation": "courses", "cold": "true", "credentials": "wrong_secret"]
        ),
        .init(description: "signing a participant in", state: stateNames[1], params: ["operation": "sign_in"]),
        .init(description: "placing an order", state: stateNames[2], params: ["operation": "place_order"]),
        .init(description: "asking for the OTP", state: stateNames[3], params: ["operation": "request_otp"]),
        .init(description: "asking for a new OTP right after the first", state: stateNames[4], params: ["operation": "resend_otp"]),
        .init(description: "paying with the OTP", state: stateNames[4], params: ["operation": "confirm"]),
        .init(description: "paying with a wrong OTP", state: stateNames[4], params: ["operation": "confirm", "otp": "wrong"]),
        .init(description: "reading a paid order back", state: stateNames[5], params: ["operation": "order"]),
        .init(description: "fetching the voucher of a paid order", state: stateNames[5], params: ["operation": "voucher"]),
    ]

    static let paramNames: Set = ["platform", "operation", "request", "cold", "credentials", "otp"]
    /// No operation of the shared protocol takes more requests than this in any dialect (a token, then one or
    /// two calls).
    static let maximumRequests = 4

    let gateway: Gateway
    let http: any HTTPTransport
    let storefronts: [String: StorefrontListing.Entry]
    /// Real time, for the adapters' signatures.
    let wallClock: any TimeSource
    /// How long a paid order's voucher may take to reach the storefront (webhook platforms), in real time.
    var settle: Duration = .seconds(10)

    public var states: [String] { Self.stateNames }

    public init(gateway: Gateway, http: any HTTPTransport, storefronts: [StorefrontListing.Entry], wallClock: any TimeSource) {
        self.gateway = gateway
        self.http = http
        self.storefronts = Dictionary(storefronts.map { ($0.platformId, $0) }, uniquingKeysWith: { a, _ in a })
        self.wallClock = wallClock
    }

    public func setUp(state: String, params: [String: String]) async throws -> [String: String] {
        guard let level = Self.stateNames.firstIndex(of: state) else {
            throw GatewayError.field("state", "must be one of: \(Self.stateNames.joined(separator: "; "))")
        }
        if let unknown = params.keys.sorted().first(where: { !Self.paramNames.contains($0) }) {
            throw GatewayError.field("params.\(unknown)", "is not a parameter; known: \(Self.paramNames.sorted().joined(separator: ", "))")
        }
        guard let platformID = params["platform"] else { throw GatewayError.field("params.platform", "is required") }
        guard let entry = storefronts[platformID] else {
            throw GatewayError.field("params.platform", "no storefront of that platform runs here; running: \(storefronts.keys.sorted().joined(separator: ", "))")
        }
        let operation = try params["operation"].map { name in
            guard let op = Operation(rawValue: name) else {
                throw GatewayError.field("params.operation", "must be one of: \(Operation.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard op.level <= level else { throw GatewayError.field("params.operation", "\(name) needs at least the state “\(Self.stateNames[op.level])”") }
            return op
        }
        if operation == nil, let stray = ["request", "cold", "credentials", "otp"].first(where: { params[$0] != nil }) {
            throw GatewayError.field("params.\(stray)", "applies to an operation; give params.operation")
        }
        let request = params["request"] ?? "1"
        guard request == "count" || (1...Self.maximumRequests).contains(Int(request) ?? 0) else {
            throw GatewayError.field("params.request", "must be a request number from 1 to \(Self.maximumRequests), or count")
        }
        guard ["true", "false", nil].contains(params["cold"]) else { throw GatewayError.field("params.cold", "must be true or false") }
        guard ["wrong_secret", nil].contains(params["credentials"]) else { throw GatewayError.field("params.credentials", "must be wrong_secret") }
        guard ["right", "wrong", nil].contains(params["otp"]) else { throw GatewayError.field("params.otp", "must be right or wrong") }
        guard let course = gateway.catalog.courses(platform: platformID, type: .selfPaced).min(by: { ($0.price, $0.id) < ($1.price, $1.id) }) else {
            throw GatewayError.field("params.platform", "sells no self-paced course")
        }

        let credentials = StorefrontCredentials(clientID: entry.clientId, clientSecret: entry.clientSecret)
        // The client's credentials are values too, so that no contract carries a secret (the wrong one is derived
        // from the right one).
        var purchase = Purchase(values: [
            "platform_id": platformID, "course_id": course.id, "client_id": entry.clientId, "client_secret": entry.clientSecret,
            "wrong_client_secret": String(entry.clientSecret.reversed()) + "x",
        ])
        do {
            let adapter = try PlatformRegistry.adapter(platformID, http: http, baseURL: entry.baseUrl, catalog: gateway.catalog, credentials: credentials, wallClock: wallClock)
            try await advance(&purchase, to: level, adapter: adapter, courseID: course.id)
        } catch let error as BuyerError {
            throw Self.storefrontFailed(platformID, "state “\(state)” could not be set up", error)
        }
        guard let operation else { return purchase.values }

        // The operation, with an adapter of its own whose transport keeps the request the interaction is about.
        var opCredentials = credentials
        if params["credentials"] == "wrong_secret" { opCredentials.clientSecret = purchase.values["wrong_client_secret"]! }
        let capture = RequestCapture()
        let adapter = try PlatformRegistry.adapter(
            platformID, http: http, baseURL: entry.baseUrl, catalog: gateway.catalog, credentials: opCredentials, wallClock: wallClock, capture: capture
        )
        if params["cold"] != "true" {
            // A warm client: its token (on platforms that issue one) is fetched before the operation starts, so the
            // operation's first request is its own.
            do {
                _ = try await adapter.courses(type: .selfPaced, limit: 1)
            } catch {
                throw Self.storefrontFailed(platformID, "the client could not warm up", error)
            }
        }
        if request == "count" { capture.count() } else { capture.arm(passing: Int(request)! - 1) }
        var stopped: (any Error)?
        do {
            try await perform(operation, purchase, adapter: adapter, courseID: course.id, wrongOTP: params["otp"] == "wrong")
        } catch {
            // The kept request ends the operation; so does a refusal, which is worth naming if nothing was kept.
            stopped = error
        }
        var values = purchase.values
        if request == "count" {
            values["requests"] = String(capture.sent)
            return values
        }
        guard let kept = capture.captured else {
            // The operation's requests have been sent by now: asking for one it does not make is refused after the fact.
            let why = stopped.map { error in
                "; it ended with " + ((error as? BuyerError).map { "\($0.kind.rawValue): \($0.message)" } ?? "\(error)")
            } ?? ""
            throw GatewayError.field("params.request", "\(operation.rawValue) on \(platformID) makes \(capture.sent) request(s) to the storefront from this state\(why)")
        }
        values["request.method"] = kept.method
        values["request.target"] = kept.target
        for (name, value) in kept.headers { values["header.\(name)"] = value }
        if let body = kept.body {
            values["request.content_type"] = kept.contentType
            values["request.body"] = String(decoding: body, as: UTF8.self)
            values["header.Content-Type"] = kept.contentType
        }
        return values
    }

    static func storefrontFailed(_ platformID: String, _ what: String, _ error: any Error) -> GatewayError {
        let detail = (error as? BuyerError).map { "\($0.kind.rawValue): \($0.message)" } ?? "\(error)"
        return GatewayError(.storefrontFailed, "\(platformID): \(what): \(detail)")
    }

    /// What a state has made so far.
    struct Purchase {
        var values: [String: String]
        var account: BuyerAccount?
        var orderID: String?
        var phone: String?
    }

    private func advance(_ purchase: inout Purchase, to level: Int, adapter: any PlatformAdapter, courseID: String) async throws {
        guard level >= 1 else { return }
        // A fresh participant for every setup: a contract verifies again and again against one simulator.
        let participant = try await gateway.createParticipant(ParticipantDraft(videosWatched: 3))
        let card = participant.cardNumber
        purchase.phone = participant.phone
        purchase.values["card_number"] = card
        purchase.values["username"] = "pact-\(card)"
        purchase.values["idempotency_key"] = "pact-\(card)-pay"
        guard level >= 2 else { return }
        let account = try await adapter.signIn(username: "pact-\(card)", cardNumber: card)
        purchase.account = account
        purchase.values["account_id"] = account.id
        guard level >= 3 else { return }
        let order = try await adapter.placeOrder(account: account, courseID: courseID)
        purchase.orderID = order.id
        purchase.values["order_id"] = order.id
        guard level >= 4 else { return }
        _ = try await adapter.requestOTP(account: account, orderID: order.id)
        let otps = try await gateway.store.outbox(channel: .sms, recipient: participant.phone, afterID: 0, limit: 100).compactMap { GatewayAPI.otp(in: $0.body) }
        guard let otp = otps.last else { throw GatewayError.field("state", "no OTP was texted to \(participant.phone)") }
        purchase.values["otp"] = otp
        var wrong = ((Int(otp) ?? 0) + 1) % 1_000_000
        while otps.contains(String(format: "%06d", wrong)) || String(format: "%06d", wrong) == PurchaseFlow.magicExpiredOTP { wrong = (wrong + 7919) % 1_000_000 }
        purchase.values["wrong_otp"] = String(format: "%06d", wrong)
        guard level >= 5 else { return }
        _ = try await adapter.confirmOTP(account: account, orderID: order.id, otp: otp, idempotencyKey: "pact-\(card)-setup")
        purchase.values["voucher_code"] = try await voucher(adapter, account: account, orderID: order.id).displayCode
    }

    /// The order's voucher, once the storefront shows it: platforms that learn it by webhook show it a moment
    /// after the payment (waited for in real time, up to ``settle``).
    private func voucher(_ adapter: any PlatformAdapter, account: BuyerAccount, orderID: String) async throws(BuyerError) -> BuyerVoucher {
        let deadline = ContinuousClock.now + settle
        while true {
            do {
                return try await adapter.voucher(account: account, orderID: orderID)
            } catch where error.kind == .voucherNotReady && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    private func perform(_ operation: Operation, _ purchase: Purchase, adapter: any PlatformAdapter, courseID: String, wrongOTP: Bool) async throws {
        let v = purchase.values
        switch operation {
        case .courses: _ = try await adapter.courses(type: .selfPaced, limit: 1)
        case .signIn: _ = try await adapter.signIn(username: v["username"]!, cardNumber: v["card_number"]!)
        case .placeOrder: _ = try await adapter.placeOrder(account: purchase.account!, courseID: courseID)
        case .requestOTP: _ = try await adapter.requestOTP(account: purchase.account!, orderID: purchase.orderID!)
        case .resendOTP: _ = try await adapter.resendOTP(account: purchase.account!, orderID: purchase.orderID!)
        case .confirm:
            _ = try await adapter.confirmOTP(
                account: purchase.account!, orderID: purchase.orderID!, otp: v[wrongOTP ? "wrong_otp" : "otp"]!, idempotencyKey: v["idempotency_key"]!
            )
        case .order: _ = try await adapter.order(account: purchase.account!, orderID: purchase.orderID!)
        case .voucher: _ = try await adapter.voucher(account: purchase.account!, orderID: purchase.orderID!)
        }
    }
}
