import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PrakerjaCore
import PrakerjaHTTP
import PrakerjaTesting
import Testing

@Suite struct OverloadTests {
    /// A signed new-charge request for a fresh participant, as `order`, with idempotency key `key`.
    static func createCharge(
        _ h: HTTPHarness, _ client: any TestClientProtocol, card: String, order: String, key: String, _ check: @escaping (TestResponse) -> Void
    ) async throws {
        let body = #"{"card_number":"\#(card)","course_id":"\#(h.world.courses()[0].id)","platform_order_id":"\#(order)","account_id":"a-1"}"#
        try await client.execute(
            uri: "/partner/v1/charges", method: .post, headers: h.signed(method: .post, "/partner/v1/charges", body: body, key: key),
            body: ByteBuffer(string: body)
        ) { check($0) }
    }

    @Test func pastItsLimitTheMoneyPathIsAnswered503WithRetryAfterAndNothingChanges() async throws {
        let admission = Admission(limit: 2)
        try await HTTPHarness.with(admission: admission) { h, client in
            let p = try await h.world.participant()
            // Both places taken, as by two requests still being worked on.
            #expect(admission.enter() && admission.enter())
            let before = try await h.snapshot()
            try await Self.createCharge(h, client, card: p.cardNumber, order: "o-1", key: "K1") {
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
            try await Self.createCharge(h, client, card: p.cardNumber, order: "o-1", key: "K1") { #expect($0.status == .created) }
            #expect(admission.current == 0, "the place taken by the request is given back when it is answered")
        }
    }

    /// A storefront asks for a charge in the middle of a purchase it already took on: the gateway refuses
    /// it only when all its room is taken, like a confirm (the storefronts keep new work to half theirs).
    @Test func aNewChargeIsRefusedOnlyWhenAllTheRoomIsTaken() async throws {
        let admission = Admission(limit: 4)
        try await HTTPHarness.with(admission: admission) { h, client in
            let p = try await h.world.participant()
            #expect(admission.enter() && admission.enter() && admission.enter(), "three of four places taken")
            try await Self.createCharge(h, client, card: p.cardNumber, order: "o-1", key: "K1") { #expect($0.status == .created) }
            #expect(admission.enter(), "the fourth")
            try await Self.createCharge(h, client, card: p.cardNumber, order: "o-2", key: "K2") { #expect($0.status == .serviceUnavailable && $0.errorCode == "OVERLOADED") }
            #expect(!admission.enter(), "a full bound takes nobody")
            for _ in 0..<4 { admission.leave() }
            #expect(admission.current == 0)
        }
    }

}
