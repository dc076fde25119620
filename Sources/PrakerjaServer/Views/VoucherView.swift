import Foundation
import PrakerjaCore

struct VoucherView: Codable {
    var code: String
    var redeemCode: String
    var invoiceCode: String
    var chargeId: String
    var courseId: String
    var providerId: String
    var platformId: String
    var amount: Rupiah
    var status: String
    var issuedAt: Date
    var redeemedAt: Date?
    var attendedSequences: [Int]
    var completedAt: Date?
    var rating: Int?

    init(_ v: Voucher) {
        code = v.code
        redeemCode = v.redeemCode
        invoiceCode = v.invoiceCode
        chargeId = v.chargeID
        courseId = v.courseID
        providerId = v.providerID
        platformId = v.platformID
        amount = v.amount
        status = v.status.rawValue
        issuedAt = v.issuedAt
        redeemedAt = v.redeemedAt
        attendedSequences = v.attendedSequences
        completedAt = v.completedAt
        rating = v.rating
    }
}
