import Crypto
import Foundation
import Synchronization

/// The gateway partner API's request signature, shared by all seven platforms.
///
/// Headers: `X-Platform-Id`, `X-Timestamp` (unix seconds), `X-Nonce` (unique per request, 8–64 characters),
/// `X-Signature` = lowercase hex HMAC-SHA256(partner_secret, canonical), where canonical is
/// `platformId \n timestamp \n nonce \n METHOD \n path?query \n sha256hex(body)`.
public enum PartnerSignature {
    public static let tolerance: TimeInterval = 300

    public static func canonical(platformID: String, timestamp: String, nonce: String, method: String, target: String, body: some Sequence<UInt8>)
        -> String
    {
        let bodyHash = Hex.encode(SHA256.hash(data: Array(body)))
        return [platformID, timestamp, nonce, method.uppercased(), target, bodyHash].joined(separator: "\n")
    }

    public static func sign(secret: String, platformID: String, timestamp: String, nonce: String, method: String, target: String, body: some Sequence<UInt8>)
        -> String
    {
        let text = canonical(platformID: platformID, timestamp: timestamp, nonce: nonce, method: method, target: target, body: body)
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: Array(secret.utf8))))
    }

    /// The signed headers for a request, ready to send.
    public static func headers(
        secret: String, platformID: String, now: Date, nonce: String, method: String, target: String, body: some Sequence<UInt8>
    ) -> [(String, String)] {
        let ts = String(Int64(now.timeIntervalSince1970))
        return [
            ("X-Platform-Id", platformID), ("X-Timestamp", ts), ("X-Nonce", nonce),
            ("X-Signature", sign(secret: secret, platformID: platformID, timestamp: ts, nonce: nonce, method: method, target: target, body: body)),
        ]
    }
}
