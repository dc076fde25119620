import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PrakerjaCore
import PrakerjaHTTP
import PrakerjaTesting
import Testing

@Suite struct OverloadTests {
    @Test func pastItsLimitTheMoneyPathIsAnswered503WithRetryAfterAndNothingChanges() async throws {
        let admission = Admission(limit: 2)
        try await HTTPHarness.with(admission: admission) { h, client in
            let p = try await h.world.participant()
            let course = h.world.courses()[0]
            let body = #"{"card_number":"\#(p.cardNumber)","course_id":"\#(course.id)","platform_order_id":"o-1","account_id":"a-1"}"#
            // Both places taken, as by two requests still being worked on.
            #expect(admission.enter() && admission.enter())
            let before = try await h.snapshot()
            try await client.execute(
                uri: "/partner/v1/charges", method: .post, headers: h.signed(method: .post, "/partner/v1/charges", body: body, key: "K1"),
                body: ByteBuffer(string: body)
            ) {
                #expect($0.status == .serviceUnavailable)
                #expect($0.headers[.retryAfter] == "1")
                #expect($0.errorCode == "OVERLOADED")
            }
            try await client.execute(uri: "/api/v1/integration/payment/redeem-code/status", method: .post, body: ByteBuffer(string: "{}")) {
                #expect($0.status == .serviceUnavailable && $0.errorCode == "OVERLOADED")
            }
            // The simulation API and the catalog are always answered.
            try await client.execute(uri: "/sim/audit", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/catalog/courses?limit=1", method: .get) { #expect($0.status == .ok) }
            #expect(try await h.snapshot() == before, "a refused request changes nothing")
            #expect(admission.refusals == 2)

            // The room frees up: the same request (same key) now goes through, once.
            admission.leave()
            admission.leave()
            try await client.execute(
                uri: "/partner/v1/charges", method: .post, headers: h.signed(method: .post, "/partner/v1/charges", body: body, key: "K1"),
                body: ByteBuffer(string: body)
            ) { #expect($0.status == .created) }
            #expect(admission.current == 0, "the place taken by the request is given back when it is answered")
        }
    }

    @Test func newChargesGetHalfTheRoomAndPaymentsUnderWayTheRest() async throws {
        let admission = Admission(limit: 4)
        try await HTTPHarness.with(admission: admission) { h, client in
            let p = try await h.world.participant()
            let course = h.world.courses()[0]
            let body = #"{"card_number":"\#(p.cardNumber)","course_id":"\#(course.id)","platform_order_id":"o-1","account_id":"a-1"}"#
            var chargeID = ""
            try await client.execute(
                uri: "/partner/v1/charges", method: .post, headers: h.signed(method: .post, "/partner/v1/charges", body: body, key: "K1"),
                body: ByteBuffer(string: body)
            ) {
                #expect($0.status == .created)
                chargeID = $0.json["id"] as? String ?? ""
            }
            #expect(admission.enter() && admission.enter(), "half the room taken")
            let other = body.replacingOccurrences(of: "o-1", with: "o-2")
            try await client.execute(
                uri: "/partner/v1/charges", method: .post, headers: h.signed(method: .post, "/partner/v1/charges", body: other, key: "K2"),
                body: ByteBuffer(string: other)
            ) { #expect($0.status == .serviceUnavailable && $0.errorCode == "OVERLOADED", "no new charge") }
            let target = "/partner/v1/charges/\(chargeID)"
            try await client.execute(uri: target, method: .get, headers: h.signed(method: .get, target, body: "")) {
                #expect($0.status == .ok, "the charge under way is still answered")
            }
            admission.leave()
            admission.leave()
        }
    }
}
