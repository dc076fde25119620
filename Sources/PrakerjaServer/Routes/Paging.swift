import Hummingbird
import PrakerjaCore
import PrakerjaHTTP

enum Paging {
    static let maxLimit = 500

    static func read(_ request: Request) throws(GatewayError) -> (offset: Int, limit: Int) {
        let q = request.uri.queryParameters
        func int(_ name: String, default value: Int, range: ClosedRange<Int>) throws(GatewayError) -> Int {
            guard let raw = q[name[...]] else { return value }
            guard let n = Int(String(raw)), range.contains(n) else {
                throw GatewayError.field(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return n
        }
        return (try int("offset", default: 0, range: 0...10_000_000), try int("limit", default: 100, range: 1...maxLimit))
    }

    /// `limit` only, for lists that page by position (`before`) rather than by offset: an `offset` is refused
    /// rather than silently ignored.
    static func limit(_ request: Request) throws(GatewayError) -> Int {
        if request.uri.queryParameters["offset"] != nil { throw GatewayError.field("offset", "is not supported here; page with before (messages) or narrow the search") }
        return try read(request).limit
    }
}
