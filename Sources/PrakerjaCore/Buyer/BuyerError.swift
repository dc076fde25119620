/// The one error taxonomy of the buyer's side. Every platform dialect maps each of its own error codes to
/// exactly one ``BuyerError/Kind``, so a caller can tell "insufficient balance" from "wrong OTP" from
/// "platform down" on every platform without knowing the dialect.
public struct BuyerError: Error, Sendable, Equatable, CustomStringConvertible {
    public let kind: Kind
    /// The platform's own message, as it arrived.
    public let message: String
    /// The platform's own error code as text (`"10041"`, `"4032814"`, `"INVALID_OTP_ERROR"`), if it sent one.
    public let platformCode: String?
    /// The HTTP status the platform answered with (0 when no answer arrived).
    public let httpStatus: Int

    public init(_ kind: Kind, _ message: String? = nil, platformCode: String? = nil, httpStatus: Int = 0) {
        self.kind = kind
        self.message = message ?? kind.defaultMessage
        self.platformCode = platformCode
        self.httpStatus = httpStatus
    }

    public var description: String {
        "\(kind.rawValue)" + (platformCode.map { " [\($0)]" } ?? "") + (httpStatus > 0 ? " HTTP \(httpStatus)" : "") + ": \(message)"
    }

    public enum Category: String, Sendable, CaseIterable {
        case auth, input, order, rule, otp, platform
    }

    /// The shared kinds. Raw values are stable and part of every dialect's documented mapping.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        // Auth: the client's credentials, token or signature were refused.
        case badCredentials = "bad_credentials"
        // Input
        case invalidRequest = "invalid_request"
        case unknownCourse = "unknown_course"
        case unknownCard = "unknown_card"
        case unknownAccount = "unknown_account"
        // Orders
        case unknownOrder = "unknown_order"
        case orderExpired = "order_expired"
        case orderNotPayable = "order_not_payable"
        case voucherNotReady = "voucher_not_ready"
        case idempotencyConflict = "idempotency_conflict"
        // Programme rules (decided by the gateway)
        case participantRevoked = "participant_revoked"
        case purchaseDeadlinePassed = "purchase_deadline_passed"
        case videosNotWatched = "videos_not_watched"
        case previousTrainingUnfinished = "previous_training_unfinished"
        case insufficientBalance = "insufficient_balance"
        case courseNotSoldOnPlatform = "course_not_sold_on_platform"
        case cardBoundToOtherAccount = "card_bound_to_other_account"
        case accountBoundToOtherCard = "account_bound_to_other_card"
        // OTP
        case otpInvalid = "otp_invalid"
        case otpExpired = "otp_expired"
        case otpLocked = "otp_locked"
        case otpResendTooSoon = "otp_resend_too_soon"
        case otpDailyLimit = "otp_daily_limit"
        // Platform
        case gatewayUnavailable = "gateway_unavailable"
        case platformUnavailable = "platform_unavailable"
        case platformError = "platform_error"
        /// Refused at once because the platform (or the gateway behind it) is at capacity; retry after its `Retry-After`.
        case overloaded

        public var category: Category {
            switch self {
            case .badCredentials: .auth
            case .invalidRequest, .unknownCourse, .unknownCard, .unknownAccount: .input
            case .unknownOrder, .orderExpired, .orderNotPayable, .voucherNotReady, .idempotencyConflict: .order
            case .participantRevoked, .purchaseDeadlinePassed, .videosNotWatched, .previousTrainingUnfinished, .insufficientBalance,
                .courseNotSoldOnPlatform, .cardBoundToOtherAccount, .accountBoundToOtherCard:
                .rule
            case .otpInvalid, .otpExpired, .otpLocked, .otpResendTooSoon, .otpDailyLimit: .otp
            case .gatewayUnavailable, .platformUnavailable, .platformError, .overloaded: .platform
            }
        }

