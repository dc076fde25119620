import Foundation

/// Redemption at training providers and the participant's side of a training, as pure functions.
public struct TrainingFlow: Sendable {
    public let catalog: Catalog
    public let rules: RulesProfile
    /// Attendance sequences: 1–10, and 999 for the post-test.
    public static let validSequences: Set<Int> = Set(1...10).union([999])
    public static let webinarWindow: TimeInterval = 3600

    /// Queues `voucher.redeemed` to the platform when a voucher is first redeemed.
    public let delivery: DeliveryFlow?

    public init(catalog: Catalog, rules: RulesProfile, delivery: DeliveryFlow? = nil) {
        self.catalog = catalog
        self.rules = rules
        self.delivery = delivery
    }

    /// The checks common to status and commit, in the order the real API applies them.
    func check(_ voucher: Voucher?, provider: Provider, sequence: Int) throws(RedeemError) -> (Voucher, Course) {
        guard let voucher, let course = catalog.course(voucher.courseID) else { throw RedeemError(.notFound) }
        guard voucher.providerID == provider.id else { throw RedeemError(.wrongProvider) }
        switch voucher.status {
        case .cancelled: throw RedeemError(.codeCancelled)
        case .transactionCancelled: throw RedeemError(.transactionCancelled)
        case .active: break
        }
        switch course.type {
        case .offline: throw RedeemError(.typeMismatch)
        case .webinar where sequence != 999 && sequence > course.sessions.count: throw RedeemError(.typeMismatch)
        case .webinar, .selfPaced: break
        }
        return (voucher, course)
    }

    public func status(voucher: Voucher, provider: Provider, sequence: Int) throws(RedeemError) -> RedeemStatus {
        let (voucher, course) = try check(voucher, provider: provider, sequence: sequence)
        return render(voucher, course: course, sequence: sequence)
    }

    /// Marks attendance `sequence` (1 = the redemption itself).
    public func commit(_ ws: inout Workspace, provider: Provider, sequence: Int) throws(RedeemError) -> RedeemStatus {
        var (voucher, course) = try check(ws.voucher, provider: provider, sequence: sequence)
        if voucher.attendedSequences.contains(sequence) { throw RedeemError(.alreadyUsed) }
        if course.type == .webinar, sequence != 999 {
            let start = course.sessions[sequence - 1].startsAt
            guard abs(ws.now.timeIntervalSince(start)) <= Self.webinarWindow else { throw RedeemError(.outsideWebinarWindow) }
        }
        voucher.attendedSequences = (voucher.attendedSequences + [sequence]).sorted()
        let firstRedemption = voucher.redeemedAt == nil
        if firstRedemption { voucher.redeemedAt = ws.now }
        ws.voucher = voucher
        ws.record("redeem_committed", "sequence \(sequence) at \(provider.id)")
        if firstRedemption { delivery?.emit(&ws, .voucherRedeemed) }
        return render(voucher, course: course, sequence: sequence)
    }

    func render(_ voucher: Voucher, course: Course, sequence: Int) -> RedeemStatus {
        RedeemStatus(
            redeemCode: voucher.redeemCode, courseCode: course.id, invoiceCode: voucher.invoiceCode,
            scheduleCode: course.type == .webinar ? "\(course.id)-s\(min(sequence, course.sessions.count))" : nil,
            status: voucher.redeemedAt == nil ? 0 : 1,
            attendanceStatus: voucher.attendedSequences.contains(sequence) ? 1 : 0,
            redeemAt: voucher.redeemedAt.map(Timestamps.iso8601),
            dpPlatform: catalog.platform(voucher.platformID)?.name ?? voucher.platformID, sequence: sequence
        )
    }

    // MARK: Participant actions (simulation API)

    public func watchVideos(_ ws: inout Workspace, count: Int) throws(GatewayError) {
        guard (1...rules.requiredVideos).contains(count) else {
            throw GatewayError.field("count", "must be between 1 and \(rules.requiredVideos)")
        }
        ws.participant.videosWatched = min(rules.requiredVideos, ws.participant.videosWatched + count)
    }

    /// The participant finishes the training behind a redeemed voucher.
    public func complete(_ ws: inout Workspace) throws(GatewayError) -> Voucher {
        guard var voucher = ws.voucher else { throw GatewayError(.unknownVoucher) }
        guard voucher.status == .active else { throw GatewayError(.voucherNotActive) }
        guard voucher.redeemedAt != nil else { throw GatewayError(.trainingNotRedeemed) }
        if voucher.completedAt == nil {
            voucher.completedAt = ws.now
            ws.voucher = voucher
            ws.record("training_completed")
        }
        return voucher
    }

    /// The participant rates a completed training (1–5), which frees them to buy the next one.
    public func rate(_ ws: inout Workspace, rating: Int) throws(GatewayError) -> Voucher {
        guard (1...5).contains(rating) else { throw GatewayError.field("rating", "must be between 1 and 5") }
        guard var voucher = ws.voucher else { throw GatewayError(.unknownVoucher) }
        guard voucher.status == .active else { throw GatewayError(.voucherNotActive) }
        guard voucher.completedAt != nil else { throw GatewayError(.trainingNotCompleted) }
        guard voucher.rating == nil else { throw GatewayError(.trainingAlreadyRated) }
        voucher.rating = rating
        ws.voucher = voucher
        if ws.participant.openVoucherCode == voucher.code { ws.participant.openVoucherCode = nil }
        ws.participant.lastCompletedAt = ws.now
        ws.participant.completedTrainings += 1
        if ws.participant.completedTrainings == 1 {
            ws.participant.incentiveTotal = rules.incentiveAmount * Rupiah(rules.incentivePayments)
        }
        ws.record("training_rated", "\(rating)/5")
        return voucher
    }
}
