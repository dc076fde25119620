import Crypto
import Foundation
import NIOHTTP1
import PrakerjaClient
import PrakerjaCore
import PrakerjaHTTP

/// What every storefront does, whatever its dialect: keep accounts and orders, pay through the gateway's
/// partner API over HTTP with the platform's own credentials, and show the voucher on the transaction
/// page. Dialect routes only translate between their wire format and these calls.
public struct StorefrontEngine: Sendable {
    public let platform: Platform
    public let dialect: any PlatformDialect.Type
    public let catalog: Catalog
    public let gateway: GatewayClient
    public let store: any StorefrontStore
    /// Stamps on accounts and orders.
    public let clock: any TimeSource
    /// The platform's courses, cheapest first, computed once.
    let listing: [BuyerCourse]
    /// Gateway calls under an idempotency key that are running now.
    let inFlight = SingleFlight<GatewayClient.Response>()
    /// A webhook-delivery platform whose gateway sends it webhooks learns the voucher only from them; one
    /// paying through a gateway that does not (an external one) asks the gateway when its page is opened.
    public let learnsVoucherByWebhook: Bool

    /// The storefront's bound on requests in flight; a sign-in or a new order is refused as `overloaded`
    /// once half of it is taken, so the purchases under way get the rest.
    public let admission: Admission?

    public init(
        dialect: any PlatformDialect.Type, platform: Platform, catalog: Catalog, gateway: GatewayClient, store: any StorefrontStore, clock: any TimeSource,
        webhooksFromGateway: Bool = false, admission: Admission? = nil
    ) {
        self.admission = admission
        self.learnsVoucherByWebhook = dialect.delivery == .webhook && webhooksFromGateway
        self.dialect = dialect
        self.platform = platform
        self.catalog = catalog
        self.gateway = gateway
        self.store = store
        self.clock = clock
        listing = catalog.courses(platform: platform.id).sorted { ($0.price, $0.id) < ($1.price, $1.id) }.map(BuyerCourse.init)
    }

    /// Refuses new work (a sign-in, a new order) as `overloaded` once half the storefront's room is taken.
    private func admitNewWork() throws(BuyerError) {
        if let admission, !admission.admitsNewWork() {
            throw BuyerError(.overloaded, "the storefront is at capacity and takes no new orders for now; retry after the Retry-After delay")
        }
    }

    // MARK: Accounts and courses

