import Foundation
import PrakerjaCore

struct LedgerView: Codable {
    var chargeId: String?
    var kind: String
    var amount: Rupiah
    var balanceAfter: Rupiah
    var at: Date
}
