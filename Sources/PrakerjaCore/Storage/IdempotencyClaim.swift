import Foundation

/// An `Idempotency-Key` presented with a command, with Stripe semantics: the first outcome is kept and
/// replayed for the same request; the same key with another request is refused.
///
/// The store checks the key, runs the command and keeps its response in the command's one transaction,
/// so a crash can never leave a key half-used and an idempotent confirm costs one commit.
public struct IdempotencyClaim<Outcome: Sendable>: Sendable {
    public var platformID: String
    public var key: String
    /// Identifies the request (method, path and body): the same key with another fingerprint is refused.
    public var fingerprint: String
    /// The response to keep for the command's outcome, or nil to keep none, leaving the key free (an
    /// outcome that is not a result, such as a rate limit, should be retried, not replayed).
    public var render: @Sendable (Result<Outcome, GatewayError>) -> StoredResponse?
    /// Set by a caller that has just looked the key up and found it unused (the partner API does, to answer a
    /// replay before anything else): the store then looks again only inside its transaction, not first from
    /// a read of its own as well.
    public var checkedUnused = false

    public init(
        platformID: String, key: String, fingerprint: String, render: @escaping @Sendable (Result<Outcome, GatewayError>) -> StoredResponse?
    ) {
        self.platformID = platformID
        self.key = key
        self.fingerprint = fingerprint
        self.render = render
    }

    /// The same claim for a command whose outcome is first turned into this one's by `transform`.
    public func pulledBack<Other: Sendable>(_ transform: @escaping @Sendable (Other) -> Result<Outcome, GatewayError>) -> IdempotencyClaim<Other> {
        let render = render
        var other = IdempotencyClaim<Other>(platformID: platformID, key: key, fingerprint: fingerprint) { result in
            render(result.flatMap(transform))
        }
        other.checkedUnused = checkedUnused
        return other
    }

    /// The command's part of a store transaction, for every store to share.
    ///
    /// `lookup` reads the key's kept fingerprint and response; `save` keeps a response for the key;
    /// `command` loads, decides and writes. A thrown error rolls the transaction back. A returned
    /// `.failure` is a refusal whose response was kept: the store commits, then throws it.
    public static func execute(
        _ claim: IdempotencyClaim?, lookup: (_ platformID: String, _ key: String) throws -> (fingerprint: String, response: StoredResponse)?,
        save: (_ platformID: String, _ key: String, _ fingerprint: String, StoredResponse) throws -> Void, command: () throws -> Outcome
    ) throws -> Result<Idempotent<Outcome>, GatewayError> {
        guard let claim else { return .success(.ran(try command(), kept: nil)) }
        if let seen = try lookup(claim.platformID, claim.key) {
            guard seen.fingerprint == claim.fingerprint else { throw GatewayError(.idempotencyKeyReused) }
            return .success(.replay(seen.response))
        }
        let outcome: Result<Outcome, GatewayError>
        do {
            outcome = .success(try command())
        } catch let error as GatewayError {
            outcome = .failure(error)
        }
        guard let response = claim.render(outcome) else {
            return .success(.ran(try outcome.get(), kept: nil))  // nothing kept: a refusal rolls back
        }
        try save(claim.platformID, claim.key, claim.fingerprint, response)
        return outcome.map { .ran($0, kept: response) }
    }

    /// ``execute(_:lookup:save:command:)`` for a store whose queries are asynchronous (PostgreSQL): the same
    /// steps, in the same order, inside the caller's one transaction.
    public static func executing(
        _ claim: IdempotencyClaim?, lookup: (_ platformID: String, _ key: String) async throws -> (fingerprint: String, response: StoredResponse)?,
        save: (_ platformID: String, _ key: String, _ fingerprint: String, StoredResponse) async throws -> Void, command: () async throws -> Outcome
    ) async throws -> Result<Idempotent<Outcome>, GatewayError> {
        guard let claim else { return .success(.ran(try await command(), kept: nil)) }
        if let seen = try await lookup(claim.platformID, claim.key) {
            guard seen.fingerprint == claim.fingerprint else { throw GatewayError(.idempotencyKeyReused) }
            return .success(.replay(seen.response))
        }
        let outcome: Result<Outcome, GatewayError>
        do {
            outcome = .success(try await command())
        } catch let error as GatewayError {
            outcome = .failure(error)
        }
        guard let response = claim.render(outcome) else {
            return .success(.ran(try outcome.get(), kept: nil))
        }
        try await save(claim.platformID, claim.key, claim.fingerprint, response)
        return outcome.map { .ran($0, kept: response) }
    }
}
