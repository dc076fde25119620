import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PrakerjaCore
import PrakerjaTesting
import Testing

/// The redeem-code API over HTTP: envelope, signature, the six canonical messages and the webinar window.
@Suite struct RedeemAPITests {
    static let statusPath = "/api/v1/integration/payment/redeem-code/status"
    static let commitPath = "/api/v1/integration/payment/redeem-code/commit"

    /// Buys a course of `type` for a fresh participant; returns its voucher.
    func voucher(_ h: HTTPHarness, type: CourseType) async throws -> (Voucher, Course) {
        let course = try #require(h.world.catalog.courses.filter { $0.type == type }.sorted { $0.price < $1.price }.first)
        let p = try await h.world.participant()
        let (_, v) = try await h.world.buy(p, course: course, platform: course.platforms[0])
        return (v, course)
    }

    func call(_ h: HTTPHarness, _ client: any TestClientProtocol, _ path: String, provider: Provider, body: String, signKey: String? = nil)
        async throws -> TestResponse
    {
        try await client.execute(uri: path, method: .post, headers: h.redeemHeaders(provider, path: path, body: body, signKey: signKey), body: ByteBuffer(string: body))
    }

    @Test func statusThenCommitThenUsed() async throws {
        try await HTTPHarness.with { h, client in
            let (v, course) = try await voucher(h, type: .selfPaced)
            let provider = h.world.catalog.provider(course.providerID)!
            // Pretty-printed bytes, signed over the compact form, as the official clients do.
            let body = "{\n  \"redeem_code\": \"\(v.redeemCode)\",\n  \"sequence\": 1\n}"
            let status = try await call(h, client, Self.statusPath, provider: provider, body: body)
            #expect(status.status == .ok && status.json["success"] as? Bool == true && status.json["message"] as? String == "OK")
            let data = try #require(status.json["data"] as? [String: Any])
            #expect(data["redeem_code"] as? String == v.redeemCode && data["course_code"] as? String == course.id)
            #expect(data["invoice_code"] as? String == v.invoiceCode && data["status"] as? Int == 0 && data["attendance_status"] as? Int == 0)
            #expect(data["dp_platform"] as? String == h.world.catalog.platform(v.platformID)?.name)
            let commit = try await call(h, client, Self.commitPath, provider: provider, body: body)
            let committed = try #require(commit.json["data"] as? [String: Any])
            #expect(commit.status == .ok && committed["status"] as? Int == 1 && committed["attendance_status"] as? Int == 1 && committed["redeem_at"] is String)
            let again = try await call(h, client, Self.commitPath, provider: provider, body: body)
            #expect(again.status.code == 409 && again.json["success"] as? Bool == false && again.json["message"] as? String == "Kode redeem sudah digunakan")
            #expect(again.json.keys.contains("data"))
        }
    }

