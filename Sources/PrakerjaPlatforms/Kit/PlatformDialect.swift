import Crypto
import Foundation
import Hummingbird
import PrakerjaCore

/// One platform's API dialect: its storefront (server side) and its adapter (client side), plus the facts
/// `partners/<platform>/dialect.json` documents. A new platform is one folder with one type conforming to
/// this protocol, listed in ``PlatformRegistry``.
public protocol PlatformDialect: Sendable {
    /// The platform's id in the catalog.
    static var platformID: String { get }
    /// Human and machine description of the wire conventions.
    static var description: DialectDescription { get }
    /// Every shared error kind as this platform's code and HTTP status.
    static var errors: DialectErrorTable { get }
    /// How the storefront learns the voucher.
    static var delivery: VoucherDelivery { get }

    /// The platform's id format for accounts and orders, from a sequence number.
    static func accountID(_ sequence: Int64) -> String
    static func orderID(_ sequence: Int64) -> String
    /// How the platform prints a gateway voucher code (`PRK-ABCD-EFGH-JKLM`), and back.
    static func displayVoucher(_ code: String) -> String
    static func canonicalVoucher(_ display: String) -> String?

    /// The credentials the storefront accepts from API clients.
    static func credentials(for platform: Platform) -> StorefrontCredentials

    /// A refusal in this dialect's error format, with the HTTP status to answer with.
    static func errorReply(_ error: BuyerError, status: Int) -> WireReply

    /// Adds the storefront's routes.
    static func registerRoutes(on router: Router<BasicRequestContext>, storefront: Storefront)

    /// A client of this dialect.
    static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter
}

extension PlatformDialect {
    /// Default credentials: `<platform>-sim` and a secret derived from the platform's gateway secret, so a
    /// storefront and its adapter agree without any exchange, and each platform's differ.
    public static func credentials(for platform: Platform) -> StorefrontCredentials { derivedCredentials(for: platform) }

    public static func derivedCredentials(for platform: Platform) -> StorefrontCredentials {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("storefront-client:\(platform.id)".utf8), using: SymmetricKey(data: Array(platform.partnerSecret.utf8)))
        return StorefrontCredentials(clientID: "\(platform.id)-sim", clientSecret: String(Hex.encode(mac).prefix(40)))
    }

}

public struct StorefrontCredentials: Sendable, Hashable, Codable {
    public var clientID: String
    public var clientSecret: String

    public init(clientID: String, clientSecret: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
    }
}

/// What `partners/<platform>/dialect.json` says about a dialect besides its error table.
public struct DialectDescription: Sendable, Codable {
    public var platform: String
    public var borrowedFrom: String
    public var auth: String
    public var envelope: String
    public var errorCodes: String
    public var idempotency: String
    public var voucherFormat: String
    public var endpoints: [Endpoint]

    public struct Endpoint: Sendable, Codable {
        public var operation: String
        public var method: String
        public var path: String

        public init(_ operation: String, _ method: String, _ path: String) {
            self.operation = operation
            self.method = method
            self.path = path
        }
    }

    public init(
        platform: String, borrowedFrom: String, auth: String, envelope: String, errorCodes: String, idempotency: String, voucherFormat: String,
        endpoints: [Endpoint]
    ) {
        self.platform = platform
        self.borrowedFrom = borrowedFrom
        self.auth = auth
        self.envelope = envelope
        self.errorCodes = errorCodes
        self.idempotency = idempotency
        self.voucherFormat = voucherFormat
        self.endpoints = endpoints
    }
}

/// The gateway's voucher code `PRK-ABCD-2345-EFGH` and its 12-character body, for dialects that print the
/// body without dashes.
public enum VoucherCode {
    /// `ABCD2345EFGH` from `PRK-ABCD-2345-EFGH`.
    public static func body(_ code: String) -> String { code.dropFirst(4).replacingOccurrences(of: "-", with: "") }

    /// `PRK-ABCD-2345-EFGH` from a 12-character body (case-insensitive), or nil for anything else.
    public static func code(body: some StringProtocol) -> String? {
        let s = Array(body.uppercased())
        guard s.count == 12, s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return "PRK-" + String(s[0..<4]) + "-" + String(s[4..<8]) + "-" + String(s[8..<12])
    }
}
