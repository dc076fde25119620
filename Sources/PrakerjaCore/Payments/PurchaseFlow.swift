import Foundation

/// The charge lifecycle as pure functions over a ``Workspace``: create → OTP → confirm → voucher.
///
/// A function either throws (a plain refusal: the store writes nothing) or returns. Where a refusal must
/// still leave a trace (a wrong OTP counts an attempt, a late confirm expires the charge), it returns
/// `.failure` after changing the workspace, and the store commits before the error is reported.
public struct PurchaseFlow: Sendable {
    public let catalog: Catalog
    public let rules: RulesProfile
    public let policy: PaymentPolicy
    /// Every id, OTP and code of a charge is derived from the seed and the charge's own key.
    public let entropy: EntropySource
    /// Queues the events a charge's changes cause (webhooks, the voucher e-mail).
    public let delivery: DeliveryFlow
    /// Injected failures (a crash between debit and voucher).
    public let faults: FaultPlan

    public init(
        catalog: Catalog, rules: RulesProfile, policy: PaymentPolicy = PaymentPolicy(), entropy: EntropySource, schedule: RetrySchedule = .xendit,
        faults: FaultPlan = .none
    ) {
        self.catalog = catalog
        self.rules = rules
        self.policy = policy
        self.entropy = entropy
        self.delivery = DeliveryFlow(schedule: schedule, entropy: entropy)
        self.faults = faults
    }

    static let codeAlphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    /// A sandbox test value: confirming with this OTP (when it is not the charge's real one) is answered as
    /// an expired OTP, without counting a wrong attempt.
    public static let magicExpiredOTP = "222001"
    static let idAlphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")

    // MARK: Create

    /// Checks the request against the catalog (before any store is touched).
    public func course(for request: ChargeRequest, platformID: String) throws(GatewayError) -> Course {
        try request.validate()
        guard let course = catalog.course(request.courseID) else { throw GatewayError(.unknownCourse) }
        guard course.platforms.contains(platformID) else {
            throw GatewayError(.courseNotSoldOnPlatform, details: ["course_id": course.id, "platform": platformID])
        }
        return course
    }

    /// Creates a pending charge and sends its OTP by SMS.
    public func create(_ ws: inout Workspace, request: ChargeRequest, platformID: String) throws(GatewayError) -> Charge {
        let course = try course(for: request, platformID: platformID)
        if let owner = ws.accountOwnerCard, owner != request.cardNumber { throw GatewayError(.accountBoundToOtherCard) }
        if let account = ws.cardAccount, account != request.accountID { throw GatewayError(.cardBoundToOtherAccount) }
        try Eligibility.checkCanBuy(&ws, course: course, rules: rules)
        try takeDailyOTP(&ws)
        if ws.accountOwnerCard == nil, ws.cardAccount == nil {
            ws.bind(AccountBinding(platformID: platformID, accountID: request.accountID, cardNumber: request.cardNumber, boundAt: ws.now))
        }
        // The participant's charge counter keys the id: unique for good, and the same on a retried transaction.
        ws.participant.chargesCreated += 1
        var rng = entropy.generator(.charge, ws.participant.id, String(ws.participant.chargesCreated))
        let id = "ch_" + rng.string(24, from: Self.idAlphabet)
        let otp = otp(chargeID: id, send: 1)
        ws.insert(
            Charge(
                id: id, participantID: ws.participant.id, cardNumber: request.cardNumber, platformID: platformID,
                platformOrderID: request.platformOrderID, accountID: request.accountID, courseID: course.id, amount: course.price,
                status: .pending, otp: otp, otpExpiresAt: ws.now + policy.otpTTL, otpAttempts: 0, otpSends: 1,
                otpLastSentAt: ws.now, createdAt: ws.now, expiresAt: ws.now + policy.chargeTTL
            )
        )
        ws.record("created", "\(course.id) Rp \(course.price) on \(platformID), order \(request.platformOrderID)")
        sendOTP(&ws, otp: otp, course: course)
        return ws.charge!
    }

    // MARK: Resend