        public var defaultMessage: String {
            switch self {
            case .badCredentials: "The platform refused the client's credentials."
            case .invalidRequest: "The request is malformed or a field is invalid."
            case .unknownCourse: "The platform does not know that course."
            case .unknownCard: "No Prakerja participant has that card number."
            case .unknownAccount: "The platform has no such account."
            case .unknownOrder: "The platform has no such order for this account."
            case .orderExpired: "The order was not paid in time and has expired."
            case .orderNotPayable: "The order can no longer be paid."
            case .voucherNotReady: "The order has no voucher yet."
            case .idempotencyConflict: "The idempotency key was used for a different request, or that request is still running."
            case .participantRevoked: "The participant's Prakerja membership is revoked."
            case .purchaseDeadlinePassed: "The participant's purchase deadline has passed."
            case .videosNotWatched: "The participant has not watched the guidance videos."
            case .previousTrainingUnfinished: "The previous training must be completed and rated first."
            case .insufficientBalance: "The remaining training balance is lower than the price."
            case .courseNotSoldOnPlatform: "This course is not sold on this platform."
            case .cardBoundToOtherAccount: "The card number is bound to another account on this platform."
            case .accountBoundToOtherCard: "The account is bound to another card number."
            case .otpInvalid: "The OTP is wrong."
            case .otpExpired: "The OTP has expired."
            case .otpLocked: "Too many wrong OTPs; the payment is locked."
            case .otpResendTooSoon: "An OTP was sent moments ago."
            case .otpDailyLimit: "The card's daily OTP limit is reached."
            case .gatewayUnavailable: "The platform could not reach the Prakerja gateway."
            case .platformUnavailable: "The platform could not be reached."
            case .platformError: "The platform failed unexpectedly."
            case .overloaded: "The platform is at capacity; retry after its Retry-After delay."
            }
        }

        /// The shared kind of a gateway error, as a storefront reports it to its buyer. Failures of the
        /// storefront's own gateway integration (signature, input) are platform errors, not the buyer's.
        public init(gateway code: GatewayError.Code) {
            switch code {
            case .invalidField: self = .invalidRequest
            case .invalidJSON, .bodyTooLarge, .notFound, .methodNotAllowed, .missingCredentials, .unknownPlatform, .invalidSignature,
                .staleTimestamp, .replayedRequest, .duplicateOrder, .duplicateParticipant, .trainingNotRedeemed, .trainingNotCompleted,
                .trainingAlreadyRated, .voucherNotActive, .clockCannotRewind, .unknownDelivery, .unknownPlatformID, .simulatedCrash:
                self = .platformError
            case .storeUnavailable: self = .gatewayUnavailable
            case .storefrontFailed: self = .platformError
            case .overloaded: self = .overloaded
            case .idempotencyKeyReused, .idempotencyKeyInUse: self = .idempotencyConflict
            case .unknownCard: self = .unknownCard
            case .unknownCourse: self = .unknownCourse
            case .unknownCharge, .unknownVoucher: self = .unknownOrder
            case .participantRevoked, .blacklisted: self = .participantRevoked
            case .firstPurchaseDeadlinePassed, .nextPurchaseDeadlinePassed: self = .purchaseDeadlinePassed
            case .videosNotWatched: self = .videosNotWatched
            case .previousTrainingUnfinished: self = .previousTrainingUnfinished
            case .insufficientBalance: self = .insufficientBalance
            case .courseNotSoldOnPlatform: self = .courseNotSoldOnPlatform
            case .accountBoundToOtherCard: self = .accountBoundToOtherCard
            case .cardBoundToOtherAccount: self = .cardBoundToOtherAccount
            case .otpInvalid: self = .otpInvalid
            case .otpExpired: self = .otpExpired
            case .otpLocked: self = .otpLocked
            case .otpResendTooSoon: self = .otpResendTooSoon
            case .otpDailyLimit: self = .otpDailyLimit
            case .chargeExpired: self = .orderExpired
            case .chargeAlreadyPaid, .chargeNotPayable: self = .orderNotPayable
            }
        }
    }
}
