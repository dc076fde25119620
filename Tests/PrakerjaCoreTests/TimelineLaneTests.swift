import Foundation
import PrakerjaCore
import Testing

@Suite struct TimelineLaneTests {
    func lane(_ kind: String, _ detail: String = "") -> TimelineLane {
        TimelineLane.of(ChargeEvent(chargeID: "ch_1", kind: kind, detail: detail, at: Date(timeIntervalSince1970: 0)))
    }

    @Test func eachStepHasTheActorWhoTookIt() {
        #expect(lane("created") == .platform && lane("otp_rejected") == .platform && lane("otp_resent") == .platform)
        #expect(lane("otp_sent") == .participant && lane("sms_delivered") == .participant && lane("training_rated") == .participant)
        #expect(lane("paid") == .gateway && lane("voucher_issued") == .gateway && lane("reconciled") == .gateway && lane("email_queued") == .gateway)
        #expect(lane("voucher_emailed") == .email && lane("email_failed") == .email && lane("email_delayed") == .email)
        #expect(lane("webhook_delivered") == .webhook && lane("webhook_failed") == .webhook)
        #expect(lane("redeem_committed") == .provider)
    }

    @Test func faultsAndDeadLettersGoToTheChannelTheyName() {
        #expect(lane("fault", "email.lost: the voucher e-mail … was lost") == .email)
        #expect(lane("fault", "webhook.5xx: attempt 1 answered 503") == .webhook)
        #expect(lane("fault", "otp.late: OTP SMS #1 held back") == .participant)
        #expect(lane("fault", "page.lag: the platform sees the voucher only from …") == .platform)
        #expect(lane("fault", "gateway.crash_before_voucher: the gateway stopped") == .gateway)
        #expect(lane("voucher.delivery_exhausted", "webhook voucher.issued dead-lettered after …") == .webhook)
        #expect(lane("redelivery_requested", "email voucher.issued by hand") == .email)
    }
}
