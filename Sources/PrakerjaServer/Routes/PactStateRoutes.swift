import Foundation
import Hummingbird
import PrakerjaCore
import PrakerjaHTTP

/// `POST /sim/pact/state`: provider states in Pact's convention (`{"state", "params", "action": "setup" |
/// "teardown"}`), for verifying a platform's Pact contract with the gateway (`prakerja-sim contract export
/// --format pact`). A setup creates what the state names — a participant who may buy, a pending charge, a
/// paid charge — and answers with the values the contract's `ProviderState` generators inject: the
/// participant's card, the charge's id and OTP, and, when the params describe the request about to be made
/// (`method`, `path`, `body` with `${name}` placeholders), that request's partner signature (`timestamp`,
/// `nonce`, `signature`), computed over the exact path and compact, key-sorted JSON body the verifier sends.
/// Every setup makes new data, so a contract can be verified again and again against one gateway.
///
/// `POST /sim/pact/storefronts/state`: the same convention for the adapter → storefront contracts, set up
/// in the storefronts this process runs (see ``StorefrontStateSetup``).
struct PactStateRoutes {
    let gateway: Gateway
    let wallClock: any TimeSource
    let storefronts: StorefrontListing

    struct Body: Decodable {
        var state: String?
        var params: Params?
        var action: String?
    }

    struct Params: Decodable {
        var platform: String?
        var method: String?
        var path: String?
        var body: [String: String]?
    }

    struct StorefrontBody: Decodable {
        var state: String?
        var params: [String: String]?
        var action: String?
    }

    static let states = ["a participant who may buy", "a participant who has not watched the videos", "a pending charge", "a paid charge", "a signed request"]

    func register(on sim: RouterGroup<some RequestContext>) {
        sim.post("pact/state") { request, _ in
            var request = request
            let raw = try await request.bodyBytes()
            let body = try JSON.decode(Body.self, from: raw)
            let action = body.action ?? "setup"
            guard action == "setup" || action == "teardown" else { throw GatewayError.field("action", "must be setup or teardown") }
            // An interaction without a provider state: the verifier still calls; nothing to make.
            guard let state = body.state, !state.isEmpty else { return try Reply(encoding: [String: String]()) }
            guard Self.states.contains(state) else {
                throw GatewayError.field("state", "must be one of: \(Self.states.joined(separator: "; "))")
            }
            if action == "teardown" { return try Reply(encoding: [String: String]()) }
            return try Reply(encoding: try await setUp(state, body.params ?? Params()))
        }
        sim.post("pact/storefronts/state") { request, _ in
            var request = request
            let body = try JSON.decode(StorefrontBody.self, from: try await request.bodyBytes())
            let action = body.action ?? "setup"
            guard action == "setup" || action == "teardown" else { throw GatewayError.field("action", "must be setup or teardown") }
            guard let state = body.state, !state.isEmpty else { return try Reply(encoding: [String: String]()) }
            guard let setup = storefronts.stateSetup else {
                throw GatewayError(.notFound, "no storefront runs in this process: start `prakerja-sim serve` without --gateway")
            }
            guard setup.states.contains(state) else { throw GatewayError.field("state", "must be one of: \(setup.states.joined(separator: "; "))") }
            if action == "teardown" { return try Reply(encoding: [String: String]()) }
            return try Reply(encoding: try await setup.setUp(state: state, params: body.params ?? [:]))
        }
    }

    private func setUp(_ state: String, _ params: Params) async throws -> [String: String] {
        let platformID = params.platform ?? "tokopedia"
        guard let platform = gateway.catalog.platform(platformID) else { throw GatewayError.field("params.platform", "is not a platform") }
        var values: [String: String] = ["platform_id": platformID]
        // Every setup makes a fresh participant: its card (unique for the database's lifetime, ids never
        // repeat) makes the state's order id, account id and request nonce unique too, with no random draw.
        let participant = try await gateway.createParticipant(ParticipantDraft(videosWatched: state == "a participant who has not watched the videos" ? 0 : 3))
        let nonce = "pact-\(participant.cardNumber)"
        values["account_id"] = "pact-\(participant.cardNumber)"
        values["platform_order_id"] = "pact-\(participant.cardNumber)"
        if state != "a signed request" {
            values["card_number"] = participant.cardNumber
            if state == "a pending charge" || state == "a paid charge" {
                guard let course = gateway.catalog.courses(platform: platformID, type: .selfPaced).min(by: { ($0.price, $0.id) < ($1.price, $1.id) }) else {
                    throw GatewayError.field("params.platform", "sells no self-paced course")
                }
                let charge = try await gateway.createCharge(
                    platform: platform,
                    request: ChargeRequest(cardNumber: participant.cardNumber, courseID: course.id, platformOrderID: "pact-\(participant.cardNumber)", accountID: "pact-\(participant.cardNumber)")
                )
                values["charge_id"] = charge.id
                values["otp"] = charge.otp
                var wrong = ((Int(charge.otp) ?? 0) + 1) % 1_000_000
                if String(format: "%06d", wrong) == PurchaseFlow.magicExpiredOTP { wrong = (wrong + 1) % 1_000_000 }
                values["wrong_otp"] = String(format: "%06d", wrong)
                if state == "a paid charge" {
                    let (_, voucher) = try await gateway.confirmCharge(platform: platform, chargeID: charge.id, otp: charge.otp)
                    values["voucher_code"] = voucher?.code ?? ""
                }
            }
        }
        if let method = params.method, let path = params.path {
            let target = Self.substitute(path, values)
            var bytes: [UInt8] = []
            if let template = params.body {
                let object = template.mapValues { Self.substitute($0, values) }
                bytes = Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            }
            let headers = PartnerSignature.headers(
                secret: platform.partnerSecret, platformID: platformID, now: wallClock.now(), nonce: nonce, method: method.uppercased(),
                target: target, body: bytes
            )
            for (name, value) in headers {
                switch name {
                case "X-Timestamp": values["timestamp"] = value
                case "X-Nonce": values["nonce"] = value
                case "X-Signature": values["signature"] = value
                default: break
                }
            }
        }
        return values
    }

    /// `${name}` placeholders replaced by the state's values.
    static func substitute(_ text: String, _ values: [String: String]) -> String {
        var out = text
        for (name, value) in values { out = out.replacingOccurrences(of: "${\(name)}", with: value) }
        return out
    }
}
