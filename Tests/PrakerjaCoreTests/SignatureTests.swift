import Foundation
import PrakerjaCore
import Testing

@Suite struct RedeemSignatureTests {
    /// The vector published with the real redeem-code API.
    @Test func publishedVector() {
        let signature = RedeemSignature.sign(
            key: "my_sign_key", clientCode: "myclient_code", timestamp: "1516239022", method: "POST",
            path: "/api/v1/integration/payment/redeem-code/commit", body: Array(#"{"redeem_code":"code"}"#.utf8)
        )
        #expect(signature == "943c20a8e36b6243f576404b00fffdc86411ce1f")
    }

    @Test func prettyPrintedBodySignsAsCompact() {
        let pretty = Array("{\n  \"redeem_code\" : \"code\"\n}".utf8)
        #expect(
            RedeemSignature.verify(
                "943c20a8e36b6243f576404b00fffdc86411ce1f", key: "my_sign_key", clientCode: "myclient_code", timestamp: "1516239022",
                method: "POST", path: "/api/v1/integration/payment/redeem-code/commit", body: pretty
            )
        )
    }

    @Test func anyChangeBreaksTheSignature() {
        let body = Array(#"{"redeem_code":"code"}"#.utf8)
        let path = "/api/v1/integration/payment/redeem-code/commit"
        let good = "943c20a8e36b6243f576404b00fffdc86411ce1f"
        #expect(!RedeemSignature.verify(good, key: "other", clientCode: "myclient_code", timestamp: "1516239022", method: "POST", path: path, body: body))
        #expect(!RedeemSignature.verify(good, key: "my_sign_key", clientCode: "myclient_code", timestamp: "1516239023", method: "POST", path: path, body: body))
        #expect(!RedeemSignature.verify(good, key: "my_sign_key", clientCode: "myclient_code", timestamp: "1516239022", method: "POST", path: path, body: Array(#"{"redeem_code":"cod"}"#.utf8)))
        #expect(RedeemSignature.verify(good.uppercased(), key: "my_sign_key", clientCode: "myclient_code", timestamp: "1516239022", method: "POST", path: path, body: body))
    }

    @Test(arguments: [
        ("{ \"a\" : [ 1 , 2 ] }", #"{"a":[1,2]}"#),
        ("{\"s\": \"keep  spaces\\\" { } \"}", #"{"s":"keep  spaces\" { } "}"#),
        ("{\"b\":2,\"a\":1}", #"{"b":2,"a":1}"#),
        ("\t{\r\n\"x\":\"\\\\\" }", #"{"x":"\\"}"#),
    ])
    func compactJSON(_ input: String, _ expected: String) {
        #expect(String(decoding: CompactJSON.compact(Array(input.utf8)), as: UTF8.self) == expected)
    }
}

@Suite struct PartnerAuthenticatorTests {
    let catalog = CatalogGenerator.generate(seed: 1)
    let clock = ManualTimeSource(Date(timeIntervalSince1970: 1_700_000_000))

    func signed(_ platform: Platform, nonce: String = UUID().uuidString, at: Date? = nil, body: String = "{}") -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: PartnerSignature.headers(
                secret: platform.partnerSecret, platformID: platform.id, now: at ?? clock.now(), nonce: nonce, method: "POST",
                target: "/partner/v1/charges", body: Array(body.utf8)
            )
        )
    }

    func check(_ auth: PartnerAuthenticator, _ h: [String: String], body: String = "{}", target: String = "/partner/v1/charges") throws(GatewayError) -> Platform {
        try auth.authenticate(
            platformID: h["X-Platform-Id"], timestamp: h["X-Timestamp"], nonce: h["X-Nonce"], signature: h["X-Signature"], method: "POST",
            target: target, body: Array(body.utf8)
        )
    }

    @Test func acceptsAFreshSignatureOnce() throws {
        let auth = PartnerAuthenticator(catalog: catalog, wallClock: clock)
        let platform = catalog.platforms[0]
        let headers = signed(platform)
        #expect(try check(auth, headers).id == platform.id)
        #expect(throws: GatewayError(.replayedRequest)) { try check(auth, headers) }
    }

    @Test func aNonceIsRefusedWithinTheWindowAndForgottenAfterIt() throws {
        let auth = PartnerAuthenticator(catalog: catalog, wallClock: clock)
        let p = catalog.platforms[0]
        let window = PartnerSignature.tolerance * 2
        #expect(try check(auth, signed(p, nonce: "nonce-kept-1")).id == p.id)
        // Re-signed with a fresh timestamp, the same nonce is still a replay up to the window's end, across a bucket edge.
        for step in [window * 0.5, window * 0.45] {
            clock.advance(by: step)
            #expect(throws: GatewayError(.replayedRequest)) { try check(auth, signed(p, nonce: "nonce-kept-1")) }
        }
        // Other nonces meanwhile are fresh; once two windows have passed the first is forgotten, whole bucket at a time.
        for i in 0..<1000 { _ = try check(auth, signed(p, nonce: "nonce-other-\(i)")) }
        clock.advance(by: window * 1.1)
        #expect(try check(auth, signed(p, nonce: "nonce-kept-1")).id == p.id)
        #expect(throws: GatewayError(.replayedRequest)) { try check(auth, signed(p, nonce: "nonce-kept-1")) }
    }

    @Test func refusesStaleAndFutureTimestamps() {
        let auth = PartnerAuthenticator(catalog: catalog, wallClock: clock)
        let p = catalog.platforms[1]
        #expect(throws: GatewayError.self) { try check(auth, signed(p, at: clock.now() - 301)) }
        #expect(throws: GatewayError.self) { try check(auth, signed(p, at: clock.now() + 301)) }
        #expect((try? check(auth, signed(p, at: clock.now() - 299))) != nil)
    }

    @Test func refusesTamperingAndUnknownPlatforms() {
        let auth = PartnerAuthenticator(catalog: catalog, wallClock: clock)
        let p = catalog.platforms[2]
        #expect(throws: GatewayError(.invalidSignature)) { try check(auth, signed(p), body: #"{"x":1}"#) }
        #expect(throws: GatewayError(.invalidSignature)) { try check(auth, signed(p), target: "/partner/v1/charges/x") }
        var other = signed(p)
        other["X-Platform-Id"] = catalog.platforms[3].id
        #expect(throws: GatewayError(.invalidSignature)) { try check(auth, other) }
        var unknown = signed(p)
        unknown["X-Platform-Id"] = "shopee"
        #expect(throws: GatewayError(.unknownPlatform)) { try check(auth, unknown) }
        var missing = signed(p)
        missing["X-Signature"] = nil
        #expect(throws: GatewayError(.missingCredentials)) { try check(auth, missing) }
    }
}
