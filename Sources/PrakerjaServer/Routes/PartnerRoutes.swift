import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import PrakerjaCore
import PrakerjaHTTP
import Synchronization

/// `/partner/v1/…`: the one payment protocol all seven platforms use. Every request is signed
/// (``PartnerSignature``); POSTs accept an `Idempotency-Key` with Stripe semantics.
struct PartnerRoutes {
    let gateway: Gateway
    let authenticator: PartnerAuthenticator
    let inFlight = InFlightKeys()

    struct ConfirmBody: Codable { var otp: String }

    func register(on router: Router<some RequestContext>) {
        let group = router.group("partner/v1")
        let policy = gateway.configuration.policy
        group.post("charges") { request, _ in
            var request = request
            let (platform, body) = try await authenticate(&request)
            let chargeRequest = try JSON.decode(ChargeRequest.self, from: body)
            return try await idempotent(platform: platform, request: request, body: body, status: .created) { claim in
                try await gateway.createCharge(platform: platform, request: chargeRequest, idempotency: claim)
            } render: { ChargeView($0, voucher: nil, policy: policy) }
        }
        group.get("charges/:id") { request, context in
            var request = request
            let (platform, _) = try await authenticate(&request)
            let (charge, voucher) = try await gateway.charge(platform: platform, id: try context.parameters.require("id"))
            return try Reply(encoding: ChargeView(charge, voucher: voucher, policy: policy))
        }
        group.post("charges/:id/otp") { request, context in
            var request = request
            let (platform, body) = try await authenticate(&request)
            let id = try context.parameters.require("id")
            return try await idempotent(platform: platform, request: request, body: body) { claim in
                try await gateway.resendOTP(platform: platform, chargeID: id, idempotency: claim)
            } render: { ChargeView($0, voucher: nil, policy: policy) }
        }
        group.post("charges/:id/confirm") { request, context in
            var request = request
            let (platform, body) = try await authenticate(&request)
            let id = try context.parameters.require("id")
            let otp = try JSON.decode(ConfirmBody.self, from: body).otp
            return try await idempotent(platform: platform, request: request, body: body) { claim in
                try await gateway.confirmCharge(platform: platform, chargeID: id, otp: otp, idempotency: claim)
            } render: { ChargeView($0.0, voucher: $0.1, policy: policy) }
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
        try await authenticator.claimShared(platformID: platform.id, nonce: header("X-Nonce") ?? "", in: gateway.store)
        return (platform, body)
    }

    /// Runs a command at most once per (platform, `Idempotency-Key`): the key is checked and the response
    /// kept in the command's own transaction (``IdempotencyClaim``). A repeat of the same request gets the
    /// kept response again; another request with the key, 422; while the first is still running in this
    /// process, 409. A refusal is kept like a result, except rate limits, which are meant to be retried.
    private func idempotent<Outcome: Sendable>(
        platform: Platform, request: Request, body: [UInt8], status: HTTPResponse.Status = .ok,
        _ command: (IdempotencyClaim<Outcome>?) async throws -> Idempotent<Outcome>, render: @escaping @Sendable (Outcome) -> some Encodable
    ) async throws -> Reply {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else {
            return try Reply(status: status, encoding: render(try await command(nil).ranOutcome))
        }
        guard (1...255).contains(key.utf8.count), key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw GatewayError.field("Idempotency-Key", "must be 1 to 255 printable ASCII characters")
        }
        var hasher = SHA256()
        hasher.update(data: Array("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hasher.update(data: body)
        var claim = IdempotencyClaim<Outcome>(platformID: platform.id, key: key, fingerprint: Hex.encode(hasher.finalize())) { outcome in
            switch outcome {
            case .success(let value): (try? Reply(status: status, encoding: render(value))).map { StoredResponse(status: Int($0.status.code), body: $0.body) }
            // Rate limits are retried, not replayed; a (simulated) crash answers nothing worth keeping.
            case .failure(let error) where error.httpStatus == 429 || error.httpStatus >= 500: nil
            case .failure(let error): (try? JSON.encode(ErrorBody(error))).map { StoredResponse(status: error.httpStatus, body: $0) }
            }
        }
        // A key already used is answered from what was kept, even while a concurrent repeat is still running.
        if let seen = try await gateway.store.idempotentResponse(platformID: platform.id, key: key) {
            guard seen.fingerprint == claim.fingerprint else { throw GatewayError(.idempotencyKeyReused) }
            return Self.replay(seen.response)
        }
        claim.checkedUnused = true
        guard inFlight.claim(platform.id, key) else { throw GatewayError(.idempotencyKeyInUse) }
        defer { inFlight.release(platform.id, key) }
        switch try await command(claim) {
        case .ran(let value, let kept):
            if let kept { return Reply(status: HTTPResponse.Status(code: kept.status), body: kept.body) }
            return try Reply(status: status, encoding: render(value))
        case .replay(let stored): return Self.replay(stored)
        }
    }

    private static func replay(_ stored: StoredResponse) -> Reply {
        var reply = Reply(status: HTTPResponse.Status(code: stored.status), body: stored.body)
        reply.headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
        return reply
    }
}
