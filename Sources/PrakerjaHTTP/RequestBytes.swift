import Hummingbird

/// Request bodies, read whole up to one limit for every endpoint of the gateway and the storefronts.
public enum RequestBytes {
    /// 64 KiB: far more than any request of these APIs needs.
    public static let limit = 64 * 1024

    /// The body's bytes, or nil when it is larger than ``limit`` (or could not be read).
    public static func collect(_ request: Request) async -> [UInt8]? {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: limit) else { return nil }
        return Array(buffer.readableBytesView)
    }
}
