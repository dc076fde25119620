import Foundation
import Logging
import PrakerjaCore
import ServiceLifecycle

/// Runs the delivery engine while the simulator serves: attempts are made as they fall due in business
/// time (which flows with real time in `serve`), and at once when a payment or a redelivery wakes it; and
/// the reconciliation job, which repairs charges debited without a voucher once they are overdue.
/// Tests and scenarios do not need it: they move business time themselves (`Gateway.advanceClock`).
public struct DeliveryWorker<WaitClock: Clock<Duration>>: Service {
    let gateway: Gateway
    let waitClock: WaitClock
    let logger: Logger
    /// The longest it waits without looking again (business time can also jump by `/sim/clock/advance`).
    let maxWait: Duration

    public init(gateway: Gateway, waitClock: WaitClock, logger: Logger, maxWait: Duration = .seconds(1)) {
        self.gateway = gateway
        self.waitClock = waitClock
        self.logger = logger
        self.maxWait = maxWait
    }

    public func run() async throws {
        let (engine, clock, waitClock, maxWait, logger) = (gateway.delivery, gateway.clock, waitClock, maxWait, logger)
        try await cancelWhenGracefulShutdown {
            var lastRepair: WaitClock.Instant?
            while !Task.isCancelled {
                var next: Date?
                do {
                    try await gateway.syncClock()
                    next = try await engine.runDueAndFindNext().next
                    // The reconciliation job needs no more than a look per `maxWait`, however often payments wake the worker.
                    if lastRepair.map({ $0.duration(to: waitClock.now) >= maxWait }) ?? true {
                        lastRepair = waitClock.now
                        try await gateway.reconcile()
                    }
                } catch {
                    logger.error("delivery run failed", metadata: ["error": "\(error)"])
                }
                var wait = maxWait
                if let next {
                    let seconds = max(0.001, next.timeIntervalSince(clock.now()))
                    wait = min(wait, .milliseconds(Int64(seconds * 1000)))
                }
                let pause = wait
                await engine.waitForWork { try? await waitClock.sleep(for: pause) }
            }
        }
    }
}