    /// Replaces the OTP with a new one, within the resend throttle and the daily cap.
    public func resendOTP(_ ws: inout Workspace) throws(GatewayError) -> Charge {
        guard var charge = ws.charge else { throw GatewayError(.unknownCharge) }
        try requirePayable(charge, now: ws.now)
        let wait = (charge.otpLastSentAt + policy.otpResendInterval).timeIntervalSince(ws.now)
        if wait > 0 {
            throw GatewayError(.otpResendTooSoon, details: ["retry_after_seconds": "\(Int(wait.rounded(.up)))"])
        }
        try takeDailyOTP(&ws)
        charge.otp = otp(chargeID: charge.id, send: charge.otpSends + 1)
        charge.otpExpiresAt = ws.now + policy.otpTTL
        charge.otpAttempts = 0
        charge.otpSends += 1
        charge.otpLastSentAt = ws.now
        ws.charge = charge
        ws.record("otp_resent", "send #\(charge.otpSends)")
        sendOTP(&ws, otp: charge.otp, course: catalog.course(charge.courseID))
        return charge
    }

    // MARK: Confirm

    /// Pays a charge with its OTP: debits the balance and issues a voucher, atomically.
    ///
    /// Confirming a paid charge again with the OTP that paid it returns the same charge and voucher, so a
    /// platform that timed out and retries can never cause a second debit.
    public func confirm(_ ws: inout Workspace, otp: String) throws(GatewayError) -> Result<Charge, GatewayError> {
        guard var charge = ws.charge else { throw GatewayError(.unknownCharge) }
        try validateOTP(otp)
        if charge.status == .paid {
            if otp == charge.otp { return .success(charge) }
            throw GatewayError(.chargeAlreadyPaid, details: ["voucher_code": charge.voucherCode ?? ""])
        }
        if charge.status == .pending, ws.now >= charge.expiresAt {
            charge.status = .expired
            ws.charge = charge
            ws.record("expired", "not paid within \(Int(policy.chargeTTL)) s")
            delivery.emit(&ws, .chargeExpired)
            return .failure(GatewayError(.chargeExpired))
        }
        try requirePayable(charge, now: ws.now)
        if otp == Self.magicExpiredOTP, otp != charge.otp {
            ws.record("otp_rejected", "magic OTP \(otp): answered as expired")
            return .failure(GatewayError(.otpExpired))
        }
        if ws.now >= charge.otpExpiresAt {
            ws.record("otp_rejected", "expired")
            return .failure(GatewayError(.otpExpired))
        }
        if otp != charge.otp {
            charge.otpAttempts += 1
            let remaining = policy.maxOTPAttempts - charge.otpAttempts
            if remaining <= 0 {
                charge.status = .locked
                ws.charge = charge
                ws.record("locked", "\(policy.maxOTPAttempts) wrong OTPs")
                return .failure(GatewayError(.otpLocked))
            }
            ws.charge = charge
            ws.record("otp_rejected", "wrong, \(remaining) attempts left")
            return .failure(GatewayError(.otpInvalid, details: ["attempts_remaining": "\(remaining)"]))
        }
        guard let course = catalog.course(charge.courseID) else { throw GatewayError(.unknownCourse) }
        try Eligibility.checkCanBuy(&ws, course: course, rules: rules)

        // Pay: debit, voucher, e-mail. All in this one transaction.
        ws.move(.debit, charge.amount, chargeID: charge.id)
        charge.status = .paid
        charge.paidAt = ws.now
        ws.charge = charge
        if ws.participant.firstPurchaseAt == nil { ws.participant.firstPurchaseAt = ws.now }
        ws.record("paid", "debited Rp \(charge.amount), balance Rp \(ws.participant.balance)")
        // The voucher e-mail and the webhooks are delivered after the commit, by the delivery engine.
        delivery.emit(&ws, .chargePaid)
        if faults.fires(.crashBeforeVoucher, chargeID: charge.id, cardNumber: charge.cardNumber) {
            ws.record("fault", "\(Fault.crashBeforeVoucher.rawValue): the gateway stopped after the debit, before the voucher")
            return .failure(GatewayError(.simulatedCrash))
        }
        issueVoucher(&ws, course: course)
        if faults.fires(.pageLag, chargeID: charge.id, cardNumber: charge.cardNumber) {
            ws.charge?.voucherVisibleAt = ws.now + faults.pageLag
            ws.record("fault", "\(Fault.pageLag.rawValue): the platform sees the voucher only from \(Timestamps.iso8601(ws.now + faults.pageLag))")
        }
        return .success(ws.charge!)
    }

