import Crypto
import Foundation

/// Standard Webhooks 1.0 signing (the open spec Svix and others implement), so any receiver can verify the
/// gateway's webhooks with an off-the-shelf library:
/// `webhook-signature: v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>`, where the key is
/// the base64 part of a `whsec_…` secret and `timestamp` is unix seconds of real time.
public enum StandardWebhooks {
    /// A platform's signing secret, derived from its partner secret so it is stable across restarts.
    public static func secret(for platform: Platform) -> String {
        let key = HMAC<SHA256>.authenticationCode(for: Array("webhook-signing:\(platform.id)".utf8), using: SymmetricKey(data: Array(platform.partnerSecret.utf8)))
        return "whsec_" + Data(key).base64EncodedString()
    }

    /// `v1,<base64 signature>`; nil if `secret` is not a `whsec_` secret.
    public static func sign(secret: String, id: String, timestamp: Int64, body: [UInt8]) -> String? {
        guard let key = key(secret) else { return nil }
        let content = Array("\(id).\(timestamp).".utf8) + body
        return "v1," + Data(HMAC<SHA256>.authenticationCode(for: content, using: key)).base64EncodedString()
    }

    /// Checks a received webhook: one of the space-separated `v1,` signatures matches and the timestamp is
    /// within `tolerance` of `now` (real time).
    public static func verify(
        secret: String, id: String, timestamp: String, signatures: String, body: [UInt8], now: Date, tolerance: TimeInterval = 300
    ) -> Bool {
        guard let seconds = Int64(timestamp), abs(Double(seconds) - now.timeIntervalSince1970) <= tolerance,
            let expected = sign(secret: secret, id: id, timestamp: seconds, body: body)
        else { return false }
        return signatures.split(separator: " ").contains { ConstantTime.equal(Array($0.utf8), Array(expected.utf8)) }
    }

    /// The headers of one attempt.
    public static func headers(secret: String, id: String, timestamp: Int64, body: [UInt8]) -> [(String, String)] {
        [
            ("webhook-id", id), ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", sign(secret: secret, id: id, timestamp: timestamp, body: body) ?? ""),
        ]
    }

    private static func key(_ secret: String) -> SymmetricKey? {
        guard secret.hasPrefix("whsec_"), let bytes = Data(base64Encoded: String(secret.dropFirst(6))), !bytes.isEmpty else { return nil }
        return SymmetricKey(data: bytes)
    }
}
