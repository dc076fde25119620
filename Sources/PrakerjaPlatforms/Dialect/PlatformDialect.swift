import Crypto
import Foundation
import Hummingbird
import PrakerjaCore
import PrakerjaHTTP

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
    /// Whether the storefront ignores a webhook whose `webhook-id` it has seen before (it always verifies
    /// signatures; applying an event twice changes nothing either way).
    static var deduplicatesWebhooks: Bool { get }
    /// How far a request's signed timestamp may stray from the storefront's clock; nil for dialects whose
    /// requests carry no timestamp.
    static var timestampTolerance: TimeInterval? { get }
    /// Whether the dialect's confirm call carries an idempotency key (a repeat replays the first outcome)
    /// or not (each confirm is an attempt; wrong OTPs count every time).
    static var confirmCarriesKey: Bool { get }
    /// Whether API clients send a client id as well as the secret (false for dialects authenticated by the
    /// secret alone, such as a Midtrans server key or a Xendit callback token).
    static var clientIDOnWire: Bool { get }

    /// The platform's id format for accounts and orders, from a sequence number.
    static func accountID(_ sequence: Int64) -> String
    static func orderID(_ sequence: Int64) -> String
    /// How the platform prints a gateway voucher code (`PRK-ABCD-EFGH-JKLM`), and back.
    static func displayVoucher(_ code: String) -> String
    static func canonicalVoucher(_ display: String) -> String?

    /// The credentials the storefront accepts from API clients.
    static func credentials(for platform: Platform) -> StorefrontCredentials

    /// A refusal in this dialect's error format, with the HTTP status to answer with.
    static func errorReply(_ error: BuyerError, status: Int) -> Reply

    /// Adds the storefront's routes.
    static func registerRoutes(on router: Router<BasicRequestContext>, storefront: Storefront)

    /// A client of this dialect.
    static func makeAdapter(_ transport: AdapterTransport) -> any PlatformAdapter
}

extension PlatformDialect {
    public static var timestampTolerance: TimeInterval? { nil }
    public static var deduplicatesWebhooks: Bool { false }
    public static var confirmCarriesKey: Bool { true }
    public static var clientIDOnWire: Bool { true }

    /// Default credentials: `<platform>-sim` and a secret derived from the platform's gateway secret, so a
    /// storefront and its adapter agree without any exchange, and each platform's differ.
    public static func credentials(for platform: Platform) -> StorefrontCredentials { derivedCredentials(for: platform) }

    public static func derivedCredentials(for platform: Platform) -> StorefrontCredentials {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("storefront-client:\(platform.id)".utf8), using: SymmetricKey(data: Array(platform.partnerSecret.utf8)))
        return StorefrontCredentials(clientID: "\(platform.id)-sim", clientSecret: String(Hex.encode(mac).prefix(40)))
    }

}
