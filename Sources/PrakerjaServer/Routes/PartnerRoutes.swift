import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import PrakerjaCore

/// `/partner/v1/…`: the one payment protocol all seven platforms use. Every request is signed
/// (``PartnerSignature``); POSTs accept an `Idempotency-Key` with Stripe semantics.
struct PartnerRoutes {
    let gateway: Gateway
    let authenticator: PartnerAuthenticator

    struct ConfirmBody: Codable { var otp: String }

    func register(on router: Router<some RequestContext>) {
        let group = router.group("partner/v1")
        let policy = gateway.configuration.policy
        group.post("charges") { request, _ in
            var request = request
            let (platform, body) = try await authenticate(&request)
            return try await idempotent(platform: platform, request: request, body: body) {
                let charge = try await gateway.createCharge(platform: platform, request: try JSON.decode(ChargeRequest.self, from: body))
                return try Reply(status: .created, json: ChargeView(charge, voucher: nil, policy: policy))
            }
        }
        group.get("charges/:id") { request, context in
            var request = request
            let (platform, _) = try await authenticate(&request)
            let (charge, voucher) = try await gateway.charge(platform: platform, id: try context.parameters.require("id"))
            return try Reply(json: ChargeView(charge, voucher: voucher, policy: policy))
        }
        group.post("charges/:id/otp") { request, context in
            var request = request
            let (platform, body) = try await authenticate(&request)
            let id = try context.parameters.require("id")
            return try await idempotent(platform: platform, request: request, body: body) {
                let charge = try await gateway.resendOTP(platform: platform, chargeID: id)
                return try Reply(json: ChargeView(charge, voucher: nil, policy: policy))
            }
        }
        group.post("charges/:id/confirm") { request, context in
            var request = request
            let (platform, body) = try await authenticate(&request)
            let id = try context.parameters.require("id")
            return try await idempotent(platform: platform, request: request, body: body) {
                let otp = try JSON.decode(ConfirmBody.self, from: body).otp
                let (charge, voucher) = try await gateway.confirmCharge(platform: platform, chargeID: id, otp: otp)
                return try Reply(json: ChargeView(charge, voucher: voucher, policy: policy))
            }
        }
    }

    private func authenticate(_ request: inout Request) async throws -> (Platform, [UInt8]) {
        let body = try await request.bodyBytes()
        let h = request.headers
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { h[$0] } }
        let target = request.uri.query.map { "\(request.uri.path)?\($0)" } ?? request.uri.path
        let platform = try authenticator.authenticate(
            platformID: header("X-Platform-Id"), timestamp: header("X-Timestamp"), nonce: header("X-Nonce"),
            signature: header("X-Signature"), method: request.method.rawValue, target: target, body: body
        )
        return (platform, body)
    }

    /// Runs `work` at most once per (platform, Idempotency-Key): a repeat with the same request gets the
    /// stored response again; with a different request, 422; while the first is still running, 409.
    private func idempotent(platform: Platform, request: Request, body: [UInt8], _ work: () async throws -> Reply) async throws -> Reply {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { return try await work() }
        guard (1...255).contains(key.utf8.count), key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw GatewayError.field("Idempotency-Key", "must be 1 to 255 printable ASCII characters")
        }
        var hasher = SHA256()
        hasher.update(data: Array("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hasher.update(data: body)
        let fingerprint = Hex.encode(hasher.finalize())
        switch try await gateway.store.beginIdempotent(platformID: platform.id, key: key, fingerprint: fingerprint, now: gateway.clock.now()) {
        case .replay(let stored):
            var reply = Reply(status: HTTPResponse.Status(code: stored.status), body: stored.body)
            reply.headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
            return reply
        case .mismatch: throw GatewayError(.idempotencyKeyReused)
        case .inFlight: throw GatewayError(.idempotencyKeyInUse)
        case .proceed: break
        }
        let reply: Reply
        do {
            reply = try await work()
        } catch let error as GatewayError where error.httpStatus != 429 {
            reply = try Reply(status: HTTPResponse.Status(code: error.httpStatus), json: ErrorBody(error))
        } catch {
            // Rate limits and failures are not results: free the key so the request can be retried.
            try await gateway.store.abandonIdempotent(platformID: platform.id, key: key)
            throw error
        }
        try await gateway.store.completeIdempotent(platformID: platform.id, key: key, response: StoredResponse(status: Int(reply.status.code), body: reply.body))
        return reply
    }
}
