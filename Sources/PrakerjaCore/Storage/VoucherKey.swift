import Foundation

public enum VoucherKey: Sendable, Hashable {
    case code(String)
    case redeemCode(String)
}
