import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import PrakerjaCore
import PrakerjaPlatforms
import PrakerjaServer
import ServiceLifecycle
import UnixSignals

/// A service could not listen: the address is taken, not local, or not allowed.
public struct ListenFailure: Error, CustomStringConvertible {
    public var service: String
    public var host: String
    public var port: Int
    public var reason: String

    /// Recognises a failure to bind in `error`; nil for any other error.
    init?(_ error: any Error, service: String, host: String, port: Int) {
        guard let io = error as? IOError, [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(io.errnoCode) else { return nil }
        self.service = service
        self.host = host
        self.port = port
        self.reason = String(cString: strerror(io.errnoCode)).lowercased()
    }

    public var description: String {
        let at = port == 0 ? host : "\(host):\(port)"
        return "cannot listen on \(at) for the \(service): \(reason)"
            + (reason.contains("in use") ? " (another process has the port; choose another with --port / --storefront-port, or 0 for a free one)" : "")
    }
}
