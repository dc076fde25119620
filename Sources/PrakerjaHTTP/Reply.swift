import HTTPTypes
import Hummingbird

/// A finished response as bytes — status, headers, body — so it can be kept (for an idempotency key) and
/// sent again exactly. The gateway and every storefront answer with it.
public struct Reply: ResponseGenerator, Sendable {
    public var status: HTTPResponse.Status
    public var headers: HTTPFields
    public var body: [UInt8]

    public init(status: HTTPResponse.Status = .ok, body: [UInt8], contentType: String = "application/json; charset=utf-8", headers: HTTPFields = [:]) {
        self.status = status
        self.body = body
        self.headers = headers
        self.headers[.contentType] = contentType
    }

    public init(status: Int, body: [UInt8], headers: HTTPFields = [:]) {
        self.init(status: HTTPResponse.Status(code: status), body: body, headers: headers)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
