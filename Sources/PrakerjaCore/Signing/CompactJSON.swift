import Crypto
import Foundation

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
