import Foundation
import NIOCore
import PrakerjaClient

/// One plain HTTP GET per flow, with the same engine: to load one API, and to calibrate the generator
/// against `wrk`.
public struct URLLoad: Sendable {
    public static let steps = ["request", "flow"]

    public let http: any HTTPTransport
    public let url: String
    public let recorder: LatencyRecorder
    public var timeout: TimeAmount = .seconds(30)

    public init(http: any HTTPTransport, url: String, recorder: LatencyRecorder) {
        self.http = http
        self.url = url
        self.recorder = recorder
    }

    @discardableResult
    public func run(_ start: OpenModelRunner.Start) async -> Bool {
        let clock = ContinuousClock()
        var failure: String?
        do {
            let response = try await http.send(.GET, url: url, headers: [], body: nil, timeout: timeout)
            if !(200..<400).contains(response.status) { failure = "http_\(response.status)" }
        } catch {
            failure = "transport"
        }
        let end = clock.now
        let at = Double((end - start.runStart).microseconds) / 1e6
        for name in Self.steps {
            recorder.record(.init(name: name, corrected: end - start.intended, uncorrected: end - start.started, error: failure, endedAt: at))
        }
        return failure == nil
    }
}
