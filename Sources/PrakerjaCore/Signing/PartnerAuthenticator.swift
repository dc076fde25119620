import Crypto
import Foundation
import Synchronization

/// Checks signed requests: known platform, timestamp within the window of *real* time, signature, and a
/// nonce not seen within the window (a replay is refused even with a valid signature).
public final class PartnerAuthenticator: Sendable {
    private let catalog: Catalog
    private let wallClock: any TimeSource
    /// Nonces seen within twice the timestamp tolerance (a request is accepted for that long around its timestamp).
    private let seen: Mutex<NonceBuckets>

    public init(catalog: Catalog, wallClock: any TimeSource) {
        self.catalog = catalog
        self.wallClock = wallClock
        self.seen = Mutex(NonceBuckets(window: PartnerSignature.tolerance * 2))
    }

    /// Returns the authenticated platform.
    public func authenticate(
        platformID: String?, timestamp: String?, nonce: String?, signature: String?, method: String, target: String, body: [UInt8]
    ) throws(GatewayError) -> Platform {
        guard let platformID, let timestamp, let nonce, let signature else { throw GatewayError(.missingCredentials) }
        guard let platform = catalog.platform(platformID) else { throw GatewayError(.unknownPlatform) }
        guard (8...64).contains(nonce.utf8.count), nonce.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw GatewayError(.missingCredentials, "X-Nonce must be 8 to 64 printable ASCII characters.")
        }
        guard let seconds = Int64(timestamp) else { throw GatewayError(.staleTimestamp, "X-Timestamp must be unix seconds.") }
        let now = wallClock.now()
        let sent = Date(timeIntervalSince1970: TimeInterval(seconds))
        guard abs(now.timeIntervalSince(sent)) <= PartnerSignature.tolerance else {
            throw GatewayError(.staleTimestamp, details: ["tolerance_seconds": "\(Int(PartnerSignature.tolerance))"])
        }
        let expected = PartnerSignature.sign(
            secret: platform.partnerSecret, platformID: platformID, timestamp: timestamp, nonce: nonce, method: method, target: target, body: body
        )
        guard ConstantTime.equal(Array(expected.utf8), Array(signature.lowercased().utf8)) else { throw GatewayError(.invalidSignature) }
        let key = platformID + "\u{0}" + nonce
        let fresh = seen.withLock { $0.insert(key, at: now) }
        guard fresh else { throw GatewayError(.replayedRequest) }
        return platform
    }

    /// With a store several gateway processes share, a nonce that another process has seen is a replay too.
    /// Call after ``authenticate``.
    public func claimShared(platformID: String, nonce: String, in store: any GatewayStore) async throws {
        guard store.isShared else { return }
        let fresh = try await store.claimNonce(platformID: platformID, nonce: nonce, now: wallClock.now(), window: PartnerSignature.tolerance * 2)
        if fresh == false { throw GatewayError(.replayedRequest) }
    }
}
