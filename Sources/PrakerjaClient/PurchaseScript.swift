import AsyncHTTPClient
import Foundation
import PrakerjaCore

/// One full purchase through a running gateway's HTTP APIs, as a platform and a participant would do it:
/// create the charge, read the OTP from the SMS outbox, confirm, then redeem at the provider.
/// The demo prints its steps; the benchmark times them.
public struct PurchaseScript: Sendable {
    public enum Step: String, Sendable, CaseIterable {
        case createCharge = "create_charge"
        case readOTP = "read_otp"
        case confirm
        case redeemStatus = "redeem_status"
        case redeemCommit = "redeem_commit"
    }

    public struct Failure: Error, CustomStringConvertible {
        public var step: Step
        public var status: Int
        public var body: String
        public var description: String { "\(step.rawValue) failed with HTTP \(status): \(body)" }
    }

    public let client: GatewayClient
    public let credentials: GatewayAPI.Credentials

    public init(client: GatewayClient, credentials: GatewayAPI.Credentials) {
        self.client = client
        self.credentials = credentials
    }

    public static func load(client: GatewayClient) async throws -> PurchaseScript {
        let response = try await client.get("/sim/credentials")
        guard response.status == 200 else { throw Failure(step: .createCharge, status: response.status, body: response.text) }
        return PurchaseScript(client: client, credentials: try response.decode())
    }

    public struct Receipt: Sendable {
        public var charge: GatewayAPI.Charge
        public var otp: String
    }

    /// Buys `course` for `participant` on `platformID`. `observe` sees each step's request line and reply.
    public func buy(
        participant: GatewayAPI.Participant, courseID: String, platformID: String, orderID: String,
        observe: @Sendable (Step, String, GatewayClient.Response, Duration) -> Void = { _, _, _, _ in }
    ) async throws -> Receipt {
        guard let secret = credentials.platforms.first(where: { $0.platformId == platformID })?.secret else {
            throw Failure(step: .createCharge, status: 0, body: "no credentials for platform \(platformID)")
        }
        let clock = ContinuousClock()
        func timed(_ step: Step, _ line: String, _ call: () async throws -> GatewayClient.Response, expect: Int) async throws -> GatewayClient.Response {
            let start = clock.now
            let response = try await call()
            observe(step, line, response, clock.now - start)
            guard response.status == expect else { throw Failure(step: step, status: response.status, body: response.text) }
            return response
        }
        let body = Array(
            try JSONEncoder().encode(ChargeRequest(cardNumber: participant.cardNumber, courseID: courseID, platformOrderID: orderID, accountID: "acct-\(participant.cardNumber)"))
        )
        let created: GatewayAPI.Charge = try await timed(.createCharge, "POST /partner/v1/charges", {
            try await client.partner(.POST, "/partner/v1/charges", platformID: platformID, secret: secret, body: body, idempotencyKey: "create-\(orderID)")
        }, expect: 201).decode()
        let phone = participant.phone
        let sms: [GatewayAPI.Message] = try await timed(.readOTP, "GET /sim/outbox/sms?recipient=\(phone)", {
            try await client.get("/sim/outbox/sms?recipient=\(phone)&limit=500")
        }, expect: 200).decode()
        guard let otp = sms.last(where: { $0.chargeId == created.id }).flatMap({ GatewayAPI.otp(in: $0.body) }) else {
            throw Failure(step: .readOTP, status: 200, body: "no OTP SMS for charge \(created.id)")
        }
        let confirmBody = Array(#"{"otp":"\#(otp)"}"#.utf8)
        let paid: GatewayAPI.Charge = try await timed(.confirm, "POST /partner/v1/charges/\(created.id)/confirm", {
            try await client.partner(
                .POST, "/partner/v1/charges/\(created.id)/confirm", platformID: platformID, secret: secret, body: confirmBody,
                idempotencyKey: "confirm-\(orderID)"
            )
        }, expect: 200).decode()
        return Receipt(charge: paid, otp: otp)
    }

    /// Checks and commits a voucher's redeem code as its provider.
    public func redeem(
        _ voucher: GatewayAPI.Voucher, sequence: Int = 1,
        observe: @Sendable (Step, String, GatewayClient.Response, Duration) -> Void = { _, _, _, _ in }
    ) async throws {
        guard let provider = credentials.providers.first(where: { $0.providerId == voucher.providerId }) else {
            throw Failure(step: .redeemStatus, status: 0, body: "no credentials for provider \(voucher.providerId)")
        }
        let clock = ContinuousClock()
        for (step, action) in [(Step.redeemStatus, "status"), (.redeemCommit, "commit")] {
            let start = clock.now
            let response = try await client.redeem(action, clientCode: provider.clientCode, signKey: provider.signKey, redeemCode: voucher.redeemCode, sequence: sequence)
            observe(step, "POST /api/v1/integration/payment/redeem-code/\(action)", response, clock.now - start)
            guard response.status == 200 else { throw Failure(step: step, status: response.status, body: response.text) }
        }
    }

    /// A fresh participant who has watched the guidance videos.
    public func newParticipant() async throws -> GatewayAPI.Participant {
        let response = try await client.post("/sim/participants", json: ["videos_watched": 3])
        guard response.status == 201 else { throw Failure(step: .createCharge, status: response.status, body: response.text) }
        return try response.decode()
    }
}
