import Crypto
import Foundation

/// Where every id, OTP and code comes from: a value is a function of the seed and the key of the entity
/// it belongs to (`f(seed, purpose, key…)`), never a draw from a stream shared by the process.
///
/// So a restarted gateway, a second gateway process on the same database and a store transaction that is
/// retried all get the same value for the same entity, and never repeat one across entities as long as
/// the keys are unique for good (a persisted sequence number, or the entity's own id). The same seed and
/// the same sequence of requests give the same ids, which is what makes traces replayable.
public struct EntropySource: Sendable, Hashable {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// A generator for one entity. `purpose` separates the values drawn for different things about the
    /// same entity (a charge's id and its first OTP, say).
    public func generator(_ purpose: Purpose, _ key: String...) -> SeededGenerator {
        var hasher = SHA256()
        withUnsafeBytes(of: seed.littleEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(data: Array(purpose.rawValue.utf8))
        for part in key {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            withUnsafeBytes(of: UInt32(part.utf8.count).littleEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: Array(part.utf8))
        }
        let digest = Array(hasher.finalize())
        let word = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return SeededGenerator(seed: word)
    }

    /// What a derived value is for. New purposes are new cases, so two uses can never share a stream.
    public enum Purpose: String, Sendable {
        case participant
        case charge
        case otp
        case voucher
        case event
        case delivery
        case fault
    }
}
