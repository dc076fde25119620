import ArgumentParser
import AsyncHTTPClient
import Foundation
import PrakerjaClient
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaSimulator

/// One purchase and redemption per platform, through the shared protocol only.
struct Demo: Sendable {
    let catalog: Catalog
    let quiet: Bool
    let credentials: StorefrontCredentials?

    func run(http: any HTTPTransport, gatewayURL: String, storefronts: [String: String]) async throws {
        let client = GatewayClient(http: http, baseURL: gatewayURL)
        let script = try await PurchaseScript.load(client: client)
        var failures: [String] = []
        for platformID in PlatformRegistry.platformIDs where storefronts[platformID] != nil {
            do {
                try await purchase(platformID, baseURL: storefronts[platformID]!, http: http, client: client, script: script)
            } catch {
                failures.append(platformID)
                print("\(platformID): FAILED: \(error)")
            }
        }
        if !failures.isEmpty { throw ValidationError("the demo failed on \(failures.joined(separator: ", "))") }
        print("\ndemo: \(storefronts.count) of \(storefronts.count) platforms bought and redeemed a course")
    }

    private func purchase(_ platformID: String, baseURL: String, http: any HTTPTransport, client: GatewayClient, script: PurchaseScript) async throws {
        let quiet = quiet
        let adapter = try PlatformRegistry.adapter(platformID, http: http, baseURL: baseURL, catalog: catalog, credentials: credentials) { exchange in
            guard !quiet else { return }
            print(Self.render(exchange))
        }
        let participant = try await script.newParticipant()
        let name = catalog.platform(platformID)?.name ?? platformID
        if !quiet { print("\n== \(name) at \(baseURL)  participant card \(participant.cardNumber), balance Rp \(participant.balance)") }
        func step(_ text: String) { if !quiet { print("-- \(text)") } }
        step("sign in and bind the card")
        let account = try await adapter.signIn(username: "demo-\(participant.cardNumber.suffix(6))", cardNumber: participant.cardNumber)
        step("browse self-paced courses")
        let courses = try await adapter.courses(type: .selfPaced, limit: 20)
        guard let course = courses.first(where: { $0.price <= participant.balance }) else { throw ValidationError("no affordable self-paced course on \(platformID)") }
        step("place an order for \(course.id) \"\(course.title)\" Rp \(course.price)")
        let order = try await adapter.placeOrder(account: account, courseID: course.id)
        step("request the OTP")
        _ = try await adapter.requestOTP(account: account, orderID: order.id)
        let sms: [GatewayAPI.Message] = try await client.get("/sim/outbox/sms?recipient=\(participant.phone)").decode()
        guard let otp = sms.last.flatMap({ GatewayAPI.otp(in: $0.body) }) else { throw ValidationError("no OTP texted to \(participant.phone)") }
        step("the participant reads OTP \(otp) from the SMS and confirms")
        let paid = try await adapter.confirmOTP(account: account, orderID: order.id, otp: otp, idempotencyKey: "demo-\(order.id)")
        var voucher = paid.voucher
        if voucher == nil { step("paid; this platform learns the voucher later (by webhook, or by asking the gateway): open the transaction page until it shows") }
        var polls = 0
        while voucher == nil, polls < 100 {
            do {
                voucher = try await adapter.voucher(account: account, orderID: order.id)
            } catch {
                guard error.kind == .voucherNotReady else { throw error }
            }
            if voucher == nil {
                polls += 1
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        guard let voucher else { throw ValidationError("no voucher on \(platformID) after \(polls) polls") }
        step("redeem \(voucher.redeemCode) at provider \(voucher.providerID)")
        try await script.redeem(
            GatewayAPI.Voucher(code: voucher.code, redeemCode: voucher.redeemCode, invoiceCode: voucher.invoiceCode, providerId: voucher.providerID, status: "active")
        )
        let after: GatewayAPI.Participant = try await client.get("/sim/participants/\(participant.cardNumber)").decode()
        print("\(platformID): paid Rp \(course.price) for \(course.id), voucher \(voucher.displayCode) (\(voucher.code)), redeemed; balance Rp \(participant.balance) -> Rp \(after.balance)")
    }

    static func render(_ exchange: AdapterTransport.Exchange) -> String {
        func clip(_ bytes: [UInt8], _ limit: Int = 260) -> String {
            let text = String(decoding: bytes, as: UTF8.self)
            return text.count > limit ? String(text.prefix(limit)) + "…" : text
        }
        let headers = exchange.requestHeaders.map { name, value in "\(name): \(value.count > 28 ? String(value.prefix(28)) + "…" : value)" }
        var lines = ["   > \(exchange.method) \(exchange.target)"]
        if !headers.isEmpty { lines.append("     " + headers.joined(separator: "  ")) }
        if !exchange.requestBody.isEmpty { lines.append("     " + clip(exchange.requestBody)) }
        lines.append("   < \(exchange.status) " + clip(exchange.responseBody))
        return lines.joined(separator: "\n")
    }
}
