import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PrakerjaCore
import PrakerjaTesting
import Testing

@Suite struct PartnerAPITests {
    struct BadCase: CustomStringConvertible, Sendable {
        var name: String
        var method: HTTPRequest.Method
        var path: String
        var body: String
        var signing: Signing
        var status: Int
        var code: String
        var description: String { name }

        enum Signing: Sendable { case valid, none, badSignature, stale, unknownPlatform }
    }

    /// `{card}` and `{course}` are replaced with a real participant's card and a course on sale.
    static let badCases: [BadCase] = [
        .init(name: "malformed JSON", method: .post, path: "/partner/v1/charges", body: "{not json", signing: .valid, status: 400, code: "INVALID_JSON"),
        .init(name: "empty body", method: .post, path: "/partner/v1/charges", body: "", signing: .valid, status: 400, code: "INVALID_JSON"),
        .init(name: "array body", method: .post, path: "/partner/v1/charges", body: "[]", signing: .valid, status: 400, code: "INVALID_JSON"),
        .init(name: "wrong type", method: .post, path: "/partner/v1/charges", body: #"{"card_number":1234567890123456,"course_id":"{course}","platform_order_id":"o","account_id":"a"}"#, signing: .valid, status: 400, code: "INVALID_FIELD"),
        .init(name: "missing field", method: .post, path: "/partner/v1/charges", body: #"{"card_number":"{card}","platform_order_id":"o","account_id":"a"}"#, signing: .valid, status: 400, code: "INVALID_FIELD"),
        .init(name: "null field", method: .post, path: "/partner/v1/charges", body: #"{"card_number":"{card}","course_id":null,"platform_order_id":"o","account_id":"a"}"#, signing: .valid, status: 400, code: "INVALID_FIELD"),
        .init(name: "short card number", method: .post, path: "/partner/v1/charges", body: #"{"card_number":"12345","course_id":"{course}","platform_order_id":"o","account_id":"a"}"#, signing: .valid, status: 400, code: "INVALID_FIELD"),
        .init(name: "unknown card", method: .post, path: "/partner/v1/charges", body: #"{"card_number":"9999999999999999","course_id":"{course}","platform_order_id":"o","account_id":"a"}"#, signing: .valid, status: 404, code: "UNKNOWN_CARD"),
        .init(name: "unknown course", method: .post, path: "/partner/v1/charges", body: #"{"card_number":"{card}","course_id":"crs-9999","platform_order_id":"o","account_id":"a"}"#, signing: .valid, status: 404, code: "UNKNOWN_COURSE"),
        .init(name: "unsigned", method: .post, path: "/partner/v1/charges", body: #"{"card_number":"{card}","course_id":"{course}","platform_order_id":"o","account_id":"a"}"#, signing: .none, status: 401, code: "MISSING_CREDENTIALS"),
        .init(name: "bad signature", method: .post, path: "/partner/v1/charges", body: #"{"card_number":"{card}","course_id":"{course}","platform_order_id":"o","account_id":"a"}"#, signing: .badSignature, status: 401, code: "INVALID_SIGNATURE"),
        .init(name: "stale timestamp", method: .post, path: "/partner/v1/charges", body: #"{"card_number":"{card}","course_id":"{course}","platform_order_id":"o","account_id":"a"}"#, signing: .stale, status: 401, code: "STALE_TIMESTAMP"),
        .init(name: "unknown platform", method: .post, path: "/partner/v1/charges", body: #"{"card_number":"{card}","course_id":"{course}","platform_order_id":"o","account_id":"a"}"#, signing: .unknownPlatform, status: 401, code: "UNKNOWN_PLATFORM"),
        .init(name: "unknown charge", method: .post, path: "/partner/v1/charges/ch_nope/confirm", body: #"{"otp":"123456"}"#, signing: .valid, status: 404, code: "UNKNOWN_CHARGE"),
        .init(name: "OTP as number", method: .post, path: "/partner/v1/charges/ch_nope/confirm", body: #"{"otp":123456}"#, signing: .valid, status: 400, code: "INVALID_FIELD"),
        .init(name: "get unknown charge", method: .get, path: "/partner/v1/charges/ch_nope", body: "", signing: .valid, status: 404, code: "UNKNOWN_CHARGE"),
        .init(name: "unknown endpoint", method: .get, path: "/partner/v1/nothing", body: "", signing: .none, status: 404, code: "NOT_FOUND"),
        .init(name: "rewind clock", method: .post, path: "/sim/clock/advance", body: #"{"seconds":-5}"#, signing: .none, status: 422, code: "CLOCK_CANNOT_REWIND"),
        .init(name: "rating out of range", method: .post, path: "/sim/vouchers/PRK-X/rate", body: #"{"rating":9}"#, signing: .none, status: 400, code: "INVALID_FIELD"),
        .init(name: "videos count zero", method: .post, path: "/sim/participants/{card}/videos", body: #"{"count":0}"#, signing: .none, status: 400, code: "INVALID_FIELD"),
        .init(name: "bad NIK", method: .post, path: "/sim/participants", body: #"{"nik":"12ab"}"#, signing: .none, status: 400, code: "INVALID_FIELD"),
        .init(name: "duplicate card", method: .post, path: "/sim/participants", body: #"{"card_number":"{card}"}"#, signing: .none, status: 409, code: "DUPLICATE_PARTICIPANT"),
        .init(name: "bad paging", method: .get, path: "/catalog/courses?limit=0", body: "", signing: .none, status: 400, code: "INVALID_FIELD"),
        .init(name: "bad course type", method: .get, path: "/catalog/courses?type=podcast", body: "", signing: .none, status: 400, code: "INVALID_FIELD"),
        .init(name: "cancel scope", method: .post, path: "/sim/vouchers/PRK-X/cancel", body: #"{"scope":"everything"}"#, signing: .none, status: 400, code: "INVALID_FIELD"),
    ]

    @Test(arguments: badCases)
    func badInputIsRefusedWithoutChangingState(_ c: BadCase) async throws {
        try await HTTPHarness.with { h, client in
            let p = try await h.world.participant()
            let course = h.world.courses()[0]
            let path = c.path.replacingOccurrences(of: "{card}", with: p.cardNumber)
            let body = c.body.replacingOccurrences(of: "{card}", with: p.cardNumber).replacingOccurrences(of: "{course}", with: course.id)
            var headers: HTTPFields
            switch c.signing {
            case .valid: headers = h.signed(method: c.method, path, body: body)
            case .none: headers = [.contentType: "application/json"]
            case .badSignature:
                headers = h.signed(method: c.method, path, body: body)
                headers[HTTPField.Name("X-Signature")!] = String(repeating: "0", count: 64)
            case .stale: headers = h.signed(method: c.method, path, body: body, at: h.wallClock.now() - 301)
            case .unknownPlatform: headers = h.signed("shopee", method: c.method, path, body: body)
            }
            let before = try await h.snapshot()
            try await client.execute(uri: path, method: c.method, headers: headers, body: ByteBuffer(string: body)) { response in
                #expect(Int(response.status.code) == c.status, "\(response.text)")
                #expect(response.errorCode == c.code, "\(response.text)")
                #expect((response.json["error"] as? [String: Any])?["message"] is String)
            }
            #expect(try await h.snapshot() == before, "a refused request changed state")
        }
    }

    @Test func oversizedBodyIsRefused() async throws {
        try await HTTPHarness.with { h, client in
            let body = "{\"pad\":\"" + String(repeating: "x", count: 70_000) + "\"}"
            let before = try await h.snapshot()
            try await client.execute(uri: "/partner/v1/charges", method: .post, headers: h.signed(method: .post, "/partner/v1/charges", body: body), body: ByteBuffer(string: body)) {
                #expect($0.status.code == 413 && $0.errorCode == "BODY_TOO_LARGE")
            }
            #expect(try await h.snapshot() == before)
        }
    }

    @Test func replayedSignedRequestIsRefused() async throws {
        try await HTTPHarness.with { h, client in
            let headers = h.signed(method: .get, "/partner/v1/charges/ch_x", body: "", nonce: "nonce-fixed-1")
            try await client.execute(uri: "/partner/v1/charges/ch_x", method: .get, headers: headers) { #expect($0.errorCode == "UNKNOWN_CHARGE") }
            try await client.execute(uri: "/partner/v1/charges/ch_x", method: .get, headers: headers) { #expect($0.errorCode == "REPLAYED_REQUEST") }
        }
    }

    @Test func idempotencyKeysReplayRefuseMismatchAndNeverDebitTwice() async throws {
        try await HTTPHarness.with { h, client in
            let p = try await h.world.participant()
            let course = h.world.courses()[0]
            let body = #"{"card_number":"\#(p.cardNumber)","course_id":"\#(course.id)","platform_order_id":"o-1","account_id":"a-1"}"#
            var first = ""
            try await client.execute(uri: "/partner/v1/charges", method: .post, headers: h.signed(method: .post, "/partner/v1/charges", body: body, key: "K1"), body: ByteBuffer(string: body)) {
                #expect($0.status == .created)
                first = $0.text
            }
            try await client.execute(uri: "/partner/v1/charges", method: .post, headers: h.signed(method: .post, "/partner/v1/charges", body: body, key: "K1"), body: ByteBuffer(string: body)) {
                #expect($0.status == .created && $0.text == first)
                #expect($0.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            }
            let other = body.replacingOccurrences(of: "o-1", with: "o-2")
            try await client.execute(uri: "/partner/v1/charges", method: .post, headers: h.signed(method: .post, "/partner/v1/charges", body: other, key: "K1"), body: ByteBuffer(string: other)) {
                #expect($0.status.code == 422 && $0.errorCode == "IDEMPOTENCY_KEY_REUSED")
            }
            let chargeID = try #require(first.firstMatch(of: /"id":"(ch_[a-z0-9]+)"/)?.1).description
            let charge = try #require(try await h.gateway.store.charge(id: chargeID))
            let confirm = #"{"otp":"\#(try await h.world.otp(charge))"}"#
            let target = "/partner/v1/charges/\(chargeID)/confirm"
            var vouchers: Set<String> = []
            for _ in 0..<3 {  // a platform that timed out retries with the same key (new nonce each time)
                try await client.execute(uri: target, method: .post, headers: h.signed(method: .post, target, body: confirm, key: "C1"), body: ByteBuffer(string: confirm)) {
                    #expect($0.status == .ok)
                    vouchers.insert($0.voucherCode)
                }
            }
            #expect(vouchers.count == 1)
            #expect(try await h.gateway.store.ledger(participantID: p.id).count == 1)
        }
    }

    @Test func twoHundredConcurrentConfirmsOverHTTPDebitOnce() async throws {
        try await HTTPHarness.with { h, client in
            let (p, course, charge) = try await Self.pendingCharge(h)
            let body = #"{"otp":"\#(try await h.world.otp(charge))"}"#
            let target = "/partner/v1/charges/\(charge.id)/confirm"
            let results = try await Self.fire(200, client: client, target: target, body: body) { h.signed(method: .post, target, body: body) }
            #expect(results.count == 200 && results.allSatisfy { $0.0 == 200 })
            #expect(Set(results.map(\.1)).count == 1)
            let ledger = try await h.gateway.store.ledger(participantID: p.id)
            #expect(ledger.count == 1 && ledger[0].amount == course.price)
            let after = try #require(try await h.gateway.store.participant(card: p.cardNumber))
            #expect(after.balance == p.balance - course.price)
            #expect(try await h.gateway.store.audit().ok)
        }
    }

    @Test func concurrentUsesOfOneKeyRunOnceAndTheRestReplayOrWait() async throws {
        try await HTTPHarness.with { h, client in
            let (p, _, charge) = try await Self.pendingCharge(h)
            let body = #"{"otp":"\#(try await h.world.otp(charge))"}"#
            let target = "/partner/v1/charges/\(charge.id)/confirm"
            let commitsBefore = h.store.commits
            // 50 requests with one key at once: the first runs; the others see it in flight (409) or replay it.
            let results = try await Self.fire(50, client: client, target: target, body: body) { h.signed(method: .post, target, body: body, key: "same-key") }
            #expect(results.allSatisfy { [200, 409].contains($0.0) }, "\(Set(results.map(\.0)))")
            let paid = results.filter { status, _ in status == 200 }.map { _, voucher in voucher }
            let busy = results.filter { status, _ in status == 409 }.count
            #expect(!paid.isEmpty && Set(paid).count == 1 && !paid[0].isEmpty, "one voucher for every 200: \(Set(paid)), \(busy) × 409")
            #expect(h.store.commits - commitsBefore == 1, "one commit for the payment; a replay or a 409 writes nothing")
            let ledger = try await h.gateway.store.ledger(participantID: p.id)
            #expect(ledger.filter { $0.kind == .debit }.count == 1)
            #expect(try await h.gateway.store.audit().ok)
        }
    }

    /// A participant with a pending charge for the cheapest course.
    static func pendingCharge(_ h: HTTPHarness) async throws -> (Participant, Course, Charge) {
        let p = try await h.world.participant()
        let course = h.world.courses()[0]
        return (p, course, try await h.gateway.createCharge(platform: h.world.platform(), request: h.world.request(p, course: course)))
    }

    /// Sends `count` concurrent POSTs; returns each status and the voucher code in its body.
    static func fire(
        _ count: Int, client: any TestClientProtocol, target: String, body: String, headers: @escaping @Sendable () -> HTTPFields
    ) async throws -> [(Int, String)] {
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for _ in 0..<count {
                let fields = headers()
                group.addTask {
                    let response = try await client.execute(uri: target, method: .post, headers: fields, body: ByteBuffer(string: body))
                    return (response.status.code, response.voucherCode)
                }
            }
            var all: [(Int, String)] = []
            for try await r in group { all.append(r) }
            return all
        }
    }

    @Test func servesTheOpenAPIDocumentAndCatalog() async throws {
        try await HTTPHarness.with { _, client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { #expect($0.status == .ok && $0.text.hasPrefix("openapi: 3.1.0")) }
            try await client.execute(uri: "/catalog", method: .get) {
                #expect($0.json["platforms"] as? Int == 7 && $0.json["providers"] as? Int == 183 && $0.json["courses"] as? Int == 780)
            }
        }
    }
}
