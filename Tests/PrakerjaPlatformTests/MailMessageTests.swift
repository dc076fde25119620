import Foundation
import PrakerjaCore
import Testing

@testable import PrakerjaClient

/// The voucher e-mail as an Internet message; the SMTP conversation itself is checked against a real SMTP
/// server (aiosmtpd) in `scripts/e2e/smtp_delivery.py`.
@Suite struct MailMessageTests {
    func email(subject: String = "Kode voucher pelatihan", body: String) -> OutgoingEmail {
        OutgoingEmail(to: "budi@mail.example.id", subject: subject, body: body, eventID: "msg_abc", chargeID: "ch_1", date: Gateway.defaultStartTime)
    }

    @Test func plainTextGoesAsItIsWithDotsStuffed() {
        let m = MailMessage(email(body: "Halo Budi,\n.tersembunyi\nKode voucher: PRK-AAAA"), from: "voucher@prakerja-sim.local")
        #expect(m.headers.contains("Content-Transfer-Encoding: 7bit") && m.headers.contains("Message-ID: <msg_abc@prakerja-sim.local>"))
        #expect(m.headers.contains("Date: Fri, 15 Oct 2021 08:00:00 +0700"), "RFC 5322 date in WIB")
        #expect(m.headers.contains("To: <budi@mail.example.id>") && m.headers.contains("X-Prakerja-Charge: ch_1"))
        let data = m.dataSection
        #expect(data.hasSuffix("\r\nKode voucher: PRK-AAAA\r\n."), "ends with the lone dot")
        #expect(data.contains("\r\n..tersembunyi\r\n"), "a line starting with a dot gets another")
        #expect(!data.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "only CRLF line ends")
        let bare = MailMessage(email(body: "a\rb\r\nc\nd"), from: "voucher@prakerja-sim.local").dataSection
        #expect(bare.hasSuffix("\r\n\r\na\r\nb\r\nc\r\nd\r\n.") && !bare.replacingOccurrences(of: "\r\n", with: "").contains("\r"), "a lone CR becomes a line end")
        #expect(data.components(separatedBy: "\r\n\r\n").count == 2, "one blank line, between headers and body")
    }

    @Test func otherTextIsBase64AndTheSubjectEncodedWords() throws {
        let body = "Pelatihan “Dasar-Dasar Manajemen Proyek – Tingkat Menengah” berhasil.\n" + String(repeating: "x", count: 1200)
        let subject = "Kode voucher pelatihan: Dasar-Dasar Manajemen Proyek – Tingkat Menengah untuk peserta Kartu Prakerja"
        let m = MailMessage(email(subject: subject, body: body), from: "voucher@prakerja-sim.local")
        #expect(m.headers.contains("Content-Transfer-Encoding: base64"))
        #expect(m.body.allSatisfy { $0.count <= 76 })
        let decoded = try #require(Data(base64Encoded: m.body.joined()))
        #expect(String(decoding: decoded, as: UTF8.self) == body.replacingOccurrences(of: "\n", with: "\r\n"), "encoded in canonical form, CRLF")
        let header = try #require(m.headers.first { $0.hasPrefix("Subject: ") })
        let words = header.dropFirst("Subject: ".count).components(separatedBy: "\r\n ")
        #expect(words.count > 1 && words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") && $0.count <= 75 })
        let text = words.map { word in
            String(decoding: Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) ?? Data(), as: UTF8.self)
        }.joined()
        #expect(text == subject, "the encoded words decode to the subject, split between characters")
        #expect(MailMessage.encodedWord("Kode voucher") == "Kode voucher", "plain ASCII is left alone")
    }

    @Test func addressesAndServerAddresses() {
        #expect(MailMessage.isPlainAddress("budi.santoso.7@mail.example.id"))
        for bad in ["budi", "@x", "x@", "a@b@c", "a b@c", "a>@c", "a@c\r\nRCPT TO:<x@y>"] { #expect(!MailMessage.isPlainAddress(bad), "\(bad)") }
        #expect(SMTPMailer(address: "127.0.0.1:1025").map { "\($0.host) \($0.port)" } == "127.0.0.1 1025")
        #expect(SMTPMailer(address: "[::1]:25")?.host == "::1")
        for bad in ["localhost", "localhost:0", "localhost:70000", ":25", "a b:25", "host:x"] { #expect(SMTPMailer(address: bad) == nil, "\(bad)") }
    }
}
