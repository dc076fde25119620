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
    private let log = Mutex<[Request]>([])

    init(_ behaviour: Scenario.Receiver?, clock: VirtualClock) {
        self.behaviour = behaviour
        self.clock = clock
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
        return .answered(status: status, headers: status == 429 ? [("Retry-After", "3600")] : [], latency: .zero)
    }
}
