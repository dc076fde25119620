import Foundation
import PrakerjaCore
import PrakerjaTesting
import Testing

@Suite struct DeliveryFlowTests {
    /// The Standard Webhooks reference vector (the spec's libraries test against it).
    @Test func signsLikeTheStandardWebhooksReference() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let body = Array(#"{"test": 2432232314}"#.utf8)
        let signature = StandardWebhooks.sign(secret: secret, id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        let at = Date(timeIntervalSince1970: 1_614_265_330)
        #expect(StandardWebhooks.verify(secret: secret, id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330", signatures: "v1,bogus " + signature!, body: body, now: at))
        #expect(!StandardWebhooks.verify(secret: secret, id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330", signatures: signature!, body: body, now: at + 301))
        #expect(!StandardWebhooks.verify(secret: secret, id: "msg_other", timestamp: "1614265330", signatures: signature!, body: body, now: at))
        #expect(StandardWebhooks.sign(secret: "not-a-secret", id: "x", timestamp: 1, body: []) == nil)
    }

    @Test func eachPlatformHasItsOwnStableSecret() {
        let secrets = TestWorld.catalog.platforms.map(StandardWebhooks.secret(for:))
        #expect(Set(secrets).count == secrets.count && secrets.allSatisfy { $0.hasPrefix("whsec_") })
        #expect(secrets == TestWorld.catalog.platforms.map(StandardWebhooks.secret(for:)))
    }

    @Test func retrySchedulesParseAndPrint() {
        #expect(RetrySchedule.xendit.description == "15m,45m,2h,6h,12h,1d" && RetrySchedule.xendit.attempts == 7)
        #expect(RetrySchedule(parsing: "15m,45m,2h,6h,12h,24h") == .xendit)
        #expect(RetrySchedule(parsing: "30s,1d")?.delays == [30, 86_400])
        for bad in ["", "15", "15x", "-5m", "m", "1m,,2m"] { #expect(RetrySchedule(parsing: bad) == nil, "\(bad)") }
        #expect(RetrySchedule.xendit.delay(after: 1) == 900 && RetrySchedule.xendit.delay(after: 7) == nil && RetrySchedule.xendit.delay(after: 0) == nil)
    }
}
