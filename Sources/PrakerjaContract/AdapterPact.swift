import AsyncHTTPClient
import Foundation
import NIOHTTP1
import PrakerjaClient
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaSimulator

/// Pact V4 contracts for the adapter → storefront side: what each platform's adapter (the client every
/// buyer-side tool uses) sends the platform's storefront, and what it relies on in the answers.
///
/// They are recorded, not written by hand. For each interaction of ``StorefrontPactStates/interactions``
/// the exporter sets the provider state up twice through the gateway's `POST /sim/pact/storefronts/state`,
/// which builds the interaction's request with the real adapter and hands it over unsent. The first copy
/// goes to the storefront byte for byte; its answer is the contract's example. The request is then
/// written as a template: a path segment, query value or body field that equals one of the state's values
/// (`${order_id}`, `${otp}`, …) becomes a `ProviderState` generator, and so does every header (tokens,
/// timestamps and signatures only the state can compute). The second copy is rendered from that template
/// exactly as the Pact verifier renders it — query keys sorted, JSON compact with sorted keys — and sent
/// too: if the storefront answers it differently from the first (another status or another shape), the
/// template lost something and the export fails, rather than writing a contract no verifier can pass.
/// Answer fields that differ between the two runs (ids, codes, times) are matched by type; the rest
/// (statuses, error codes, prices, the catalog) exactly.
extension PactExport {
    public static func adapterToStorefront(http: any HTTPTransport, gatewayURL: String, targets: [ContractTarget]) async throws -> [(file: String, json: Data)] {
        var files: [(file: String, json: Data)] = []
        for target in targets {
            var list: [[String: Any]] = []
            for spec in StorefrontPactStates.interactions {
                list += try await record(spec, target: target, http: http, gatewayURL: gatewayURL)
            }
            let pact: [String: Any] = [
                "consumer": ["name": "\(target.platformID)-adapter"],
                "provider": ["name": "\(target.platformID)-storefront"],
                "interactions": list,
                "metadata": ["pactSpecification": ["version": "4.0"], "prakerja-sim": ["generatedBy": "prakerja-sim contract export --format pact"]],
            ]
            let data = try JSONSerialization.data(withJSONObject: pact, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            files.append(("\(target.platformID)-adapter-\(target.platformID)-storefront.json", data))
        }
        return files
    }

    /// The interactions of one spec: one per request its operation makes.
    static func record(_ spec: StorefrontPactStates.Interaction, target: ContractTarget, http: any HTTPTransport, gatewayURL: String) async throws -> [[String: Any]] {
        let gateway = GatewayClient(http: http, baseURL: gatewayURL)
        let storefront = HTTPEndpoint(http: http, baseURL: target.baseURL)
        func state(_ request: String) async throws -> [String: String] {
            var params = spec.params
            params["platform"] = target.platformID
            params["request"] = request
            let response = try await gateway.post(
                "/sim/pact/storefronts/state", json: ["state": AnyEncodable(spec.state), "params": AnyEncodable(params), "action": AnyEncodable("setup")]
            )
            guard response.status == 200, let values = try? response.decode([String: String].self) else {
                throw ContractError("\(target.platformID): provider state “\(spec.state)” (\(spec.description)) failed: HTTP \(response.status) \(response.text.prefix(300))")
            }
            return values
        }
        guard let count = Int(try await state("count")["requests"] ?? ""), count >= 1 else {
            throw ContractError("\(target.platformID): \(spec.description) made no request to the storefront")
        }
        var out: [[String: Any]] = []
        for number in 1...count {
            let first = try await state(String(number))
            let second = try await state(String(number))
            let what = "\(target.platformID): \(spec.description) (request \(number) of \(count))"
            let template = try RequestTemplate(first, other: second, what: what)
            let sent = try RecordedRequest(first, what: what)
            let answer = try await storefront.send(sent.method, sent.target, body: sent.body, headers: sent.headers, contentType: sent.contentType ?? "application/json")
            let rendered = template.render(second)
            let again = try await storefront.send(
                rendered.method, rendered.target, body: rendered.body, headers: rendered.headers, contentType: rendered.contentType ?? "application/json"
            )
            let response = try ResponseTemplate(answer, again, stateValues: first, what: what)
            var description = spec.description
            if count > 1 { description += " (request \(number) of \(count): \(template.method) \(template.pathExpression ?? template.path))" }
            var params = spec.params
            params["platform"] = target.platformID
            params["request"] = String(number)
            var interaction: [String: Any] = [
                "type": "Synchronous/HTTP", "description": description, "pending": false,
                "providerStates": [["name": spec.state, "params": params]],
                "request": template.pact(), "response": response.pact(),
            ]
            interaction["key"] = key(target.platformID + "-adapter", description)
            out.append(interaction)
        }
        return out
    }
}

/// A request a provider state built (`request.*` and `header.*` values).
struct RecordedRequest {
    var method: HTTPMethodName
    var target: String
    var headers: [(String, String)]
    var body: [UInt8]?
    var contentType: String?

