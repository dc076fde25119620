import Foundation

/// The programme's rules for buying a training, checked on a workspace.
public enum Eligibility {
    /// Applies what time alone decides: a participant who missed the first-purchase deadline is revoked,
    /// blacklisted, and loses the balance.
    public static func applyDeadlines(_ ws: inout Workspace, rules: RulesProfile) {
        let p = ws.participant
        guard p.status == .active, p.firstPurchaseAt == nil else { return }
        let deadline = p.acceptedAt + rules.firstPurchaseWindow
        guard ws.now > deadline else { return }
        ws.participant.status = .revoked
        ws.participant.revokedAt = deadline
        ws.participant.revocationReason = .firstPurchaseDeadline
        if ws.participant.balance > 0 { ws.move(.forfeit, ws.participant.balance, chargeID: nil) }
        ws.blacklist(p.nik)
    }

    /// Throws the first rule the participant breaks by buying `course`.
    public static func checkCanBuy(_ ws: inout Workspace, course: Course, rules: RulesProfile) throws(GatewayError) {
        applyDeadlines(&ws, rules: rules)
        let p = ws.participant
        if p.status == .revoked {
            throw p.revocationReason == .firstPurchaseDeadline ? GatewayError(.firstPurchaseDeadlinePassed) : GatewayError(.participantRevoked)
        }
        if p.firstPurchaseAt == nil, p.videosWatched < rules.requiredVideos {
            throw GatewayError(
                .videosNotWatched, details: ["videos_watched": "\(p.videosWatched)", "videos_required": "\(rules.requiredVideos)"]
            )
        }
        if let open = p.openVoucherCode {
            throw GatewayError(.previousTrainingUnfinished, details: ["voucher_code": open])
        }
        if let days = rules.nextPurchaseDays, let last = p.lastCompletedAt, ws.now > last + TimeInterval(days) * 86_400 {
            throw GatewayError(.nextPurchaseDeadlinePassed)
        }
        if course.price > p.balance {
            throw GatewayError(.insufficientBalance, details: ["balance": "\(p.balance)", "price": "\(course.price)"])
        }
    }
}
