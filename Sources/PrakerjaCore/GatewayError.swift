/// An error the gateway reports to a caller: a stable machine-readable code, an HTTP status, and a
/// human message. Every rule, OTP, auth and input failure is one of these; nothing else reaches a client.
public struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Code
    public let message: String
    /// Extra machine-readable facts (e.g. `attempts_remaining`), rendered under `details`.
    public let details: [String: String]

    public init(_ code: Code, _ message: String? = nil, details: [String: String] = [:]) {
        self.code = code
        self.message = message ?? code.defaultMessage
        self.details = details
    }

    public var httpStatus: Int { code.status }
    public var description: String { "\(code.rawValue): \(message)" }

    /// The stable codes. Their raw values are part of the public API and never change.
    public enum Code: String, Sendable, CaseIterable, Codable {
        // Input
        case invalidJSON = "INVALID_JSON"
        case invalidField = "INVALID_FIELD"
        case bodyTooLarge = "BODY_TOO_LARGE"
        case notFound = "NOT_FOUND"
        case methodNotAllowed = "METHOD_NOT_ALLOWED"
        // Authentication (partner API)
        case missingCredentials = "MISSING_CREDENTIALS"
        case unknownPlatform = "UNKNOWN_PLATFORM"
        case invalidSignature = "INVALID_SIGNATURE"
        case staleTimestamp = "STALE_TIMESTAMP"
        case replayedRequest = "REPLAYED_REQUEST"
        // Idempotency
        case idempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED"
        case idempotencyKeyInUse = "IDEMPOTENCY_KEY_IN_USE"
        // Lookups
        case unknownCard = "UNKNOWN_CARD"
        case unknownCourse = "UNKNOWN_COURSE"
        case unknownCharge = "UNKNOWN_CHARGE"
        case unknownVoucher = "UNKNOWN_VOUCHER"
        case unknownDelivery = "UNKNOWN_DELIVERY"
        case unknownPlatformID = "UNKNOWN_PLATFORM_ID"
        case duplicateOrder = "DUPLICATE_PLATFORM_ORDER"
        // Programme rules
        case participantRevoked = "PARTICIPANT_REVOKED"
        case firstPurchaseDeadlinePassed = "FIRST_PURCHASE_DEADLINE_PASSED"
        case nextPurchaseDeadlinePassed = "NEXT_PURCHASE_DEADLINE_PASSED"
        case videosNotWatched = "GUIDANCE_VIDEOS_NOT_WATCHED"
        case previousTrainingUnfinished = "PREVIOUS_TRAINING_UNFINISHED"
        case insufficientBalance = "INSUFFICIENT_BALANCE"
        case courseNotSoldOnPlatform = "COURSE_NOT_SOLD_ON_PLATFORM"
        case accountBoundToOtherCard = "ACCOUNT_BOUND_TO_OTHER_CARD"
        case cardBoundToOtherAccount = "CARD_BOUND_TO_OTHER_ACCOUNT"
        case blacklisted = "NIK_BLACKLISTED"
        case duplicateParticipant = "DUPLICATE_PARTICIPANT"
        // OTP and charge lifecycle
        case otpInvalid = "OTP_INVALID"
        case otpExpired = "OTP_EXPIRED"
        case otpLocked = "OTP_LOCKED"
        case otpResendTooSoon = "OTP_RESEND_TOO_SOON"
        case otpDailyLimit = "OTP_DAILY_LIMIT"
        case chargeExpired = "CHARGE_EXPIRED"
        case chargeAlreadyPaid = "CHARGE_ALREADY_PAID"
        case chargeNotPayable = "CHARGE_NOT_PAYABLE"
        // Training lifecycle (simulation)
        case trainingNotRedeemed = "TRAINING_NOT_REDEEMED"
        case trainingNotCompleted = "TRAINING_NOT_COMPLETED"
        case trainingAlreadyRated = "TRAINING_ALREADY_RATED"
        case voucherNotActive = "VOUCHER_NOT_ACTIVE"
        case clockCannotRewind = "CLOCK_CANNOT_REWIND"
        // Injected faults
        case simulatedCrash = "SIMULATED_CRASH"
        case storeUnavailable = "STORE_UNAVAILABLE"
        case storefrontFailed = "STOREFRONT_FAILED"
        case overloaded = "OVERLOADED"

        public var status: Int {
            switch self {
            case .invalidJSON, .invalidField: 400
            case .bodyTooLarge: 413
            case .notFound, .unknownCard, .unknownCourse, .unknownCharge, .unknownVoucher, .unknownDelivery, .unknownPlatformID: 404
            case .methodNotAllowed: 405
            case .missingCredentials, .unknownPlatform, .invalidSignature, .staleTimestamp, .replayedRequest: 401
            case .idempotencyKeyInUse, .duplicateOrder, .chargeAlreadyPaid, .duplicateParticipant: 409
            case .otpResendTooSoon, .otpDailyLimit: 429
            case .simulatedCrash, .storeUnavailable, .overloaded: 503
            case .storefrontFailed: 502
            case .idempotencyKeyReused, .participantRevoked, .firstPurchaseDeadlinePassed, .nextPurchaseDeadlinePassed,
                .videosNotWatched, .previousTrainingUnfinished, .insufficientBalance, .courseNotSoldOnPlatform,
                .accountBoundToOtherCard, .cardBoundToOtherAccount, .blacklisted, .otpInvalid, .otpExpired, .otpLocked,
                .chargeExpired, .chargeNotPayable, .trainingNotRedeemed, .trainingNotCompleted, .trainingAlreadyRated,
                .voucherNotActive, .clockCannotRewind:
                422
            }
        }

        public var defaultMessage: String {
            switch self {
            case .invalidJSON: "The request body is not valid JSON."
            case .invalidField: "A field is missing or has the wrong type or value."
            case .bodyTooLarge: "The request body is larger than this endpoint accepts."
            case .notFound: "No such endpoint."
            case .methodNotAllowed: "This endpoint does not accept that method."
            case .missingCredentials: "The request is not signed: X-Platform-Id, X-Timestamp, X-Nonce and X-Signature are required."
            case .unknownPlatform: "No platform has that id."
            case .invalidSignature: "The signature does not match the request."
            case .staleTimestamp: "The signature timestamp is outside the tolerance window."
            case .replayedRequest: "This nonce was already used within the tolerance window."
            case .idempotencyKeyReused: "This idempotency key was used with a different request."
            case .idempotencyKeyInUse: "A request with this idempotency key is still being processed."
            case .unknownCard: "No participant has that card number."
            case .unknownCourse: "No course has that id."
            case .unknownCharge: "No charge has that id."
            case .unknownVoucher: "No voucher has that code."
            case .unknownDelivery: "No delivery has that id."
            case .unknownPlatformID: "No platform has that id."
            case .duplicateOrder: "This platform already created a charge for that order id."
            case .participantRevoked: "The participant's membership was revoked."
            case .firstPurchaseDeadlinePassed: "The first-purchase deadline has passed; the membership is revoked."
            case .nextPurchaseDeadlinePassed: "The deadline for the next purchase after the last completed training has passed."
            case .videosNotWatched: "The participant must watch the 3 guidance videos before the first purchase."
            case .previousTrainingUnfinished: "The previous training must be completed and rated before buying another."
            case .insufficientBalance: "The course costs more than the remaining training balance."
            case .courseNotSoldOnPlatform: "This course is not sold on this platform."
            case .accountBoundToOtherCard: "This platform account is already bound to another card number."
            case .cardBoundToOtherAccount: "This card number is already bound to another account on this platform."
            case .blacklisted: "This NIK is blacklisted and cannot be accepted again."
            case .duplicateParticipant: "A participant with that NIK or card number already exists."
            case .otpInvalid: "The OTP is wrong."
            case .otpExpired: "The OTP has expired; request a new one."
            case .otpLocked: "Too many wrong OTPs; the charge is locked."
            case .otpResendTooSoon: "An OTP was sent moments ago; wait before asking again."
            case .otpDailyLimit: "The daily OTP limit for this card is reached."
            case .chargeExpired: "The charge was not paid in time and has expired."
            case .chargeAlreadyPaid: "The charge is already paid."
            case .chargeNotPayable: "The charge can no longer be paid."
            case .trainingNotRedeemed: "The voucher has not been redeemed at the training provider yet."
            case .trainingNotCompleted: "The training must be completed before it is rated."
            case .trainingAlreadyRated: "The training was already rated."
            case .voucherNotActive: "The voucher was cancelled or refunded."
            case .clockCannotRewind: "Virtual time only moves forward."
            case .simulatedCrash: "The gateway stopped after the debit and before the voucher (injected fault); reconciliation will repair the charge."
            case .storeUnavailable: "The gateway's database cannot be reached. Retry later, with the same Idempotency-Key for a payment."
            case .overloaded: "The gateway is working on as many requests as it takes at once; retry after the Retry-After delay (with the same Idempotency-Key for a payment)."
            case .storefrontFailed: "A storefront this simulator runs failed while setting up a provider state."
            }
        }
    }

    public static func field(_ name: String, _ problem: String) -> GatewayError {
        GatewayError(.invalidField, "\(name): \(problem)", details: ["field": name])
    }
}
