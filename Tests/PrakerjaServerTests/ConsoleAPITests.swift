import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PrakerjaCore
import PrakerjaTesting
import Testing

/// The console's page and assets, and the reads it is built on, in process.
@Suite struct ConsoleAPITests {
    func array(_ text: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
    }

    @Test func thePageAndItsAssetsAreServedByTheSimulator() async throws {
        try await HTTPHarness.with { _, client in
            try await client.execute(uri: "/console", method: .get) {
                #expect($0.status == .ok && $0.headers[.contentType] == "text/html; charset=utf-8")
                #expect($0.text.contains("/console/console.js") && $0.text.contains("/console/console.css"))
                // Nothing is loaded from anywhere else: every src and href is local (or a data: URL).
                let external = $0.text.split(separator: "\"").filter { $0.hasPrefix("http") || $0.hasPrefix("//") }
                #expect(external.isEmpty, "\(external)")
            }
            for (asset, type) in [("console.js", "text/javascript; charset=utf-8"), ("console.css", "text/css; charset=utf-8"), ("index.html", "text/html; charset=utf-8")] {
                try await client.execute(uri: "/console/\(asset)", method: .get) {
                    #expect($0.status == .ok && $0.headers[.contentType] == type && !$0.text.isEmpty)
                }
            }
            for missing in ["/console/nope.js", "/console/..%2Fopenapi.yaml", "/console/Package.swift"] {
                try await client.execute(uri: missing, method: .get) { #expect($0.status == .notFound && $0.errorCode == "NOT_FOUND", "\(missing)") }
            }
        }
    }

    @Test func messagesAreSearchedByAnyKeyNewestFirst() async throws {
        try await HTTPHarness.with { h, client in
            let p = try await h.world.participant()
            let (charge, voucher) = try await h.world.buy(p, course: h.world.courses()[0])
            try await h.gateway.delivery.runDue()
            _ = try await h.world.buy(try await h.world.participant(), course: h.world.courses()[0])
            try await client.execute(uri: "/sim/messages", method: .get) {
                let ids = array($0.text).compactMap { $0["id"] as? Int }
                #expect(ids.count == 3 && ids == ids.sorted(by: >))
            }
            for key in [p.cardNumber, voucher.code, charge.id, p.phone, p.email] {
                let query = key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                try await client.execute(uri: "/sim/messages?q=\(query)", method: .get) {
                    let found = array($0.text)
                    #expect(!found.isEmpty && found.allSatisfy { $0["card_number"] as? String == p.cardNumber }, "q=\(key): \($0.text)")
                }
            }
            try await client.execute(uri: "/sim/messages?channel=email&q=%20\(voucher.code)%20", method: .get) {
                let found = array($0.text)
                #expect(found.count == 1 && found[0]["voucher_code"] as? String == voucher.code && (found[0]["body"] as? String)?.contains(voucher.code) == true)
            }
            for (query, field) in [("channel=fax", "channel"), ("before=0", "before"), ("before=x", "before"), ("limit=0", "limit"), ("limit=501", "limit")] {
                try await client.execute(uri: "/sim/messages?\(query)", method: .get) {
                    #expect($0.status == .badRequest && $0.errorCode == "INVALID_FIELD" && $0.text.contains(field), "\(query): \($0.text)")
                }
            }
        }
    }

    @Test func chargesCountsAndLanes() async throws {
        try await HTTPHarness.with { h, client in
            let p = try await h.world.participant()
            let (charge, voucher) = try await h.world.buy(p, course: h.world.courses()[0])
            try await h.gateway.delivery.runDue()
            try await client.execute(uri: "/sim/charges?q=\(voucher.redeemCode)", method: .get) {
                let found = array($0.text)
                #expect(found.count == 1 && found[0]["id"] as? String == charge.id && found[0]["otp"] == nil, "no OTP in a charge list")
            }
            try await client.execute(uri: "/sim/charges?q=nothing-like-it", method: .get) { #expect($0.status == .ok && $0.text == "[]") }
            try await client.execute(uri: "/sim/counts", method: .get) {
                #expect(($0.json["charges"] as? [String: Int])?["paid"] == 1 && $0.json["vouchers"] as? Int == 1 && $0.json["delivery_attempts"] as? Int == 1)
            }
            try await client.execute(uri: "/sim/charges/\(charge.id)/timeline", method: .get) {
                let events = ($0.json["events"] as? [[String: Any]]) ?? []
                let lanes = Dictionary(events.map { ($0["kind"] as? String ?? "", $0["lane"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
                #expect(lanes["created"] == "platform" && lanes["otp_sent"] == "participant" && lanes["paid"] == "gateway" && lanes["voucher_emailed"] == "email")
            }
        }
    }
}
