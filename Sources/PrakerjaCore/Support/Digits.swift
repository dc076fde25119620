/// The programme's numeric formats: 16-digit card numbers and NIKs, 6-digit OTPs — ASCII digits only
/// (no other Unicode numerals), checked the same way by the gateway and the storefronts.
public enum Digits {
    public static let cardNumberLength = 16

    /// Whether `text` is exactly `count` ASCII digits.
    public static func check(_ text: some StringProtocol, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// Whether `text` is a card number (16 ASCII digits).
    public static func isCardNumber(_ text: some StringProtocol) -> Bool { check(text, count: cardNumberLength) }
}
