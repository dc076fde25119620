import Foundation

/// Client-side shapes of the gateway's JSON (decoded with snake_case → camelCase).
public enum GatewayAPI {
    public struct Charge: Decodable, Sendable {
        public var id: String
        public var status: String
        public var amount: Int64
        public var courseId: String
        public var otpExpiresAt: Date
        public var voucher: Voucher?
    }

    public struct Voucher: Decodable, Sendable {
        public var code: String
        public var redeemCode: String
        public var invoiceCode: String
        public var providerId: String
        public var status: String

        public init(code: String, redeemCode: String, invoiceCode: String, providerId: String, status: String) {
            self.code = code
            self.redeemCode = redeemCode
            self.invoiceCode = invoiceCode
            self.providerId = providerId
            self.status = status
        }
    }

    public struct Message: Decodable, Sendable {
        public var id: Int64
        public var recipient: String
        public var subject: String
        public var body: String
        public var chargeId: String?
    }

    public struct Participant: Decodable, Sendable {
        public var cardNumber: String
        public var phone: String
        public var email: String
        public var balance: Int64
        public var videosWatched: Int
        public var status: String
    }

    public struct Credentials: Decodable, Sendable {
        public struct Platform: Decodable, Sendable {
            public var platformId: String
            public var secret: String
        }
        public struct Provider: Decodable, Sendable {
            public var providerId: String
            public var clientCode: String
            public var signKey: String
        }
        public var platforms: [Platform]
        public var providers: [Provider]
    }

    public struct Error: Decodable, Sendable {
        public struct Inner: Decodable, Sendable {
            public var code: String
            public var message: String
        }
        public var error: Inner
    }

    public struct Course: Decodable, Sendable {
        public var id: String
        public var title: String
        public var providerId: String
        public var type: String
        public var price: Int64
        public var platforms: [String]
    }

    public struct Page<T: Decodable & Sendable>: Decodable, Sendable {
        public var total: Int
        public var items: [T]
    }

    public struct Summary: Decodable, Sendable {
        public var platforms: Int
        public var providers: Int
        public var courses: Int
    }

    /// The OTP in an SMS body.
    public static func otp(in message: String) -> String? {
        guard let range = message.range(of: #"\b\d{6}\b"#, options: .regularExpression) else { return nil }
        return String(message[range])
    }
}
