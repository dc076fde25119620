import Crypto
import Foundation
import Hummingbird
import PrakerjaCore

/// The gateway's voucher code `PRK-ABCD-2345-EFGH` and its 12-character body, for dialects that print the
/// body without dashes.
public enum VoucherCode {
    /// `ABCD2345EFGH` from `PRK-ABCD-2345-EFGH`.
    public static func body(_ code: String) -> String { code.dropFirst(4).replacingOccurrences(of: "-", with: "") }

    /// `PRK-ABCD-2345-EFGH` from a 12-character body (case-insensitive), or nil for anything else.
    public static func code(body: some StringProtocol) -> String? {
        let s = Array(body.uppercased())
        guard s.count == 12, s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return "PRK-" + String(s[0..<4]) + "-" + String(s[4..<8]) + "-" + String(s[8..<12])
    }
}
