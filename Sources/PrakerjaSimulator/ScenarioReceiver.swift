import Foundation
import PrakerjaCore
import Synchronization

/// The platform's webhook endpoint in a scenario, in process: answers each event as the scenario says
/// (the first attempts fail, then 204) and notes every request at the business time it arrived.
final class ScenarioReceiver: WebhookTransport {
    struct Request: Sendable {
        var at: Date
        var eventID: String
        var type: String
        var status: Int
    }

    private let behaviour: Scenario.Receiver?
    private let clock: VirtualClock
    /// Where a request the platform accepts goes on to: the platform's own storefront, when it takes webhooks.
    private let forward: any WebhookTransport
    private let log = Mutex<[Request]>([])
    /// The endpoint of a platform that has no webhook receiver of its own in the simulator.
    static let standIn = "http://127.0.0.1:9/"

    init(_ behaviour: Scenario.Receiver?, clock: VirtualClock, forward: any WebhookTransport) {
        self.behaviour = behaviour
        self.clock = clock
        self.forward = forward
    }

    var requests: [Request] { log.withLock { $0 } }

    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async -> WebhookResponse {
        let id = headers.first { $0.0 == "webhook-id" }?.1 ?? ""
        let type = ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any])?["type"] as? String ?? "?"
        let at = clock.now()
        let status = log.withLock { log in
            let seen = log.filter { $0.eventID == id }.count
            let status = seen < (behaviour?.failFirst ?? 0) ? (behaviour?.status ?? 500) : 204
            log.append(Request(at: at, eventID: id, type: type, status: status))
            return status
        }
        if status < 300, !url.hasPrefix(Self.standIn) {
            // The platform's storefront takes it: its own answer (it verifies the signature) is the answer.
            switch await forward.post(url: url, headers: headers, body: body, timeout: timeout) {
            case .answered(let code, _, _): return .answered(status: code, headers: [], latency: .zero)
            case .unreachable(let reason, _): return .unreachable(reason: reason, latency: .zero)
            }
        }
        return .answered(status: status, headers: status == 429 ? [("Retry-After", "3600")] : [], latency: .zero)
    }
}