    /// Issues the voucher of a paid charge, with its e-mail and webhooks.
    private func issueVoucher(_ ws: inout Workspace, course: Course) {
        guard var charge = ws.charge else { return }
        let voucher = newVoucher(for: charge, course: course, now: ws.now)
        charge.voucherCode = voucher.code
        ws.charge = charge
        ws.insert(voucher)
        ws.participant.openVoucherCode = voucher.code
        ws.record("voucher_issued", "\(voucher.code) redeem \(voucher.redeemCode)")
        let platformName = catalog.platform(charge.platformID)?.name ?? charge.platformID
        let email = EmailMessage(
            to: ws.participant.email, subject: "Kode voucher pelatihan: \(course.title)",
            body: """
                Halo \(ws.participant.name),
                Pembelian pelatihan "\(course.title)" di \(platformName) berhasil (Rp \(charge.amount)).
                Kode voucher: \(voucher.code)
                Kode redeem: \(voucher.redeemCode)
                Nomor invoice: \(voucher.invoiceCode)
                Sisa saldo pelatihan: Rp \(ws.participant.balance)
                """
        )
        delivery.emit(&ws, .voucherIssued, email: email)
    }

    // MARK: Reconciliation

    /// What reconciliation did to a charge that was debited without a voucher.
    public enum Repair: String, Codable, Sendable {
        case voucherIssued = "voucher_issued"
        case refunded
    }

    /// Repairs a charge debited without a voucher with exactly one voucher — or, when the participant can no
    /// longer take that training (revoked, or another training open meanwhile), exactly one refund. Nil, and
    /// no change, for any other charge, so running it again is harmless.
    public func reconcile(_ ws: inout Workspace) -> Repair? {
        guard var charge = ws.charge, charge.status == .paid, charge.voucherCode == nil, ws.voucher == nil else { return nil }
        if let course = catalog.course(charge.courseID), ws.participant.status == .active, ws.participant.openVoucherCode == nil {
            ws.record("reconciled", "debited without a voucher: voucher issued")
            issueVoucher(&ws, course: course)
            return .voucherIssued
        }
        charge.status = .refunded
        charge.refundedAt = ws.now
        ws.charge = charge
        ws.move(.refund, charge.amount, chargeID: charge.id)
        ws.record("reconciled", "debited without a voucher, and the participant cannot take this training now: refunded Rp \(charge.amount)")
        delivery.emit(&ws, .chargeRefunded)
        return .refunded
    }

    /// Checks an OTP's format (before any store is touched).
    public func validateOTP(_ otp: String) throws(GatewayError) {
        guard Digits.check(otp, count: policy.otpDigits) else { throw GatewayError.field("otp", "must be \(policy.otpDigits) digits") }
    }

    /// Expires a pending charge whose payment window has passed. Returns whether it changed.
    public func expireIfDue(_ ws: inout Workspace) -> Bool {
        guard var charge = ws.charge, charge.status == .pending, ws.now >= charge.expiresAt else { return false }
        charge.status = .expired
        ws.charge = charge
        ws.record("expired", "not paid within \(Int(policy.chargeTTL)) s")
        delivery.emit(&ws, .chargeExpired)
        return true
    }

    // MARK: Cancellation