    typealias HTTPMethodName = HTTPMethod

    init(method: HTTPMethodName, target: String, headers: [(String, String)], body: [UInt8]?, contentType: String?) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.contentType = body == nil ? nil : contentType
    }

    init(_ values: [String: String], what: String) throws {
        guard let method = values["request.method"], let target = values["request.target"] else {
            throw ContractError("\(what): the provider state answered without the request it built")
        }
        self.method = HTTPMethodName(rawValue: method)
        self.target = target
        self.contentType = values["request.content_type"]
        self.body = values["request.body"].map { Array($0.utf8) }
        self.headers = values.filter { $0.key.hasPrefix("header.") && $0.key != "header.Content-Type" }
            .map { (String($0.key.dropFirst("header.".count)), $0.value) }.sorted { $0.0 < $1.0 }
    }
}

/// A request as a Pact interaction writes it: literal where every run agrees, a `ProviderState` generator
/// where the value is one of the state's.
struct RequestTemplate {
    enum Body {
        case none
        case json(Any)
        case form([(String, String)])
        case text(String)
    }

    var method: RecordedRequest.HTTPMethodName
    var path: String
    var pathExpression: String?
    var query: [(String, String)]
    var queryExpressions: [String: String] = [:]
    var headerNames: [String]
    var headerExamples: [String: String]
    var contentType: String?
    var body: Body
    /// Body generators by JSON path (`$.a.b`), with the data type for numbers.
    var bodyExpressions: [String: (expression: String, integer: Bool)] = [:]

    /// The state values that differ from one setup to the next: what a template may name.
    static let names = ["card_number", "username", "account_id", "order_id", "otp", "wrong_otp", "idempotency_key", "voucher_code"]
    /// The client's credentials: always named, never written into a contract.
    static let secrets = ["client_secret", "wrong_client_secret", "client_id"]

