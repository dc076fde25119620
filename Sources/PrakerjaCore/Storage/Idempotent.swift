import Foundation

/// What a command run under an ``IdempotencyClaim`` gives back.
public enum Idempotent<Outcome: Sendable>: Sendable {
    /// The command ran now; `kept` is the response stored for its key (nil without a key).
    case ran(Outcome, kept: StoredResponse?)
    /// The key had been used for this request before: its response, to send again.
    case replay(StoredResponse)

    /// The outcome of a command that ran without a key (which cannot be a replay).
    public var ranOutcome: Outcome {
        guard case .ran(let outcome, _) = self else { preconditionFailure("a command without an idempotency key was replayed") }
        return outcome
    }
}
