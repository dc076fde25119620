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

/// Removes insignificant whitespace from JSON text without reordering or re-encoding anything, so the
/// result is what a client's `json.dumps(separators=(',',':'))` / `JSON.stringify` produced before sending.
public enum CompactJSON {
    public static func compact(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var inString = false
        var escaped = false
        for b in bytes {
            if inString {
                out.append(b)
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
            case UInt8(ascii: "\""):
                inString = true
                out.append(b)
            default: out.append(b)
            }
        }
        return out
    }
}

public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

public enum ConstantTime {
    /// Constant-time comparison.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
