import Crypto
import Foundation

/// The redeem-code API's signature: lowercase hex HMAC-SHA1(sign_key, client_code + timestamp + METHOD + path + body),
/// where body is the JSON in compact form with keys in the order sent.
public enum RedeemSignature {
    public static func sign(key: String, clientCode: String, timestamp: String, method: String, path: String, body: some Sequence<UInt8>)
        -> String
    {
        var message = Array("\(clientCode)\(timestamp)\(method.uppercased())\(path)".utf8)
        message.append(contentsOf: CompactJSON.compact(body))
        return Hex.encode(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: Array(key.utf8))))
    }

    /// Compares in constant time.
    public static func verify(_ signature: String, key: String, clientCode: String, timestamp: String, method: String, path: String, body: [UInt8])
        -> Bool
    {
        let expected = sign(key: key, clientCode: clientCode, timestamp: timestamp, method: method, path: path, body: body)
        return ConstantTime.equal(Array(expected.utf8), Array(signature.lowercased().utf8))
    }
}
