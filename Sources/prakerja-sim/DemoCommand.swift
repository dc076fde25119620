import ArgumentParser
import AsyncHTTPClient
import Foundation
import PrakerjaClient
import PrakerjaCore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run one full purchase and redemption, printing every step."
    )

    @Option(help: "Base URL of a running gateway; without it, one is started in-process.") var gateway: String?
    @Option(help: "Platform id to buy on.") var platform = "tokopedia"
    @OptionGroup var options: GatewayOptions

    func run() async throws {
        let platform = platform
        if let gateway {
            try await Self.purchase(baseURL: gateway, platform: platform)
        } else {
            try await InProcessGateway.with(options: options) { url in
                print("started an in-process gateway at \(url)")
                try await Self.purchase(baseURL: url, platform: platform)
            }
        }
    }

    static func purchase(baseURL: String, platform: String) async throws {
        try await withHTTPClient { http in
            let client = GatewayClient(http: http, baseURL: baseURL)
            let summary: GatewayAPI.Summary = try await client.get("/catalog").decode()
            print("catalog: \(summary.platforms) platforms, \(summary.providers) providers, \(summary.courses) courses")
            let script = try await PurchaseScript.load(client: client)
            let participant = try await script.newParticipant()
            print("participant: card \(participant.cardNumber), phone \(participant.phone), balance Rp \(participant.balance)")
            let courses: GatewayAPI.Page<GatewayAPI.Course> = try await client.get("/catalog/courses?platform=\(platform)&type=self_paced&limit=500").decode()
            guard let course = courses.items.first(where: { $0.price <= participant.balance }) else {
                throw ValidationError("no self-paced course on \(platform) within the balance")
            }
            print("course: \(course.id) \"\(course.title)\" Rp \(course.price) (provider \(course.providerId))")
            let observe: @Sendable (PurchaseScript.Step, String, GatewayClient.Response, Duration) -> Void = { step, line, response, _ in
                let text = response.text
                print("\n[\(step.rawValue)] \(line) -> HTTP \(response.status)\n  \(text.count > 400 ? String(text.prefix(400)) + "…" : text)")
            }
            let receipt = try await script.buy(
                participant: participant, courseID: course.id, platformID: platform, orderID: "demo-\(UUID().uuidString.prefix(8))",
                observe: observe
            )
            print("\nOTP read from the SMS outbox: \(receipt.otp)")
            guard let voucher = receipt.charge.voucher else { throw ValidationError("the paid charge has no voucher") }
            print("paid: charge \(receipt.charge.id) \(receipt.charge.status); voucher \(voucher.code), redeem code \(voucher.redeemCode)")
            let mail: [GatewayAPI.Message] = try await client.get("/sim/outbox/email?recipient=\(participant.email)").decode()
            if let last = mail.last { print("\ne-mail to \(last.recipient): \(last.subject)\n\(last.body)") }
            try await script.redeem(voucher, observe: observe)
            let after: GatewayAPI.Participant = try await client.get("/sim/participants/\(participant.cardNumber)").decode()
            print("\nredeemed. balance Rp \(participant.balance) -> Rp \(after.balance)")
        }
    }
}

/// Runs `body` with one shared HTTP client and shuts it down afterwards.
func withHTTPClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
    var config = HTTPClient.Configuration()
    config.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    do {
        let result = try await body(http)
        try await http.shutdown()
        return result
    } catch {
        try? await http.shutdown()
        throw error
    }
}
