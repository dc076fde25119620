import Foundation
import PrakerjaCore
import PrakerjaSQLite
import PrakerjaTesting
import Synchronization
import Testing

/// A mail system that answers each message from a script (the n-th send gets the n-th answer, the last one
/// repeated) and keeps what it accepted.
final class ScriptedMailer: EmailTransport {
    private let script: [EmailSendResult]
    private let state = Mutex<(sends: Int, accepted: [OutgoingEmail])>((0, []))

    init(_ script: [EmailSendResult]) { self.script = script }

    var name: String { "SMTP scripted" }
    var accepted: [OutgoingEmail] { state.withLock { $0.accepted } }
    var sends: Int { state.withLock { $0.sends } }

    func send(_ email: OutgoingEmail) async -> EmailSendResult {
        state.withLock { s in
            s.sends += 1
            let answer = script[min(s.sends, script.count) - 1]
            if case .accepted = answer { s.accepted.append(email) }
            return answer
        }
    }
}

/// Voucher e-mails through a mail system: what it refuses never reaches the mailbox; a refusal for now is
/// retried on the schedule, one for good is dead-lettered; the e-mail faults act on this channel too.
@Suite struct MailerTests {
    func world(_ path: String, _ mailer: ScriptedMailer) async throws -> TestWorld {
        try await TestWorld(store: try SQLiteStore(path: path), mailer: mailer)
    }

    func emailDelivery(_ w: TestWorld, _ charge: Charge) async throws -> Delivery {
        try await w.gateway.store.deliveries(chargeID: charge.id).first { $0.channel == .email }!
    }

    func mailbox(_ w: TestWorld, _ p: Participant) async throws -> [OutboxMessage] {
        try await w.gateway.store.outbox(channel: .email, recipient: nil, afterID: 0, limit: 100).filter { $0.participantID == p.id }
    }

    @Test func anAcceptedMessageReachesTheMailboxOnce() async throws {
        try await withDatabaseFile { path in
            let mailer = ScriptedMailer([.accepted(reply: "250 OK")])
            let w = try await world(path, mailer)
            let p = try await w.participant()
            let (charge, voucher) = try await w.buy(p, course: w.courses()[0])
            try await w.gateway.delivery.runDue()
            let sent = try #require(mailer.accepted.first)
            #expect(mailer.accepted.count == 1 && sent.to == p.email && sent.body.contains(voucher.code) && sent.chargeID == charge.id)
            #expect(sent.date == TestWorld.start, "dated in business time")
            #expect(try await mailbox(w, p).count == 1)
            let d = try await emailDelivery(w, charge)
            #expect(d.status == .delivered && d.lastOutcome?.contains("through SMTP scripted (250 OK)") == true)
        }
    }

    @Test func aRefusalForNowIsRetriedOnTheSchedule() async throws {
        try await withDatabaseFile { path in
            let mailer = ScriptedMailer([.transient(reason: "connection refused"), .transient(reason: "421 try later"), .accepted(reply: "250 OK")])
            let w = try await world(path, mailer)
            let p = try await w.participant()
            let (charge, _) = try await w.buy(p, course: w.courses()[0])
            try await w.gateway.delivery.runDue()
            var d = try await emailDelivery(w, charge)
            #expect(d.status == .pending && d.nextAttemptAt == TestWorld.start + 15 * 60 && d.lastOutcome == "SMTP scripted: connection refused")
            #expect(try await mailbox(w, p).isEmpty, "a refused message is not in the participant's mailbox")
            _ = try await w.gateway.advanceClock(by: 86_400)
            d = try await emailDelivery(w, charge)
            let attempts = try await w.gateway.store.deliveryAttempts(deliveryID: d.id)
            #expect(d.status == .delivered && attempts.map(\.result) == [.failed, .failed, .delivered])
            #expect(attempts[2].at == TestWorld.start + 60 * 60, "the third attempt 15 + 45 minutes after the first")
            #expect(try await mailbox(w, p).count == 1 && mailer.accepted.count == 1)
        }
    }

    @Test func aRefusalForGoodIsDeadLettered() async throws {
        try await withDatabaseFile { path in
            let mailer = ScriptedMailer([.permanent(reason: "550 5.1.1 no such mailbox")])
            let w = try await world(path, mailer)
            let p = try await w.participant()
            let (charge, _) = try await w.buy(p, course: w.courses()[0])
            try await w.gateway.delivery.runDue()
            let d = try await emailDelivery(w, charge)
            #expect(d.status == .exhausted && d.lastOutcome?.contains("550 5.1.1") == true)
            #expect(try await w.gateway.store.chargeEvents(chargeID: charge.id).contains { $0.kind == "voucher.delivery_exhausted" })
            #expect(try await mailbox(w, p).isEmpty && mailer.sends == 1)
            #expect(try await w.gateway.store.audit().ok, "the money is right: the voucher exists, only its e-mail was refused")
        }
    }

    @Test func theEmailFaultsActOnTheMailSystem() async throws {
        try await withDatabaseFile { path in
            let mailer = ScriptedMailer([.accepted(reply: "250 OK")])
            let w = try await world(path, mailer)
            func magic(_ suffix: String) async throws -> Participant {
                try await w.gateway.createParticipant(ParticipantDraft(cardNumber: "500000000000" + suffix, videosWatched: 3))
            }
            let lost = try await magic("4001"), twice = try await magic("4003"), stale = try await magic("4004")
            for p in [lost, twice, stale] { _ = try await w.buy(p, course: w.courses()[0]) }
            try await w.gateway.delivery.runDue()
            #expect(!mailer.accepted.contains { $0.to == lost.email }, "lost: never handed to the mail system")
            #expect(mailer.accepted.filter { $0.to == twice.email }.count == 2, "duplicated: sent twice")
            #expect(mailer.accepted.contains { $0.to.contains("@old-") } && !mailer.accepted.contains { $0.to == stale.email }, "stale: the old address")
            let ids = Set(mailer.accepted.filter { $0.to == twice.email }.map(\.eventID))
            #expect(ids.count == 1, "a duplicate is the same message (one Message-ID)")
        }
    }

    @Test func aDuplicateTheMailSystemRefusedIsNotOnTheTimeline() async throws {
        try await withDatabaseFile { path in
            // The first copy is taken, the injected second one refused; then, for another charge, the first refused.
            let mailer = ScriptedMailer([.accepted(reply: "250 OK"), .transient(reason: "421 busy"), .transient(reason: "421 busy")])
            let w = try await world(path, mailer)
            let p = try await w.gateway.createParticipant(ParticipantDraft(cardNumber: "5000000000004003", videosWatched: 3))
            let (charge, _) = try await w.buy(p, course: w.courses()[0])
            try await w.gateway.delivery.runDue()
            let d = try await emailDelivery(w, charge)
            let attempt = try await w.gateway.store.deliveryAttempts(deliveryID: d.id)
            #expect(d.status == .delivered && d.lastOutcome?.contains("second copy was refused: 421 busy") == true)
            #expect(attempt.map(\.faults) == [[]], "the duplicate did not arrive, so it is not recorded as fired")
            #expect(try await w.gateway.store.chargeEvents(chargeID: charge.id).allSatisfy { $0.kind != "fault" })
            #expect(try await mailbox(w, p).count == 1)
        }
    }
}
