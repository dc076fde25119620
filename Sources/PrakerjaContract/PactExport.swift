import Foundation
import PrakerjaCore
import PrakerjaPlatforms

/// Pact V4 contracts for the storefront → gateway side of the protocol: what each platform's storefront
/// sends the gateway's partner API and what it relies on in the answers, with provider states in Pact's
/// convention (set up by the gateway's `POST /sim/pact/state`). Values that cannot be written down in
/// advance — the participant's card, the charge id, its OTP, and the request's signature, timestamp and
/// nonce — are `ProviderState` generators the verifier fills from the state's answer.
public enum PactExport {
    public static let provider = "prakerja-gateway"

    /// One contract per platform, by file name.
    public static func storefrontToGateway(catalog: Catalog, platforms: [String]) throws -> [(file: String, json: Data)] {
        try platforms.map { id in
            guard let course = catalog.courses(platform: id, type: .selfPaced).min(by: { ($0.price, $0.id) < ($1.price, $1.id) }) else {
                throw ContractError("\(id) sells no self-paced course")
            }
            let pact: [String: Any] = [
                "consumer": ["name": "\(id)-storefront"],
                "provider": ["name": provider],
                "interactions": interactions(platform: id, course: course),
                "metadata": ["pactSpecification": ["version": "4.0"], "prakerja-sim": ["generatedBy": "prakerja-sim contract export --format pact"]],
            ]
            let data = try JSONSerialization.data(withJSONObject: pact, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            return ("\(id)-storefront-\(provider).json", data)
        }
    }

    static func interactions(platform: String, course: Course) -> [[String: Any]] {
        let chargeBody = ["account_id": "${account_id}", "card_number": "${card_number}", "course_id": course.id, "platform_order_id": "${platform_order_id}"]
        let typed = ["$.id", "$.card_number", "$.platform_order_id", "$.account_id", "$.otp_expires_at", "$.created_at", "$.expires_at"]
        // A paid charge as the storefront relies on it: paid, the price, and a voucher in the gateway's format.
        let paid: [String: Any] = [
            "id": "ch_0000000000000000", "status": "paid", "amount": course.price, "course_id": course.id, "paid_at": "2021-10-15T01:00:00Z",
            "voucher": ["code": "PRK-ABCD-2345-EFGH", "redeem_code": "00000000-0000-4000-8000-000000000000", "invoice_code": "INV-0000", "status": "active"],
        ]
        let paidRules: [String: Any] = [
            "$.id": type(), "$.voucher.code": regex(#"^PRK-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$"#), "$.voucher.redeem_code": type(),
            "$.voucher.invoice_code": type(), "$.paid_at": type(),
        ]
        func error(_ code: GatewayError.Code) -> ([String: Any], [String: Any]) {
            (["error": ["code": code.rawValue, "message": code.defaultMessage]], ["$.error.message": type()])
        }
        var list: [[String: Any]] = []
        list.append(
            interaction(
                platform, "a charge for a participant who may buy", state: "a participant who may buy", method: "POST", path: "/partner/v1/charges",
                body: chargeBody, status: 201,
                response: ["id": "ch_0000000000000000", "status": "pending", "course_id": course.id, "amount": course.price, "card_number": "5000000000000001",
                           "platform_order_id": "pact-5000000000000001", "account_id": "pact-5000000000000001"],
                rules: Dictionary(uniqueKeysWithValues: typed.map { ($0, type()) })
            ))
        let videos = error(.videosNotWatched)
        list.append(
            interaction(
                platform, "a charge for a participant who has not watched the guidance videos", state: "a participant who has not watched the videos",
                method: "POST", path: "/partner/v1/charges", body: chargeBody, status: 422, response: videos.0, rules: videos.1
            ))
        let unknown = error(.unknownCard)
        list.append(
            interaction(
                platform, "a charge for a card no participant holds", state: "a signed request", method: "POST", path: "/partner/v1/charges",
                body: ["account_id": "${account_id}", "card_number": "4000000000000000", "course_id": course.id, "platform_order_id": "${platform_order_id}"],
                status: 404, response: unknown.0, rules: unknown.1
            ))
        list.append(
            interaction(
                platform, "the confirmation of a pending charge with its OTP", state: "a pending charge", method: "POST",
                path: "/partner/v1/charges/${charge_id}/confirm", body: ["otp": "${otp}"], status: 200, response: paid, rules: paidRules
            ))
        let wrong = error(.otpInvalid)
        list.append(
            interaction(
                platform, "the confirmation of a pending charge with a wrong OTP", state: "a pending charge", method: "POST",
                path: "/partner/v1/charges/${charge_id}/confirm", body: ["otp": "${wrong_otp}"], status: 422, response: wrong.0, rules: wrong.1
            ))
        let soon = error(.otpResendTooSoon)
        list.append(
            interaction(
                platform, "a new OTP asked for right after the first", state: "a pending charge", method: "POST", path: "/partner/v1/charges/${charge_id}/otp",
                body: nil, status: 429, response: soon.0, rules: soon.1
            ))
        list.append(
            interaction(
                platform, "a paid charge read back", state: "a paid charge", method: "GET", path: "/partner/v1/charges/${charge_id}", body: nil, status: 200,
                response: paid, rules: paidRules
            ))
        let unsigned = error(.missingCredentials)
        list.append(
            interaction(
                platform, "an unsigned request", state: nil, method: "GET", path: "/partner/v1/charges/ch_0000000000000000", body: nil, status: 401,
                response: unsigned.0, rules: unsigned.1
            ))
        return list
    }

    static func type() -> [String: Any] { ["combine": "AND", "matchers": [["match": "type"]]] }
    static func regex(_ pattern: String) -> [String: Any] { ["combine": "AND", "matchers": [["match": "regex", "regex": pattern]]] }

    /// A signed (or, without a state, unsigned) request and the answer the storefront relies on.
    static func interaction(
        _ platform: String, _ description: String, state: String?, method: String, path: String, body: [String: String]?, status: Int,
        response: [String: Any], rules: [String: Any]
    ) -> [String: Any] {
        var request: [String: Any] = ["method": method, "path": example(path)]
        var generators: [String: Any] = [:]
        var headers: [String: Any] = [:]
        if path.contains("${") { generators["path"] = ["type": "ProviderState", "expression": path] }
        if let body {
            headers["Content-Type"] = ["application/json"]
            request["body"] = ["content": body.mapValues(example), "contentType": "application/json", "encoded": false]
            var bodyGenerators: [String: Any] = [:]
            for (key, value) in body where value.contains("${") { bodyGenerators["$.\(key)"] = ["type": "ProviderState", "expression": value] }
            if !bodyGenerators.isEmpty { generators["body"] = bodyGenerators }
        }
        var interaction: [String: Any] = [
            "type": "Synchronous/HTTP", "description": description, "pending": false,
            "response": [
                "status": status, "body": ["content": response, "contentType": "application/json", "encoded": false], "matchingRules": ["body": rules],
            ] as [String: Any],
        ]
        if let state {
            headers["X-Platform-Id"] = [platform]
            headers["X-Timestamp"] = ["1634263200"]
            headers["X-Nonce"] = ["00000000-0000-4000-8000-000000000000"]
            headers["X-Signature"] = [String(repeating: "0", count: 64)]
            generators["header"] = [
                "X-Timestamp": ["type": "ProviderState", "expression": "${timestamp}"], "X-Nonce": ["type": "ProviderState", "expression": "${nonce}"],
                "X-Signature": ["type": "ProviderState", "expression": "${signature}"],
            ]
            var params: [String: Any] = ["platform": platform, "method": method, "path": path]
            if let body { params["body"] = body }
            interaction["providerStates"] = [["name": state, "params": params]]
        }
        if !headers.isEmpty { request["headers"] = headers }
        if !generators.isEmpty { request["generators"] = generators }
        interaction["request"] = request
        interaction["key"] = key(platform, description)
        return interaction
    }

    /// The value an example shows where a provider state fills in the real one.
    static func example(_ text: String) -> String {
        text.replacingOccurrences(of: "${charge_id}", with: "ch_0000000000000000").replacingOccurrences(of: "${card_number}", with: "5000000000000001")
            .replacingOccurrences(of: "${account_id}", with: "pact-5000000000000001").replacingOccurrences(of: "${platform_order_id}", with: "pact-5000000000000001")
            .replacingOccurrences(of: "${otp}", with: "123456").replacingOccurrences(of: "${wrong_otp}", with: "123457")
    }

    static func key(_ platform: String, _ description: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(platform)/\(description)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
