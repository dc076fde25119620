import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import PrakerjaClient
import PrakerjaCore
import ServiceLifecycle

/// The one place platforms are registered, by catalog id.
public enum PlatformRegistry {
    public static let dialects: [any PlatformDialect.Type] = [
        Bukalapak.self, Sisnaker.self, MauBelajarApa.self, PijarMahir.self, Pintaria.self, SekolahMu.self, Tokopedia.self,
    ]

    public static var platformIDs: [String] { dialects.map { $0.platformID } }

    public static func dialect(_ platformID: String) -> (any PlatformDialect.Type)? {
        dialects.first { $0.platformID == platformID }
    }

    /// An adapter for `platformID` talking to the storefront at `baseURL`. Credentials default to the ones
    /// the built-in storefront derives from the catalog.
    public static func adapter(
        _ platformID: String, http: any HTTPTransport, baseURL: String, catalog: Catalog, credentials: StorefrontCredentials? = nil,
        wallClock: any TimeSource = SystemTimeSource(), timeout: TimeAmount = .seconds(30),
        observer: (@Sendable (AdapterTransport.Exchange) -> Void)? = nil, capture: RequestCapture? = nil
    ) throws(BuyerError) -> any PlatformAdapter {
        guard let dialect = dialect(platformID), let platform = catalog.platform(platformID) else {
            throw BuyerError(.invalidRequest, "no platform \(platformID); known: \(platformIDs.joined(separator: ", "))")
        }
        var transport = AdapterTransport(
            http: http, baseURL: baseURL, credentials: credentials ?? dialect.credentials(for: platform), wallClock: wallClock, observer: observer,
            capture: capture
        )
        transport.timeout = timeout
        return dialect.makeAdapter(transport)
    }
}
