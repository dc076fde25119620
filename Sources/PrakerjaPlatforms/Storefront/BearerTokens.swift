import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PrakerjaCore

/// Stateless access tokens: `base64url(client_id.expiry).hmac`, so they survive restarts and need no table.
public struct BearerTokens: Sendable {
    let key: SymmetricKey
    let clock: any TimeSource
    public static let lifetime: TimeInterval = 3600

    public init(secret: String, clock: any TimeSource) {
        key = SymmetricKey(data: Array("bearer:\(secret)".utf8))
        self.clock = clock
    }

    public func issue(clientID: String) -> String {
        let payload = "\(clientID).\(Int64(clock.now().timeIntervalSince1970 + Self.lifetime))"
        let encoded = Data(payload.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return encoded + "." + Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(encoded.utf8), using: key))
    }

    public func verify(_ token: String, clientID: String) throws(BuyerError) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
            ConstantTime.equal(Array(parts[1].utf8), Array(Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(parts[0].utf8), using: key)).utf8))
        else { throw BuyerError(.badCredentials, "the access token is not valid") }
        var base64 = parts[0].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let payload = String(data: data, encoding: .utf8), let dot = payload.lastIndex(of: "."),
            payload[..<dot] == clientID, let expiry = Int64(payload[payload.index(after: dot)...])
        else { throw BuyerError(.badCredentials, "the access token is not valid") }
        guard Double(expiry) > clock.now().timeIntervalSince1970 else { throw BuyerError(.badCredentials, "the access token has expired") }
    }
}
