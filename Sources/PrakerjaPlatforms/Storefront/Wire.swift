import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PrakerjaCore
import PrakerjaHTTP

/// JSON helpers for dialect wire types.
public enum Wire {
    public static func snakeEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return e
    }

    public static func camelEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return e
    }

    public static func snakeDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }

    public static func camelDecoder() -> JSONDecoder { JSONDecoder() }

    public static func encode(_ value: some Encodable, _ encoder: JSONEncoder) -> [UInt8] {
        // Dialect wire types are plain structs of strings and numbers; encoding them cannot fail.
        (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }

    /// Reads a request body (at most ``RequestBytes/limit`` bytes).
    public static func body(_ request: Request) async throws(BuyerError) -> [UInt8] {
        guard let body = await RequestBytes.collect( request) else {
            throw BuyerError(.invalidRequest, "the request body is larger than \(RequestBytes.limit / 1024) KiB")
        }
        return body
    }

    /// Decodes a dialect request body, naming the field that is wrong.
    public static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], _ decoder: JSONDecoder) throws(BuyerError) -> T {
        do {
            return try decoder.decode(T.self, from: Data(body))
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw BuyerError(.invalidRequest, "\((ctx.codingPath + [key]).fieldPath) is required")
        } catch let DecodingError.typeMismatch(_, ctx) where !ctx.codingPath.isEmpty {
            throw BuyerError(.invalidRequest, "\(ctx.codingPath.fieldPath) has the wrong type")
        } catch let DecodingError.valueNotFound(_, ctx) where !ctx.codingPath.isEmpty {
            throw BuyerError(.invalidRequest, "\(ctx.codingPath.fieldPath) must not be null")
        } catch let DecodingError.dataCorrupted(ctx) where !ctx.codingPath.isEmpty {
            throw BuyerError(.invalidRequest, "\(ctx.codingPath.fieldPath) has an invalid value")
        } catch {
            throw BuyerError(.invalidRequest, body.isEmpty ? "a JSON body is required" : "the body is not the JSON object this endpoint expects")
        }
    }

    /// A query parameter as an integer in `range`, or `fallback` when absent.
    public static func int(_ request: Request, _ name: String, default fallback: Int, _ range: ClosedRange<Int>) throws(BuyerError) -> Int {
        guard let text = request.uri.queryParameters[name[...]] else { return fallback }
        guard let value = Int(String(text)), range.contains(value) else {
            throw BuyerError(.invalidRequest, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A course type from a query parameter (`webinar`, `self_paced`, `offline`), or nil when absent.
    public static func courseType(_ text: Substring?, name: String) throws(BuyerError) -> CourseType? {
        guard let text, !text.isEmpty else { return nil }
        guard let type = CourseType(rawValue: String(text)) else {
            throw BuyerError(.invalidRequest, "\(name) must be one of \(CourseType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return type
    }
}