    @Test func sixCanonicalErrors() async throws {
        try await HTTPHarness.with { h, client in
            let (v, course) = try await voucher(h, type: .selfPaced)
            let owner = h.world.catalog.provider(course.providerID)!
            let stranger = h.world.catalog.providers.first { $0.id != owner.id }!
            func message(_ path: String, _ provider: Provider, _ code: String) async throws -> (Int, String?) {
                let r = try await call(h, client, path, provider: provider, body: #"{"redeem_code":"\#(code)"}"#)
                #expect(r.json["success"] as? Bool == false && r.json.keys.contains("data"))
                return (r.status.code, r.json["message"] as? String)
            }
            #expect(try await message(Self.statusPath, owner, UUID().uuidString.lowercased()) == (404, "Kode redeem tidak ditemukan"))
            #expect(try await message(Self.statusPath, stranger, v.redeemCode) == (403, "Kode redeem bukan milik lembaga pelatihan yang kamu pilih"))

            let (offline, offlineCourse) = try await voucher(h, type: .offline)
            let offlineOwner = h.world.catalog.provider(offlineCourse.providerID)!
            #expect(try await message(Self.commitPath, offlineOwner, offline.redeemCode) == (422, "Tipe pelatihan tidak sesuai"))

            _ = try await h.gateway.cancelVoucher(voucherCode: v.code, transaction: false)
            #expect(try await message(Self.commitPath, owner, v.redeemCode) == (422, "Kode redeem sudah dibatalkan"))

            let (t, tCourse) = try await voucher(h, type: .selfPaced)
            _ = try await h.gateway.cancelVoucher(voucherCode: t.code, transaction: true)
            #expect(try await message(Self.statusPath, h.world.catalog.provider(tCourse.providerID)!, t.redeemCode) == (422, "Transaksi sudah dibatalkan"))
            // The sixth, "Kode redeem sudah digunakan", is in statusThenCommitThenUsed.
            #expect(try await h.gateway.store.audit().ok)
        }
    }

    @Test func webinarCodeWorksOnlyAnHourAroundItsSession() async throws {
        try await HTTPHarness.with { h, client in
            // A webinar whose first session is after the start, so it can be bought before it begins.
            let course = try #require(
                h.world.catalog.courses.filter { $0.type == .webinar && $0.sessions[0].startsAt > TestWorld.start + 7200 }.min { $0.price < $1.price }
            )
            let p = try await h.world.participant()
            let (_, v) = try await h.world.buy(p, course: course, platform: course.platforms[0])
            let provider = h.world.catalog.provider(course.providerID)!
            let body = #"{"redeem_code":"\#(v.redeemCode)","sequence":1}"#
            let session = course.sessions[0].startsAt
            h.world.base.set(session - 3601 - h.gateway.clock.currentOffset)
            let early = try await call(h, client, Self.commitPath, provider: provider, body: body)
            #expect(early.status.code == 422 && (early.json["message"] as? String)?.contains("1 jam") == true)
            h.world.base.set(session - 3600 - h.gateway.clock.currentOffset)
            let onTime = try await call(h, client, Self.commitPath, provider: provider, body: body)
            #expect(onTime.status == .ok, "\(onTime.text)")
            if course.sessions.count < 10 {
                let beyond = #"{"redeem_code":"\#(v.redeemCode)","sequence":\#(course.sessions.count + 1)}"#
                #expect(try await call(h, client, Self.statusPath, provider: provider, body: beyond).json["message"] as? String == "Tipe pelatihan tidak sesuai")
            }
        }
    }

    @Test func refusesBadSignaturesStaleTimestampsAndBadInput() async throws {
        try await HTTPHarness.with { h, client in
            let provider = h.world.catalog.providers[0]
            let body = #"{"redeem_code":"x"}"#
            let bad = try await call(h, client, Self.statusPath, provider: provider, body: body, signKey: "wrong-key-wrong-key")
            #expect(bad.status == .unauthorized && bad.json["success"] as? Bool == false && bad.json["code"] as? String == "INVALID_SIGNATURE")
            let stale = try await client.execute(
                uri: Self.statusPath, method: .post, headers: h.redeemHeaders(provider, path: Self.statusPath, body: body, at: h.wallClock.now() - 301),
                body: ByteBuffer(string: body)
            )
            #expect(stale.status == .unauthorized && stale.json["code"] as? String == "STALE_TIMESTAMP")
            let unsigned = try await client.execute(uri: Self.statusPath, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
            #expect(unsigned.status == .unauthorized && unsigned.json["code"] as? String == "MISSING_CREDENTIALS")
            for junk in ["{", "[]", #"{"sequence":1}"#, #"{"redeem_code":"x","sequence":11}"#, #"{"redeem_code":5}"#] {
                let r = try await call(h, client, Self.statusPath, provider: provider, body: junk)
                #expect(r.status == .badRequest && r.json["success"] as? Bool == false, "\(junk) → \(r.text)")
            }
            // Virtual time never breaks a correctly signed request: signatures are checked against real time.
            _ = try await h.gateway.advanceClock(by: 90 * 86_400)
            #expect(try await call(h, client, Self.statusPath, provider: provider, body: body).status.code == 404)
        }
    }
}
