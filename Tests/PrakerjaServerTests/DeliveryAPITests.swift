import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PrakerjaCore
import PrakerjaTesting
import Testing

@Suite struct DeliveryAPITests {
    static let json: HTTPFields = [.contentType: "application/json"]

    @Test func webhookEndpointsAreSetValidatedAndRemoved() async throws {
        try await HTTPHarness.with { h, client in
            try await client.execute(uri: "/sim/webhooks/tokopedia", method: .put, headers: Self.json, body: ByteBuffer(string: #"{"url":"http://127.0.0.1:9/hooks"}"#)) {
                #expect($0.status == .ok && $0.json["url"] as? String == "http://127.0.0.1:9/hooks" && $0.json["enabled"] as? Bool == true)
                #expect(($0.json["secret"] as? String)?.hasPrefix("whsec_") == true)
            }
            for (path, body, status, code) in [
                ("/sim/webhooks/tokopedia", #"{"url":"ftp://example.test/x"}"#, 400, "INVALID_FIELD"),
                ("/sim/webhooks/tokopedia", #"{"url":"not a url"}"#, 400, "INVALID_FIELD"),
                ("/sim/webhooks/tokopedia", #"{"url":42}"#, 400, "INVALID_FIELD"),
                ("/sim/webhooks/tokopedia", "{", 400, "INVALID_JSON"),
                ("/sim/webhooks/tokopedia", "{}", 400, "INVALID_FIELD"),
                ("/sim/webhooks/tokopedia", #"{"uri":"http://127.0.0.1:9/x"}"#, 400, "INVALID_FIELD"),
                ("/sim/webhooks/shopee", #"{"url":"http://127.0.0.1:9/x"}"#, 404, "UNKNOWN_PLATFORM_ID"),
            ] {
                try await client.execute(uri: path, method: .put, headers: Self.json, body: ByteBuffer(string: body)) {
                    #expect(Int($0.status.code) == status && $0.errorCode == code, "\(body): \($0.text)")
                }
            }
            // The refusals changed nothing.
            #expect(try await h.gateway.store.webhookEndpoints().map(\.url) == ["http://127.0.0.1:9/hooks"])
            try await client.execute(uri: "/sim/webhooks/tokopedia", method: .put, headers: Self.json, body: ByteBuffer(string: #"{"url":null}"#)) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/sim/webhooks", method: .get) { #expect($0.text == "[]") }
        }
    }

    @Test func timelinesDeliveriesAndRedelivery() async throws {
        try await HTTPHarness.with { h, client in
            _ = try await h.gateway.setWebhookEndpoint(platformID: "tokopedia", url: "http://127.0.0.1:9/hooks")
            let (charge, voucher) = try await h.world.buy(try await h.world.participant(), course: h.world.courses()[0])
            // This gateway has no webhook transport: every webhook attempt fails as unreachable.
            try await h.gateway.delivery.runDue()
            try await client.execute(uri: "/sim/charges/\(charge.id)/timeline", method: .get) { response in
                let deliveries = response.json["deliveries"] as? [[String: Any]] ?? []
                #expect(Set(deliveries.compactMap { $0["channel"] as? String }) == ["email", "webhook"] && deliveries.count == 3)
                let hook = deliveries.first { $0["event_type"] as? String == "voucher.issued" && $0["channel"] as? String == "webhook" }
                let log = hook?["attempt_log"] as? [[String: Any]]
                #expect(log?.count == 1 && log?[0]["result"] as? String == "failed" && log?[0]["next_attempt_at"] is String)
                #expect((hook?["payload"] as? String)?.contains(voucher.code) == true)
                let kinds = (response.json["events"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
                #expect(kinds.contains("webhook_failed") && kinds.contains("voucher_emailed"))
            }
            var pending: [[String: Any]] = []
            try await client.execute(uri: "/sim/deliveries?status=pending&platform=tokopedia", method: .get) {
                pending = (try? JSONSerialization.jsonObject(with: Data($0.text.utf8)) as? [[String: Any]]) ?? []
            }
            #expect(pending.count == 2 && pending.allSatisfy { $0["channel"] as? String == "webhook" })
            let id = try #require(pending.first?["id"] as? String)
            try await client.execute(uri: "/sim/deliveries/\(id)/retry", method: .post) { #expect($0.status == .ok && $0.json["count"] as? Int == 1) }
            try await client.execute(uri: "/sim/deliveries/\(id)", method: .get) {
                #expect(($0.json["next_attempt_at"] as? String) == Timestamps.iso8601(h.gateway.clock.now()), "due again now")
            }
            let from = Timestamps.iso8601(TestWorld.start - 60), to = Timestamps.iso8601(TestWorld.start + 60)
            try await client.execute(uri: "/sim/deliveries/retry", method: .post, headers: Self.json, body: ByteBuffer(string: #"{"from":"\#(from)","to":"\#(to)","statuses":["pending"]}"#)) {
                #expect($0.status == .ok && $0.json["count"] as? Int == 2)
            }
            for (method, path, body, status, code) in [
                (HTTPRequest.Method.get, "/sim/deliveries/dlv_nope", "", 404, "UNKNOWN_DELIVERY"),
                (.post, "/sim/deliveries/dlv_nope/retry", "", 404, "UNKNOWN_DELIVERY"),
                (.get, "/sim/deliveries?status=lost", "", 400, "INVALID_FIELD"),
                (.post, "/sim/deliveries/retry", #"{"from":"\#(to)","to":"\#(from)"}"#, 400, "INVALID_FIELD"),
                (.post, "/sim/deliveries/retry", #"{"from":"\#(from)","to":"\#(to)","statuses":["gone"]}"#, 400, "INVALID_FIELD"),
                (.post, "/sim/deliveries/retry", #"{"from":"\#(from)","to":"\#(to)","platform":"shopee"}"#, 404, "UNKNOWN_PLATFORM_ID"),
                (.get, "/sim/charges/ch_nope/timeline", "", 404, "UNKNOWN_CHARGE"),
            ] {
                try await client.execute(uri: path, method: method, headers: Self.json, body: ByteBuffer(string: body)) {
                    #expect(Int($0.status.code) == status && $0.errorCode == code, "\(path) \(body): \($0.text)")
                }
            }
        }
    }
}
