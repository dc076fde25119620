import Foundation
import HTTPTypes
import Hummingbird
import PrakerjaCore
import PrakerjaHTTP

extension Reply {
    /// A JSON response in the gateway's conventions (``JSON``).
    init(status: HTTPResponse.Status = .ok, encoding value: some Encodable) throws {
        self.init(status: status, body: try JSON.encode(value))
    }
}

/// The JSON conventions of every API: snake_case keys, ISO-8601 dates, integer rupiah.
enum JSON {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    static func encode(_ value: some Encodable) throws -> [UInt8] { Array(try encoder.encode(value)) }

    /// Decodes a request body, turning every failure into a 400 that names the problem.
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(GatewayError) -> T {
        do {
            return try decoder.decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            switch error {
            case .dataCorrupted(let ctx) where ctx.codingPath.isEmpty:
                throw GatewayError(.invalidJSON, body.isEmpty ? "The request body is empty; a JSON object is required." : nil)
            case .keyNotFound(let key, let ctx):
                throw GatewayError.field((ctx.codingPath + [key]).fieldPath, "is required")
            case .typeMismatch(let type, let ctx):
                if ctx.codingPath.isEmpty { throw GatewayError(.invalidJSON, "The request body must be a JSON object.") }
                throw GatewayError.field(ctx.codingPath.fieldPath, "must be \(describe(type))")
            case .valueNotFound(let type, let ctx):
                throw GatewayError.field(ctx.codingPath.fieldPath, "must be \(describe(type)), not null")
            case .dataCorrupted(let ctx):
                throw GatewayError.field(ctx.codingPath.fieldPath, "has an invalid value")
            @unknown default:
                throw GatewayError(.invalidJSON)
            }
        } catch {
            throw GatewayError(.invalidJSON)
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        default: "of type \(type)"
        }
    }
}

extension Request {
    /// Collects the body (refusing more than ``RequestBytes/limit`` bytes with 413).
    func bodyBytes() async throws(GatewayError) -> [UInt8] {
        guard let body = await RequestBytes.collect( self) else {
            throw GatewayError(.bodyTooLarge, details: ["limit_bytes": "\(RequestBytes.limit)"])
        }
        return body
    }
}

extension GatewayError: ResponseGenerator {}
extension GatewayError: HTTPResponseError {
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: code.status) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var reply = try Reply(status: status, encoding: ErrorBody(self))
        if code == .overloaded { reply.headers[.retryAfter] = "1" }
        return try reply.response(from: request, context: context)
    }
}