    init(_ values: [String: String], other: [String: String], what: String) throws {
        let request = try RecordedRequest(values, what: what)
        let names = Self.secrets.filter { values[$0] != nil } + Self.names.filter { values[$0] != nil && values[$0] != other[$0] }
        func expression(_ text: String) -> String? { names.first { values[$0] == text }.map { "${\($0)}" } }

        method = request.method
        let parts = request.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = String(parts[0])
        // A path segment may carry an id with a suffix (`MBA20210039.json`): ids are replaced inside segments.
        let ids = names.filter { (values[$0]?.count ?? 0) >= 4 }.sorted { values[$0]!.count > values[$1]!.count }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            let decoded = String(segment).removingPercentEncoding ?? String(segment)
            if let whole = expression(decoded) { return whole }
            var out = String(segment)
            for name in ids { out = out.replacingOccurrences(of: values[name]!, with: "${\(name)}") }
            return out
        }
        let joined = segments.joined(separator: "/")
        pathExpression = joined == path ? nil : joined
        query = parts.count > 1 ? Self.pairs(String(parts[1])) : []
        for (name, value) in query { if let e = expression(value) { queryExpressions[name] = e } }
        headerNames = request.headers.map(\.0)
        // Every header comes from the state; an example that shows a credential is not written down.
        let secrets = Self.secrets.compactMap { values[$0] }.filter { $0.count >= 8 }
        headerExamples = Dictionary(
            request.headers.map { name, value in
                let credential = value.hasPrefix("Basic ") || value.hasPrefix("Bearer ") || secrets.contains { value.contains($0) }
                return (name, credential ? "(from the provider state)" : value)
            },
            uniquingKeysWith: { a, _ in a }
        )
        contentType = request.contentType
        switch (request.body, request.contentType) {
        case (nil, _): body = .none
        case (let bytes?, let type?) where type.hasPrefix("application/json"):
            guard let json = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
                throw ContractError("\(what): the request body is not JSON")
            }
            body = .json(json)
            for (jsonPath, leaf) in JSONLeaves.of(json) {
                guard let text = JSONLeaves.text(leaf), let e = expression(text) else { continue }
                bodyExpressions[jsonPath] = (e, !(leaf is String))
            }
        case (let bytes?, let type?) where type.hasPrefix("application/x-www-form-urlencoded"):
            let form = Self.pairs(String(decoding: bytes, as: UTF8.self))
            body = .form(form)
            for (name, value) in form { if let e = expression(value) { bodyExpressions["$.\(name)"] = (e, false) } }
        case (let bytes?, _): body = .text(String(decoding: bytes, as: UTF8.self))
        }
        // The same template must describe the second setup's request, or the contract cannot be verified.
        let second = try RecordedRequest(other, what: what)
        let rendered = render(other)
        guard rendered.method == second.method, Self.sameTarget(rendered.target, second.target), rendered.headers.map(\.0) == second.headers.map(\.0) else {
            throw ContractError("\(what): the adapter's request varies in a way the contract cannot express: \(second.method.rawValue) \(second.target) vs \(rendered.method.rawValue) \(rendered.target)")
        }
        if case .json = body, let a = rendered.body, let b = second.body {
            let x = try? JSONSerialization.jsonObject(with: Data(a), options: [.fragmentsAllowed])
            let y = try? JSONSerialization.jsonObject(with: Data(b), options: [.fragmentsAllowed])
            guard let x, let y, JSONLeaves.equal(x, y) else {
                throw ContractError("\(what): the adapter's request body varies in a way the contract cannot express: \(String(decoding: b, as: UTF8.self))")
            }
        } else if rendered.body != second.body {
            throw ContractError("\(what): the adapter's request body varies in a way the contract cannot express")
        }
    }

    /// The request a Pact verifier sends for this template, given a setup's values: generators filled in,
    /// query keys sorted, JSON compact with sorted keys.
    func render(_ values: [String: String]) -> RecordedRequest {
        func fill(_ text: String) -> String {
            var out = text
            for (name, value) in values { out = out.replacingOccurrences(of: "${\(name)}", with: value) }
            return out
        }
        var target = pathExpression.map(fill) ?? path
        let q = query.map { ($0.0, queryExpressions[$0.0].map(fill) ?? $0.1) }.sorted { $0.0 < $1.0 }
        if !q.isEmpty { target += "?" + q.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&") }
        var bytes: [UInt8]?
        switch body {
        case .none: bytes = nil
        case .text(let text): bytes = Array(text.utf8)
        case .form(let pairs):
            bytes = Array(pairs.map { name, value in "\(Self.escape(name))=\(Self.escape(bodyExpressions["$.\(name)"].map { fill($0.expression) } ?? value))" }.joined(separator: "&").utf8)
        case .json(let json):
            let filled = JSONLeaves.replacing(json) { path, leaf in
                guard let (expression, integer) = bodyExpressions[path] else { return leaf }
                let text = fill(expression)
                return integer ? (Int64(text).map { NSNumber(value: $0) as Any } ?? text) : text
            }
            bytes = Array(JSONLeaves.canonical(filled).utf8)
        }
        let headers = headerNames.map { name in (name, values["header.\(name)"] ?? headerExamples[name] ?? "") }
        return RecordedRequest(method: method, target: target, headers: headers, body: bytes, contentType: contentType)
    }

    /// The request half of the interaction.
    func pact() -> [String: Any] {
        var request: [String: Any] = ["method": method.rawValue, "path": path]
        var generators: [String: Any] = [:]
        if let pathExpression { generators["path"] = ["type": "ProviderState", "expression": pathExpression] }
        if !query.isEmpty {
            request["query"] = Dictionary(query.map { ($0.0, [$0.1]) }, uniquingKeysWith: { a, b in a + b })
            if !queryExpressions.isEmpty { generators["query"] = queryExpressions.mapValues { ["type": "ProviderState", "expression": $0] } }
        }
        var headers: [String: Any] = [:]
        var headerGenerators: [String: Any] = [:]
        for name in headerNames {
            headers[name] = [headerExamples[name] ?? ""]
            headerGenerators[name] = ["type": "ProviderState", "expression": "${header.\(name)}"]
        }
        if let contentType, !isNone { headers["Content-Type"] = [contentType] }
        if !headers.isEmpty { request["headers"] = headers }
        if !headerGenerators.isEmpty { generators["header"] = headerGenerators }
        // A field the state fills with a secret shows no example of it.
        let secret = Set(Self.secrets.map { "${\($0)}" })
        func example(_ path: String, _ value: Any) -> Any {
            bodyExpressions[path].map { secret.contains($0.expression) } == true ? "(from the provider state)" : value
        }
        switch body {
        case .none: break
        case .json(let json):
            request["body"] = ["content": JSONLeaves.replacing(json, "$", example), "contentType": contentType ?? "application/json", "encoded": false]
        case .form(let pairs):
            let content = pairs.map { "\(Self.escape($0.0))=\(Self.escape(example("$.\($0.0)", $0.1) as? String ?? $0.1))" }.joined(separator: "&")
            request["body"] = ["content": content, "contentType": contentType ?? "", "encoded": false]
        case .text(let text): request["body"] = ["content": text, "contentType": contentType ?? "text/plain", "encoded": false]
        }
        if !bodyExpressions.isEmpty {
            generators["body"] = bodyExpressions.mapValues { e -> [String: Any] in
                var g: [String: Any] = ["type": "ProviderState", "expression": e.expression]
                if e.integer { g["dataType"] = "INTEGER" }
                return g
            }
        }
        if !generators.isEmpty { request["generators"] = generators }
        return request
    }

    private var isNone: Bool { if case .none = body { true } else { false } }

    static func pairs(_ text: String) -> [(String, String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            return (decode(kv[0]), kv.count > 1 ? decode(kv[1]) : "")
        }
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    static func escape(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text }

    /// Same path, same query pairs in any order.
    static func sameTarget(_ a: String, _ b: String) -> Bool {
        func split(_ t: String) -> (Substring, [String]) {
            let parts = t.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            return (parts[0], parts.count > 1 ? pairs(String(parts[1])).map { "\($0.0)=\($0.1)" }.sorted() : [])
        }
        return split(a) == split(b)
    }
}

/// The response half: the first run's answer, with type matchers where the runs differ.
struct ResponseTemplate {
    var status: Int
    var contentType: String?
    var json: Any?
    var text: String?
    var typed: [String] = []

    init(_ a: HTTPEndpoint.Response, _ b: HTTPEndpoint.Response, stateValues: [String: String], what: String) throws {
        guard a.status == b.status else {
            throw ContractError("\(what): the storefront answered the adapter's request with HTTP \(a.status) but the contract's rendering of it with HTTP \(b.status): \(b.text.prefix(300))")
        }
        status = a.status
        contentType = a.header("Content-Type")
        guard !a.body.isEmpty else {
            guard b.body.isEmpty else { throw ContractError("\(what): the storefront answered the contract's rendering with a body, the adapter's request without") }
            return
        }
        guard let x = try? JSONSerialization.jsonObject(with: Data(a.body), options: [.fragmentsAllowed]),
            let y = try? JSONSerialization.jsonObject(with: Data(b.body), options: [.fragmentsAllowed])
        else {
            text = a.text
            guard a.body == b.body else { throw ContractError("\(what): the storefront's non-JSON answers differ between two runs") }
            return
        }
        json = x
        let left = JSONLeaves.of(x)
        let right = Dictionary(JSONLeaves.of(y), uniquingKeysWith: { a, _ in a })
        guard left.map(\.0) == JSONLeaves.of(y).map(\.0), left.allSatisfy({ JSONLeaves.kind($0.1) == right[$0.0].map(JSONLeaves.kind) }) else {
            throw ContractError("\(what): the storefront's answer has another shape for the contract's rendering of the request: \(a.text.prefix(300)) vs \(b.text.prefix(300))")
        }
        let dynamic = Set(RequestTemplate.names.compactMap { stateValues[$0] })
        for (path, leaf) in left {
            let key = path.split(separator: ".").last.map(String.init) ?? ""
            let differs = !JSONLeaves.equal(leaf, right[path] as Any)
            if differs || Self.volatile(key: key, leaf) || JSONLeaves.text(leaf).map(dynamic.contains) == true { typed.append(path) }
        }
    }

    /// A value two quick runs may share by chance but a later one will not: a time, a token, a signature.
    /// Codes, statuses, errors and messages are never loosened by this guess (they are matched exactly unless
    /// the two runs differ).
    static func volatile(key: String, _ leaf: Any) -> Bool {
        let words = JSONLeaves.words(key)
        if words.contains(where: ["code", "status", "error", "errno", "message", "reason", "type"].contains) { return false }
        if words.contains(where: ["time", "timestamp", "date", "at", "expire", "expires", "expired", "expiry", "token", "signature"].contains) { return true }
        if let text = leaf as? String {
            if text.range(of: #"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"#, options: .regularExpression) != nil { return true }
            // Random-looking: long, one word, letters of both cases or digits mixed in (a token, a hash), not an
            // upper-case constant such as OTP_RESEND_TOO_SOON_ERROR.
            return text.count >= 24 && text.range(of: #"^[A-Za-z0-9+/=._-]+$"#, options: .regularExpression) != nil
                && text.range(of: #"[a-z]"#, options: .regularExpression) != nil && text.range(of: #"[0-9]"#, options: .regularExpression) != nil
        }
        if let number = leaf as? NSNumber, JSONLeaves.kind(leaf) == "number" { return (1_000_000_000...9_999_999_999_999).contains(number.int64Value) }
        return false
    }

    func pact() -> [String: Any] {
        var response: [String: Any] = ["status": status]
        if let json {
            response["body"] = ["content": json, "contentType": "application/json", "encoded": false]
            if !typed.isEmpty {
                response["matchingRules"] = ["body": Dictionary(typed.map { ($0, PactExport.type()) }, uniquingKeysWith: { a, _ in a })]
            }
        } else if let text {
            response["body"] = ["content": text, "contentType": contentType ?? "text/plain", "encoded": false]
        }
        return response
    }
}

/// Leaves of a JSON value by Pact path (`$.a.b`, `$.list[0].c`).
enum JSONLeaves {
    static func of(_ value: Any, _ path: String = "$") -> [(String, Any)] {
        if let object = value as? [String: Any], !object.isEmpty {
            return object.keys.sorted().flatMap { of(object[$0]!, "\(path).\($0)") }
        }
        if let array = value as? [Any], !array.isEmpty {
            return array.enumerated().flatMap { of($0.element, "\(path)[\($0.offset)]") }
        }
        return [(path, value)]  // a scalar, or an empty object or array
    }

    /// The words of a key: `otp_expired_at` and `otpExpiredAt` are both otp, expired, at.
    static func words(_ key: String) -> [String] {
        var words: [String] = []
        var current = ""
        for ch in key {
            if ch == "_" || ch == "-" || ch == "[" {
                if !current.isEmpty { words.append(current) }
                current = ""
                if ch == "[" { break }
            } else if ch.isUppercase, !current.isEmpty, current.last?.isLowercase == true {
                words.append(current)
                current = String(ch)
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.map { $0.lowercased() }
    }

    /// Compact JSON with object keys in byte order and only the escapes JSON requires — how the Pact verifier
    /// (serde_json) writes a body, so that a signature over the rendered bytes is one over what it will send.
    static func canonical(_ value: Any) -> String {
        switch kind(value) {
        case "object":
            let object = value as! [String: Any]
            let keys = object.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            return "{" + keys.map { quoted($0) + ":" + canonical(object[$0]!) }.joined(separator: ",") + "}"
        case "array": return "[" + (value as! [Any]).map(canonical).joined(separator: ",") + "]"
        case "string": return quoted(value as! String)
        case "null": return "null"
        case "bool": return (value as! NSNumber).boolValue ? "true" : "false"
        default: return (value as? NSNumber)?.stringValue ?? "\(value)"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func replacing(_ value: Any, _ path: String = "$", _ transform: (String, Any) -> Any) -> Any {
        if let object = value as? [String: Any] {
            return Dictionary(uniqueKeysWithValues: object.map { ($0.key, replacing($0.value, "\(path).\($0.key)", transform)) })
        }
        if let array = value as? [Any] {
            return array.enumerated().map { replacing($0.element, "\(path)[\($0.offset)]", transform) }
        }
        return transform(path, value)
    }

    /// A scalar leaf as text (numbers without a fraction as integers); nil for null and containers.
    static func text(_ leaf: Any) -> String? {
        switch kind(leaf) {
        case "string": return leaf as? String
        case "bool": return (leaf as! NSNumber).boolValue ? "true" : "false"
        case "number": return (leaf as? NSNumber)?.stringValue
        default: return nil
        }
    }

    static func kind(_ leaf: Any) -> String {
        if leaf is String { return "string" }
        if leaf is NSNull { return "null" }
        if leaf is [String: Any] { return "object" }
        if leaf is [Any] { return "array" }
        if let n = leaf as? NSNumber {
            // JSONSerialization makes booleans NSNumbers of type "c" (char).
            return String(cString: n.objCType) == "c" ? "bool" : "number"
        }
        return "other"
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        let x = of(a), y = of(b)
        return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && kind($0.1) == kind($1.1) && text($0.1) == text($1.1) }
    }
}
