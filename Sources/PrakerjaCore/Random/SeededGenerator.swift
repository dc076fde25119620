import Foundation

/// SplitMix64: a small, fast, seedable generator. Same seed, same sequence, on every platform.
///
/// Never shared: each entity gets its own generator from ``EntropySource`` (seed + the entity's key).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { self.state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A string of `count` decimal digits.
    public mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &self))) })
    }

    /// `count` characters from an alphabet.
    public mutating func string(_ count: Int, from alphabet: [Character]) -> String {
        String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &self)] })
    }

    public mutating func uuidString() -> String {
        let a = next(), b = next()
        var c = Array(String(format: "%016llx%016llx", a, b))
        // Set version 4 and the RFC 4122 variant so the result is a well-formed UUID.
        c[12] = "4"
        c[16] = ["8", "9", "a", "b"][Int(b >> 62)]
        let s = String(c)
        let i = s.startIndex
        func part(_ from: Int, _ to: Int) -> Substring { s[s.index(i, offsetBy: from)..<s.index(i, offsetBy: to)] }
        return "\(part(0, 8))-\(part(8, 12))-\(part(12, 16))-\(part(16, 20))-\(part(20, 32))"
    }
}