    /// Cancels a paid charge's voucher or whole transaction and refunds the amount exactly once.
    public func cancel(_ ws: inout Workspace, transaction: Bool) throws(GatewayError) -> Voucher {
        guard var charge = ws.charge, var voucher = ws.voucher else { throw GatewayError(.unknownVoucher) }
        guard charge.status == .paid, voucher.status == .active else { throw GatewayError(.voucherNotActive) }
        guard voucher.completedAt == nil else { throw GatewayError(.trainingAlreadyRated, "A completed training cannot be cancelled.") }
        voucher.status = transaction ? .transactionCancelled : .cancelled
        charge.status = .refunded
        charge.refundedAt = ws.now
        ws.charge = charge
        ws.voucher = voucher
        ws.move(.refund, charge.amount, chargeID: charge.id)
        if ws.participant.openVoucherCode == voucher.code { ws.participant.openVoucherCode = nil }
        ws.record(transaction ? "transaction_cancelled" : "voucher_cancelled", "refunded Rp \(charge.amount)")
        delivery.emit(&ws, .chargeRefunded)
        return voucher
    }

    // MARK: Helpers

    private func requirePayable(_ charge: Charge, now: Date) throws(GatewayError) {
        switch charge.status {
        case .pending:
            if now >= charge.expiresAt { throw GatewayError(.chargeExpired) }
        case .paid: throw GatewayError(.chargeAlreadyPaid, details: ["voucher_code": charge.voucherCode ?? ""])
        case .expired: throw GatewayError(.chargeExpired)
        case .locked: throw GatewayError(.otpLocked)
        case .refunded: throw GatewayError(.chargeNotPayable)
        }
    }

    private func takeDailyOTP(_ ws: inout Workspace) throws(GatewayError) {
        let today = Jakarta.dayNumber(ws.now)
        if ws.participant.otpDay != today {
            ws.participant.otpDay = today
            ws.participant.otpSentToday = 0
        }
        guard ws.participant.otpSentToday < policy.otpDailyLimit else {
            throw GatewayError(.otpDailyLimit, details: ["limit": "\(policy.otpDailyLimit)"])
        }
        ws.participant.otpSentToday += 1
    }

    private func sendOTP(_ ws: inout Workspace, otp: String, course: Course?) {
        let minutes = Int(policy.otpTTL / 60)
        let body = "Kode OTP Prakerja: \(otp). Berlaku \(minutes) menit untuk pembayaran \(course?.title ?? "pelatihan"). JANGAN berikan kode ini kepada siapa pun."
        if let charge = ws.charge, faults.fires(.otpLate, chargeID: charge.id, cardNumber: charge.cardNumber, attempt: charge.otpSends) {
            // The text reaches the phone a minute after the code expired: held back as a delivery.
            let late = ws.now + policy.otpTTL + 60
            ws.record("fault", "\(Fault.otpLate.rawValue): OTP SMS #\(charge.otpSends) held back until \(Timestamps.iso8601(late)), after it expires")
            delivery.hold(&ws, sms: EmailMessage(to: ws.participant.phone, subject: "OTP", body: body), send: charge.otpSends, until: late)
        } else {
            ws.send(.sms, subject: "OTP", body: body)
        }
        ws.record("otp_sent", ws.participant.phone)
    }

    /// OTP number `send` of a charge.
    private func otp(chargeID: String, send: Int) -> String {
        var rng = entropy.generator(.otp, chargeID, String(send))
        return rng.digits(policy.otpDigits)
    }

    /// A charge has at most one voucher, so the charge id alone keys its codes.
    private func newVoucher(for charge: Charge, course: Course, now: Date) -> Voucher {
        var rng = entropy.generator(.voucher, charge.id)
        let code = "PRK-" + rng.string(4, from: Self.codeAlphabet) + "-" + rng.string(4, from: Self.codeAlphabet) + "-" + rng.string(4, from: Self.codeAlphabet)
        let redeem = rng.uuidString()
        let invoice = "INV-\(charge.platformID.uppercased())-" + rng.string(10, from: Self.codeAlphabet)
        return Voucher(
            code: code, redeemCode: redeem, invoiceCode: invoice, chargeID: charge.id, participantID: charge.participantID,
            courseID: course.id, providerID: course.providerID, platformID: charge.platformID, amount: charge.amount,
            status: .active, issuedAt: now, attendedSequences: []
        )
    }
}