    public func signIn(username: String, cardNumber: String) async throws(BuyerError) -> BuyerAccount {
        guard (1...64).contains(username.count), username.unicodeScalars.allSatisfy({ !$0.properties.isWhitespace && $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw BuyerError(.invalidRequest, "username must be 1 to 64 characters without spaces or control characters")
        }
        try admitNewWork()
        guard Digits.isCardNumber(cardNumber) else {
            throw BuyerError(.invalidRequest, "card number must be exactly 16 digits")
        }
        let id = platform.id
        let dialect = dialect
        return try await storage {
            try await store.bind(platformID: id, username: username, cardNumber: cardNumber, now: clock.now(), makeID: { dialect.accountID($0) }).buyer
        }
    }

    public func courses(type: CourseType?, limit: Int) throws(BuyerError) -> [BuyerCourse] {
        guard (1...1000).contains(limit) else { throw BuyerError(.invalidRequest, "limit must be between 1 and 1000") }
        guard let type else { return Array(listing.prefix(limit)) }
        return Array(listing.lazy.filter { $0.type == type }.prefix(limit))
    }

    // MARK: Orders

    public func placeOrder(accountID: String, courseID: String) async throws(BuyerError) -> BuyerOrder {
        try admitNewWork()
        let account = try await account(accountID)
        guard let course = catalog.course(courseID) else { throw BuyerError(.unknownCourse, "no course \(courseID)") }
        guard course.platforms.contains(platform.id) else { throw BuyerError(.courseNotSoldOnPlatform, "\(courseID) is not sold on \(platform.name)") }
        let now = clock.now()
        let draft = StorefrontOrder(platformID: platform.id, accountID: account.id, courseID: course.id, amount: course.price, createdAt: now, updatedAt: now)
        let dialect = dialect
        return view(try await storage { try await store.createOrder(draft, makeID: { dialect.orderID($0) }) })
    }

    /// Starts payment: creates the gateway charge, which texts the OTP. Idempotent while an OTP is out.
    public func requestOTP(accountID: String, orderID: String) async throws(BuyerError) -> BuyerOrder {
        var order = try await order(accountID: accountID, id: orderID)
        switch order.status {
        case .created: break
        case .awaitingOTP: return view(try await refresh(order))
        case .paid, .refunded: throw BuyerError(.orderNotPayable, "order \(order.id) is already paid")
        case .locked: throw BuyerError(.otpLocked)
        case .expired: throw BuyerError(.orderExpired)
        }
        let account = try await account(accountID)
        let request = ChargeRequest(cardNumber: account.cardNumber, courseID: order.courseID, platformOrderID: order.id, accountID: account.id)
        let body: [UInt8]
        do { body = Array(try Self.encoder.encode(request)) } catch { throw BuyerError(.platformError, "cannot encode the charge request") }
        // One key per attempt: a retry after a lost answer replays the gateway's outcome; a retry after a
        // refusal (the buyer finished the previous training meanwhile) is a new attempt.
        let key = "\(order.id)/charge/\(order.refusedAttempts)"
        do {
            let charge: GatewayAPI.Charge = try await call(.POST, "/partner/v1/charges", body: body, key: key, expect: 201)
            apply(charge, to: &order)
        } catch let error where error.httpStatus / 100 == 4 {
            order.refusedAttempts += 1
            order.updatedAt = clock.now()
            try await storage { try await store.save(order) }
            throw error
        }
        try await storage { [order] in try await store.save(order) }
        return view(order)
    }

    /// A new OTP for the order (or the first one, if none was requested yet).
    public func resendOTP(accountID: String, orderID: String) async throws(BuyerError) -> BuyerOrder {
        let order = try await order(accountID: accountID, id: orderID)
        guard order.status == .awaitingOTP, let chargeID = order.chargeID else {
            if order.status == .created { return try await requestOTP(accountID: accountID, orderID: orderID) }
            return view(try await refresh(order, thenRefuse: true))
        }
        return view(try await settling(order) { () async throws(BuyerError) -> StorefrontOrder in
            let charge: GatewayAPI.Charge = try await call(.POST, "/partner/v1/charges/\(chargeID)/otp", body: [], key: nil, expect: 200)
            var order = order
            apply(charge, to: &order)
            return order
        })
    }

    /// Pays with `otp`. With an idempotency key, the gateway call carries a key derived from it, so a repeat
    /// repeats the first outcome. Without one (dialects with no slot for it), each call is a new attempt; a
    /// repeat with the right OTP still gets the same voucher, because the gateway answers a paid charge
    /// confirmed with its own OTP with that charge's voucher.
    public func confirm(accountID: String, orderID: String, otp: String, idempotencyKey: String?) async throws(BuyerError) -> BuyerOrder {
        guard Digits.check(otp, count: PaymentPolicy().otpDigits) else {
            throw BuyerError(.invalidRequest, "the OTP must be 6 digits")
        }
        if let idempotencyKey, !(1...128).contains(idempotencyKey.utf8.count) || !idempotencyKey.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) {
            throw BuyerError(.invalidRequest, "the idempotency key must be 1 to 128 printable ASCII characters")
        }
        let order = try await order(accountID: accountID, id: orderID)
        guard let chargeID = order.chargeID else { throw BuyerError(.orderNotPayable, "request an OTP for order \(order.id) first") }
        let paid = try await settling(order) { () async throws(BuyerError) -> StorefrontOrder in
            let charge: GatewayAPI.Charge = try await call(
                .POST, "/partner/v1/charges/\(chargeID)/confirm", body: Array(#"{"otp":"\#(otp)"}"#.utf8), key: idempotencyKey.map { "\(order.id)/confirm/\($0)" },
                expect: 200
            )
            var order = order
            apply(charge, to: &order, learnVoucher: dialect.delivery == .synchronous)
            return order
        }
        return view(paid)
    }

    // MARK: Webhooks from the gateway

    /// A webhook from the gateway (Standard Webhooks): verified with the platform's `whsec_` secret against
    /// real time, de-duplicated by `webhook-id` where the dialect does, then applied to the order it names.
    public func receiveWebhook(id: String?, timestamp: String?, signature: String?, body: [UInt8]) async throws(BuyerError) {
        guard let id, let timestamp, let signature,
            StandardWebhooks.verify(
                secret: StandardWebhooks.secret(for: platform), id: id, timestamp: timestamp, signatures: signature, body: body, now: clock.now()
            )
        else { throw BuyerError(.badCredentials, "the webhook's Standard Webhooks signature does not verify") }
        let event: WebhookEvent
        do { event = try Self.decoder.decode(WebhookEvent.self, from: Data(body)) } catch {
            throw BuyerError(.invalidRequest, "the webhook body is not an event {type, timestamp, data}")
        }
        if dialect.deduplicatesWebhooks, !(try await storage { try await store.noteWebhook(platformID: platform.id, webhookID: id, now: clock.now()) }) {
            return  // seen before: acknowledged, not applied again
        }
        guard var order = try await storage({ try await store.order(platformID: platform.id, id: event.data.platformOrderID) }) else {
            throw BuyerError(.unknownOrder, "no order \(event.data.platformOrderID)")
        }
        order.chargeID = event.data.chargeID
        switch event.type {
        case .chargePaid, .voucherRedeemed: order.status = .paid
        case .voucherIssued:
            order.status = .paid
            if let code = event.data.voucherCode, let redeem = event.data.redeemCode, let invoice = event.data.invoiceCode,
                let provider = catalog.course(event.data.courseID)?.providerID
            {
                order.voucher = StorefrontVoucher(code: code, redeemCode: redeem, invoiceCode: invoice, providerID: provider)
            }
        case .chargeExpired: order.status = .expired
        case .chargeRefunded: order.status = .refunded
        }
        order.updatedAt = clock.now()
        try await storage { [order] in try await store.save(order) }
    }

    /// The transaction page: the stored order, brought up to date from the gateway once payment started.
    public func transaction(accountID: String, orderID: String) async throws(BuyerError) -> BuyerOrder {
        let order = try await order(accountID: accountID, id: orderID)
        return view(order.chargeID == nil ? order : try await refresh(order))
    }

    /// The order's voucher. Answered from the storefront's own state when that already says all the gateway
    /// would: a known voucher never changes, and a webhook platform's paid order learns its voucher only from
    /// the webhook, so asking the gateway again (a load test polls this) would change nothing.
    public func voucher(accountID: String, orderID: String) async throws(BuyerError) -> BuyerVoucher {
        let stored = try await order(accountID: accountID, id: orderID)
        if let voucher = view(stored).voucher { return voucher }
        if learnsVoucherByWebhook, stored.status == .paid {
            throw BuyerError(.voucherNotReady, "the voucher for order \(orderID) is on its way")
        }
        let order = stored.chargeID == nil ? view(stored) : view(try await refresh(stored))
        guard let voucher = order.voucher else {
            throw BuyerError(.voucherNotReady, order.status == .paid ? "the voucher for order \(orderID) is on its way" : "order \(orderID) is not paid")
        }
        return voucher
    }

    // MARK: Helpers

    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    public func account(_ id: String) async throws(BuyerError) -> StorefrontAccount {
        guard let account = try await storage({ try await store.account(platformID: platform.id, id: id) }) else {
            throw BuyerError(.unknownAccount, "no account \(id) on \(platform.name)")
        }
        return account
    }

    private func order(accountID: String, id: String) async throws(BuyerError) -> StorefrontOrder {
        _ = try await account(accountID)
        guard let order = try await storage({ try await store.order(platformID: platform.id, id: id) }), order.accountID == accountID else {
            throw BuyerError(.unknownOrder, "account \(accountID) has no order \(id)")
        }
        return order
    }

    /// Runs a gateway call for `order`; when the gateway refuses it, the order's stored state is brought up
    /// to date (an expired or locked charge) before the refusal is passed on.
    private func settling(_ order: StorefrontOrder, _ work: () async throws(BuyerError) -> StorefrontOrder) async throws(BuyerError) -> StorefrontOrder {
        let updated: StorefrontOrder
        do {
            updated = try await work()
        } catch let error where error.httpStatus / 100 == 4 {
            _ = try? await refresh(order)
            throw error
        }
        var saved = updated
        saved.updatedAt = clock.now()
        try await storage { [saved] in try await store.save(saved) }
        return saved
    }

    private func refresh(_ order: StorefrontOrder, thenRefuse: Bool = false) async throws(BuyerError) -> StorefrontOrder {
        guard let chargeID = order.chargeID else { return order }
        let charge: GatewayAPI.Charge = try await call(.GET, "/partner/v1/charges/\(chargeID)", body: nil, key: nil, expect: 200)
        var updated = order
        apply(charge, to: &updated, learnVoucher: !learnsVoucherByWebhook)
        updated.updatedAt = clock.now()
        try await storage { [updated] in try await store.save(updated) }
        if thenRefuse {
            switch updated.status {
            case .paid, .refunded: throw BuyerError(.orderNotPayable, "order \(order.id) is already paid")
            case .locked: throw BuyerError(.otpLocked)
            case .expired: throw BuyerError(.orderExpired)
            case .created, .awaitingOTP: break
            }
        }
        return updated
    }

    private func apply(_ charge: GatewayAPI.Charge, to order: inout StorefrontOrder, learnVoucher: Bool = true) {
        order.chargeID = charge.id
        order.status =
            switch charge.status {
            case "paid": .paid
            case "expired": .expired
            case "locked": .locked
            case "refunded": .refunded
            default: .awaitingOTP
            }
        order.otpExpiresAt = order.status == .awaitingOTP ? charge.otpExpiresAt : nil
        if learnVoucher, let v = charge.voucher {
            order.voucher = .init(code: v.code, redeemCode: v.redeemCode, invoiceCode: v.invoiceCode, providerID: v.providerId)
        }
    }

    /// The order as the shared protocol shows it, the voucher in this platform's print format.
    private func view(_ order: StorefrontOrder) -> BuyerOrder {
        BuyerOrder(
            id: order.id, accountID: order.accountID, courseID: order.courseID, amount: order.amount, status: order.status,
            otpExpiresAt: order.status == .awaitingOTP ? order.otpExpiresAt : nil,
            voucher: order.voucher.map {
                BuyerVoucher(
                    code: $0.code, displayCode: dialect.displayVoucher($0.code), redeemCode: $0.redeemCode, invoiceCode: $0.invoiceCode,
                    courseID: order.courseID, providerID: $0.providerID
                )
            }
        )
    }

    /// One signed partner-API call. Refusals come back in the shared taxonomy; an unreachable or failing
    /// gateway is `gatewayUnavailable`. Calls with the same idempotency key and body made while the first is
    /// still running (a buyer's retry racing its first try) share that first call's answer. A key the gateway
    /// reports in use by a call this storefront is not making (one that timed out, or another process's) is
    /// `idempotencyConflict` with a 503, a refusal not to be counted: the buyer retries later.
    private func call<T: Decodable>(_ method: HTTPMethod, _ target: String, body: [UInt8]?, key: String?, expect: Int) async throws(BuyerError) -> T {
        let response: GatewayClient.Response
        let (gateway, platform) = (gateway, platform)
        do {
            if let key {
                let call = "\(method.rawValue) \(target) \(key) \(Hex.encode(SHA256.hash(data: body ?? [])))"
                response = try await inFlight.run(call) {
                    try await gateway.partner(method, target, platformID: platform.id, secret: platform.partnerSecret, body: body, idempotencyKey: key)
                }
            } else {
                response = try await gateway.partner(method, target, platformID: platform.id, secret: platform.partnerSecret, body: body)
            }
        } catch {
            throw BuyerError(.gatewayUnavailable, "the gateway did not answer: \(error)", httpStatus: 0)
        }
        if response.status == expect, let value = try? response.decode(T.self) { return value }
        if response.status == 503, response.header("Retry-After") != nil, let refusal = try? response.decode(GatewayAPI.Error.self),
            refusal.error.code == GatewayError.Code.overloaded.rawValue
        {
            throw BuyerError(.overloaded, refusal.error.message, platformCode: refusal.error.code, httpStatus: 503)
        }
        if response.status >= 500 || response.status == expect {
            throw BuyerError(.gatewayUnavailable, "the gateway answered HTTP \(response.status)", httpStatus: 502)
        }
        guard let refusal = try? response.decode(GatewayAPI.Error.self), let code = GatewayError.Code(rawValue: refusal.error.code) else {
            throw BuyerError(.platformError, "the gateway answered HTTP \(response.status) without a known error code", httpStatus: 500)
        }
        if code == .idempotencyKeyInUse {
            throw BuyerError(.idempotencyConflict, "an earlier try of this payment is still running; try again shortly", platformCode: code.rawValue, httpStatus: 503)
        }
        throw BuyerError(BuyerError.Kind(gateway: code), refusal.error.message, platformCode: code.rawValue, httpStatus: response.status)
    }

    private func storage<T>(_ work: () async throws -> T) async throws(BuyerError) -> T {
        do {
            return try await work()
        } catch let error as BuyerError {
            throw error
        } catch let error as GatewayError where error.code == .storeUnavailable {
            throw BuyerError(.platformUnavailable, "the storefront's database does not answer: \(error.message)")
        } catch {
            throw BuyerError(.platformError, "storefront storage failed: \(error)")
        }
    }
}
