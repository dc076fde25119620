import Foundation

/// A Kartu Prakerja participant: identity, card, balance and where they are in the programme.
public struct Participant: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case active, revoked }
    public enum RevocationReason: String, Codable, Sendable {
        /// No training bought within the first-purchase window.
        case firstPurchaseDeadline = "first_purchase_deadline"
        /// Revoked through the simulation API (e.g. to rehearse a fraud case).
        case manual
    }

    public var id: String
    /// National identity number (NIK), 16 digits.
    public var nik: String
    public var name: String
    /// Prakerja card number, 16 digits.
    public var cardNumber: String
    public var phone: String
    public var email: String
    /// Acceptance wave (gelombang).
    public var wave: Int
    public var acceptedAt: Date
    public var videosWatched: Int
    public var balance: Rupiah
    public var initialBalance: Rupiah
    public var status: Status
    public var revokedAt: Date?
    public var revocationReason: RevocationReason?
    public var firstPurchaseAt: Date?
    /// The voucher of the training in progress: set on payment, cleared when it is completed and rated.
    public var openVoucherCode: String?
    public var lastCompletedAt: Date?
    public var completedTrainings: Int
    public var incentiveTotal: Rupiah
    /// WIB day number of `otpSentToday`, for the daily OTP cap.
    public var otpDay: Int64
    public var otpSentToday: Int
    /// Charges created for this participant so far. The next charge's id is derived from the seed, this
    /// participant's id and this number, so ids never repeat, whatever restarts or processes come between.
    public var chargesCreated: Int

    enum CodingKeys: String, CodingKey {
        case id, nik, name, phone, email, wave, balance, status
        case cardNumber = "card_number"
        case acceptedAt = "accepted_at"
        case videosWatched = "videos_watched"
        case initialBalance = "initial_balance"
        case revokedAt = "revoked_at"
        case revocationReason = "revocation_reason"
        case firstPurchaseAt = "first_purchase_at"
        case openVoucherCode = "open_voucher_code"
        case lastCompletedAt = "last_completed_at"
        case completedTrainings = "completed_trainings"
        case incentiveTotal = "incentive_total"
        case otpDay = "otp_day"
        case otpSentToday = "otp_sent_today"
        case chargesCreated = "charges_created"
    }

    public init(
        id: String, nik: String, name: String, cardNumber: String, phone: String, email: String, wave: Int,
        acceptedAt: Date, videosWatched: Int, balance: Rupiah
    ) {
        self.id = id
        self.nik = nik
        self.name = name
        self.cardNumber = cardNumber
        self.phone = phone
        self.email = email
        self.wave = wave
        self.acceptedAt = acceptedAt
        self.videosWatched = videosWatched
        self.balance = balance
        self.initialBalance = balance
        self.status = .active
        self.completedTrainings = 0
        self.incentiveTotal = 0
        self.otpDay = 0
        self.otpSentToday = 0
        self.chargesCreated = 0
    }
}
