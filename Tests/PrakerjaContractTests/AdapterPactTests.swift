import AsyncHTTPClient
import Foundation
import Logging
import PrakerjaClient
@testable import PrakerjaContract
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaSimulator
import PrakerjaTesting
import Synchronization
import Testing

/// The adapter → storefront Pact contracts: recorded from the real adapters, written as templates the
/// verifier can fill, and set up by the gateway's `POST /sim/pact/storefronts/state`. (The Pact verifier
/// itself runs them in `scripts/e2e/pact_verify.py`.)
struct AdapterPactTests {
    @Test func everyPlatformsContractIsRecordedAndReplaysAsTheVerifierWouldSendIt() async throws {
        let pacts = Pacts()
        try await Self.withSimulation { http, running in
            let targets = running.storefronts.map { ContractTarget(platformID: $0.platformID, baseURL: $0.baseURL, credentials: $0.credentials) }
            // The export sends every recorded request twice — as the adapter built it, and as the verifier will
            // render it from the contract — and fails if the storefront answers them differently.
            let files = try await PactExport.adapterToStorefront(http: http, gatewayURL: running.gatewayURL, targets: targets)
            pacts.set(files)
        }
        let files = pacts.files
        #expect(Set(files.map(\.file)) == Set(PlatformRegistry.platformIDs.map { "\($0)-adapter-\($0)-storefront.json" }))
        for (file, data) in files {
            let pact = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let platform = String(file.split(separator: "-").first!)
            #expect((pact["consumer"] as? [String: Any])?["name"] as? String == "\(platform)-adapter")
            #expect((pact["provider"] as? [String: Any])?["name"] as? String == "\(platform)-storefront")
            let interactions = try #require(pact["interactions"] as? [[String: Any]])
            // One interaction per request: a token first on the three platforms that issue tokens; Pintaria reads the
            // order before it charges it.
            let expected = ["tokopedia": 11, "bukalapak": 11, "sisnaker": 11, "pintaria": 11][platform] ?? 10
            #expect(interactions.count == expected, "\(file): \(interactions.count) interactions")
            let byDescription = Dictionary(interactions.map { ($0["description"] as! String, $0) }, uniquingKeysWith: { a, _ in a })
            for spec in StorefrontPactStates.interactions {
                #expect(byDescription.keys.contains { $0.hasPrefix(spec.description) }, "\(file): \(spec.description)")
            }
            for interaction in interactions {
                let states = try #require(interaction["providerStates"] as? [[String: Any]])
                let params = try #require(states.first?["params"] as? [String: String])
                #expect(params["platform"] == platform && params["request"] != nil)
                #expect(StorefrontPactStates.stateNames.contains(states.first?["name"] as? String ?? ""))
            }
            // Paying: the order id comes from the state, the response is a success; a wrong OTP is answered otherwise.
            let pay = try #require(byDescription["paying with the OTP"])
            let wrong = try #require(byDescription["paying with a wrong OTP"])
            let request = try #require(pay["request"] as? [String: Any])
            let generators = try #require(request["generators"] as? [String: Any])
            let named = "\(generators["path"] ?? "") \(generators["body"] ?? "")"
            #expect(named.contains("${order_id}"), "\(file): the confirm names the state's order")
            #expect(named.contains("${otp}"), "\(file): the confirm types the state's OTP")
            // A wrong OTP is refused in the dialect's own words: its status and its code, matched exactly.
            let dialect = PlatformRegistry.dialect(platform)!
            let entry = dialect.errors[.otpInvalid]
            let refusal = try #require(wrong["response"] as? [String: Any])
            let status = Int(dialect.errorReply(BuyerError(.otpInvalid, "wrong"), status: entry.httpStatus).status.code)
            #expect(refusal["status"] as? Int == status, "\(file): wrong OTP answered with \(refusal["status"] ?? "")")
            let refusalBody = String(decoding: try JSONSerialization.data(withJSONObject: (refusal["body"] as? [String: Any])?["content"] ?? [:]), as: UTF8.self)
            // The code as a string or a number; SNAP codes carry the service's two digits where the table says xx.
            let code = NSRegularExpression.escapedPattern(for: entry.code).replacingOccurrences(of: "xx", with: "[0-9]{2}")
            #expect(refusalBody.range(of: "[\":]\(code)[\",}]", options: .regularExpression) != nil, "\(file): the wrong OTP's code \(entry.code) in \(refusalBody)")
            let loosened = ((refusal["matchingRules"] as? [String: Any])?["body"] as? [String: Any])?.keys.sorted() ?? []
            #expect(!loosened.contains { JSONLeaves.words(String($0.split(separator: ".").last ?? "")).contains { ["code", "errno", "error"].contains($0) } },
                "\(file): the refusal's code is matched exactly, not by type: \(loosened)")
            let paid = try #require(pay["response"] as? [String: Any])
            let paidJSON = try JSONSerialization.data(withJSONObject: paid, options: .sortedKeys)
            let refusalJSON = try JSONSerialization.data(withJSONObject: refusal, options: .sortedKeys)
            #expect(paid["status"] is Int && paidJSON != refusalJSON, "\(file): a wrong OTP is answered otherwise than the right one")
            // No credential is written into a contract.
            let text = String(decoding: data, as: UTF8.self)
            let credentials = PlatformRegistry.dialect(platform)!.credentials(for: TestWorld.catalog.platform(platform)!)
            #expect(!text.contains(credentials.clientSecret), "\(file) carries the client secret")
            // Every header is the state's: tokens, timestamps and signatures are computed when the state is set up.
            let headers = (generators["header"] as? [String: Any])?.keys.sorted() ?? []
            switch platform {
            case "pijarmahir": #expect(headers.contains("signature") && headers.contains("timestamp"))
            case "sisnaker": #expect(headers.contains("X-SIGNATURE") && headers.contains("Authorization"))
            case "tokopedia", "bukalapak": #expect(headers.contains("Authorization"))
            default: #expect(!headers.isEmpty)
            }
        }
    }

    @Test func theStateEndpointRefusesWhatItCannotSetUp() async throws {
        try await Self.withSimulation(platforms: ["pintaria"]) { http, running in
            let gateway = GatewayClient(http: http, baseURL: running.gatewayURL)
            func post(_ state: String, _ params: [String: String]) async throws -> GatewayClient.Response {
                try await gateway.post("/sim/pact/storefronts/state", json: ["state": AnyEncodable(state), "params": AnyEncodable(params)])
            }
            struct Total: Decodable { var total: Int }
            let before = try await gateway.get("/sim/participants?limit=1").decode(Total.self).total
            for (state, params, field) in [
                ("nope", ["platform": "pintaria"], "state"),
                ("an API client", ["platform": "tokopedia"], "params.platform"),
                ("an API client", [:], "params.platform"),
                ("an API client", ["platform": "pintaria", "operation": "confirm"], "params.operation"),
                ("an API client", ["platform": "pintaria", "operation": "fly"], "params.operation"),
                ("an API client", ["platform": "pintaria", "colour": "red"], "params.colour"),
                ("an API client", ["platform": "pintaria", "request": "0"], "params.request"),
            ] {
                let response = try await post(state, params)
                #expect(response.status == 400, "\(state) \(params)")
                #expect(response.text.contains("\"field\":\"\(field)\""), "\(response.text)")
            }
            #expect(try await gateway.get("/sim/participants?limit=1").decode(Total.self).total == before, "a refused setup makes nothing")
            // A state with its values; an operation's request built, not sent.
            let paid = try await post("a paid order", ["platform": "pintaria", "operation": "voucher"])
            #expect(paid.status == 200)
            let values = try paid.decode([String: String].self)
            for key in ["card_number", "account_id", "order_id", "otp", "voucher_code", "request.method", "request.target", "header.Authorization"] {
                #expect(values[key] != nil, "\(key)")
            }
            #expect(values["request.target"]?.contains(values["order_id"] ?? "-") == true)
            let count = try await post("an order placed", ["platform": "pintaria", "operation": "request_otp", "request": "count"]).decode([String: String].self)
            #expect(count["requests"] == "2", "Pintaria reads the order before charging it")
            let beyond = try await post("an order placed", ["platform": "pintaria", "operation": "request_otp", "request": "3"])
            #expect(beyond.status == 400 && beyond.text.contains("makes 2 request(s)"))
        }
    }

    @Test func aCaptureSendsWhatItPassesKeepsOneAndSendsNothingAfter() {
        let capture = RequestCapture()
        let request = { (n: Int) in RequestCapture.Request(method: "GET", target: "/\(n)", headers: [], body: nil, contentType: "application/json") }
        #expect(!capture.intercept(request(0)), "unarmed: sent")
        capture.arm(passing: 1)
        #expect(!capture.intercept(request(1)))
        #expect(capture.intercept(request(2)))
        #expect(capture.intercept(request(3)), "after the kept one, nothing is sent")
        #expect(capture.captured == request(2) && capture.sent == 1)
        capture.count()
        for n in 0..<3 { #expect(!capture.intercept(request(n))) }
        #expect(capture.captured == nil && capture.sent == 3)
    }

    @Test func aTemplateNamesTheStatesValuesAndRendersLikeTheVerifier() throws {
        func values(order: String, account: String, otp: String, signature: String) -> [String: String] {
            [
                "order_id": order, "account_id": account, "otp": otp, "card_number": "50000000" + order, "request.method": "POST",
                "request.target": "/api/orders/\(order).json?z=1&account=\(account)", "request.content_type": "application/json",
                "request.body": #"{"otp":"\#(otp)","user_id":\#(account),"channel":"web"}"#, "header.X-Sig": signature,
                "header.Content-Type": "application/json",
            ]
        }
        let a = values(order: "MBA0001", account: "4101", otp: "123456", signature: "s1")
        let b = values(order: "MBA0002", account: "4102", otp: "654321", signature: "s2")
        let template = try RequestTemplate(a, other: b, what: "test")
        #expect(template.pathExpression == "/api/orders/${order_id}.json")
        #expect(template.queryExpressions == ["account": "${account_id}"])
        #expect(template.bodyExpressions["$.otp"]?.expression == "${otp}")
        #expect(template.bodyExpressions["$.user_id"]?.expression == "${account_id}" && template.bodyExpressions["$.user_id"]?.integer == true)
        #expect(template.bodyExpressions["$.channel"] == nil, "a value every run shares stays literal")
        let rendered = template.render(b)
        #expect(rendered.target == "/api/orders/MBA0002.json?account=4102&z=1", "query keys sorted, as the verifier sends them")
        #expect(rendered.body.map { String(decoding: $0, as: UTF8.self) } == #"{"channel":"web","otp":"654321","user_id":4102}"#)
        #expect(rendered.headers.map(\.0) == ["X-Sig"] && rendered.headers.first?.1 == "s2")
        let pact = template.pact()
        let generators = try #require(pact["generators"] as? [String: Any])
        #expect((generators["header"] as? [String: [String: String]])?["X-Sig"]?["expression"] == "${header.X-Sig}")

        // A value the template cannot name (a field that changes but is no state value) makes the export fail.
        var c = b
        c["request.body"] = #"{"otp":"654321","user_id":4102,"channel":"app"}"#
        #expect(throws: ContractError.self) { try RequestTemplate(a, other: c, what: "test") }
    }

    final class Pacts: Sendable {
        private let state = Mutex<[(file: String, json: Data)]>([])
        func set(_ files: [(file: String, json: Data)]) { state.withLock { $0 = files } }
        var files: [(file: String, json: Data)] { state.withLock { $0 } }
    }

    static func withSimulation(
        platforms: [String]? = nil, _ body: @Sendable @escaping (HTTPClient, SimulationServices.Running) async throws -> Void
    ) async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await TemporarySimulation.with(
                catalog: TestWorld.catalog, configuration: Gateway.Configuration(rules: .named(.y2021), seed: 21, participants: 0), platforms: platforms,
                http: http, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            ) { running in try await body(http, running) }
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}
