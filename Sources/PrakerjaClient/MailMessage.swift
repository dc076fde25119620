import Foundation
import PrakerjaCore

/// A voucher e-mail as an Internet message (RFC 5322, MIME): headers, a plain-text body in 7 bits (base64
/// when the text is not plain ASCII or has a line too long for SMTP), and the `DATA` section that carries it.
struct MailMessage: Equatable {
    /// Header lines, in order, without line ends.
    var headers: [String]
    /// Body lines, without line ends.
    var body: [String]

    init(_ email: OutgoingEmail, from: String) {
        let ascii = email.body.unicodeScalars.allSatisfy { $0.isASCII && $0.value < 127 && ($0.value >= 32 || $0 == "\n" || $0 == "\r" || $0 == "\t") }
        // One line end, CRLF on the wire: a lone CR or LF is never sent (RFC 5321 §2.3.8).
        let text = email.body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let plain = ascii && lines.allSatisfy { $0.utf8.count <= 998 }
        headers = [
            "From: Kartu Prakerja (simulated) <\(from)>",
            "To: <\(email.to)>",
            "Subject: \(Self.encodedWord(email.subject))",
            "Date: \(Self.date(email.date))",
            "Message-ID: <\(email.eventID)@prakerja-sim.local>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: \(plain ? "7bit" : "base64")",
            "X-Prakerja-Charge: \(email.chargeID)",
            "X-Prakerja-Event: \(email.eventID)",
        ]
        if plain {
            body = lines
        } else {
            // Text is put in canonical form (CRLF line ends) before it is encoded (RFC 2046 §4.1.1).
            let encoded = Data(lines.joined(separator: "\r\n").utf8).base64EncodedString()
            body = stride(from: 0, to: encoded.count, by: 76).map { start in
                let from = encoded.index(encoded.startIndex, offsetBy: start)
                return String(encoded[from..<(encoded.index(from, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex)])
            }
        }
    }

    /// What follows `DATA`: the message with CRLF line ends, each line that starts with a dot given one more
    /// (RFC 5321 §4.5.2), then the lone dot that ends it (the final CRLF is the caller's).
    var dataSection: String {
        (headers + [""] + body).map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n."
    }

    /// The subject as is when it is printable ASCII; otherwise RFC 2047 encoded words (`=?UTF-8?B?…?=`), each
    /// at most 75 characters, split between characters.
    static func encodedWord(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 && $0.value < 127 }) { return text }
        var words: [String] = []
        var chunk = ""
        func flush() {
            if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk.utf8).base64EncodedString() + "?=") }
            chunk = ""
        }
        for character in text where !character.isNewline {
            if chunk.utf8.count + String(character).utf8.count > 45 { flush() }
            chunk.append(character)
        }
        flush()
        return words.joined(separator: "\r\n ")
    }

    /// `Thu, 15 Oct 2021 08:05:00 +0700`: RFC 5322's date, in WIB.
    static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: Int(Jakarta.utcOffset))
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    /// An address that can go in `RCPT TO:<…>` as is: one `@`, no spaces, controls or angle brackets.
    static func isPlainAddress(_ address: String) -> Bool {
        address.filter { $0 == "@" }.count == 1 && !address.hasPrefix("@") && !address.hasSuffix("@")
            && address.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && $0 != "<" && $0 != ">" }
    }
}
