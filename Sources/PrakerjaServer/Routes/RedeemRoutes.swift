import Foundation
import HTTPTypes
import Hummingbird
import PrakerjaCore
import PrakerjaHTTP

/// The training providers' redeem-code API, wire-compatible with the real programme's:
/// `POST /api/v1/integration/payment/redeem-code/{status,commit}` with `client_code`, `signature` and
/// `timestamp` headers and the `{"success","message","data"}` envelope.
struct RedeemRoutes {
    let gateway: Gateway
    let wallClock: any TimeSource
    static let tolerance: TimeInterval = 300

    struct Body: Decodable {
        var redeemCode: String
        var sequence: Int?
        enum CodingKeys: String, CodingKey {
            case redeemCode = "redeem_code"
            case sequence
        }
    }

    struct Envelope<T: Encodable>: Encodable {
        var success: Bool
        var message: String
        var code: String?
        var data: T?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(success, forKey: .success)
            try c.encode(message, forKey: .message)
            try c.encodeIfPresent(code, forKey: .code)
            try c.encode(data, forKey: .data)  // null on failure, as the real API sends
        }
        enum CodingKeys: String, CodingKey { case success, message, code, data }
    }

    static let codes: [RedeemError.Reason: String] = [
        .notFound: "REDEEM_CODE_NOT_FOUND", .typeMismatch: "COURSE_TYPE_MISMATCH", .wrongProvider: "WRONG_PROVIDER",
        .codeCancelled: "REDEEM_CODE_CANCELLED", .transactionCancelled: "TRANSACTION_CANCELLED", .alreadyUsed: "REDEEM_CODE_USED",
        .outsideWebinarWindow: "OUTSIDE_WEBINAR_WINDOW",
    ]

    static func failure(_ error: RedeemError) -> Reply {
        failure(status: HTTPResponse.Status(code: error.status), message: error.reason.rawValue, code: codes[error.reason] ?? "REDEEM_ERROR")
    }

    static func failure(status: HTTPResponse.Status, message: String, code: String) -> Reply {
        (try? Reply(status: status, encoding: Envelope<RedeemStatus>(success: false, message: message, code: code, data: nil)))
            ?? Reply(status: status, body: Array(#"{"success":false,"message":"error","data":null}"#.utf8))
    }

    func register(on router: Router<some RequestContext>) {
        for action in ["status", "commit"] {
            router.post("api/v1/integration/payment/redeem-code/\(action)") { request, _ in
                var request = request
                let raw: [UInt8]
                do { raw = try await request.bodyBytes() } catch {
                    return Self.failure(status: .contentTooLarge, message: "Ukuran body terlalu besar", code: "BODY_TOO_LARGE")
                }
                let provider: Provider
                switch authenticate(request, body: raw) {
                case .provider(let p): provider = p
                case .refused(let reply): return reply
                }
                let body: Body
                do { body = try JSON.decode(Body.self, from: raw) } catch let error as GatewayError {
                    return Self.failure(status: .badRequest, message: error.message, code: error.code.rawValue)
                }
                let sequence = body.sequence ?? 1
                guard !body.redeemCode.isEmpty, body.redeemCode.count <= 100 else {
                    return Self.failure(status: .badRequest, message: "redeem_code wajib diisi", code: "INVALID_FIELD")
                }
                guard TrainingFlow.validSequences.contains(sequence) else {
                    return Self.failure(status: .badRequest, message: "sequence harus 1 sampai 10 atau 999", code: "INVALID_FIELD")
                }
                do {
                    let status =
                        action == "commit"
                        ? try await gateway.redeemCommit(provider: provider, redeemCode: body.redeemCode, sequence: sequence)
                        : try await gateway.redeemStatus(provider: provider, redeemCode: body.redeemCode, sequence: sequence)
                    return try Reply(encoding: Envelope(success: true, message: "OK", code: nil, data: status))
                } catch let error as RedeemError {
                    return Self.failure(error)
                }
            }
        }
    }

    private func authenticate(_ request: Request, body: [UInt8]) -> Authentication {
        let h = request.headers
        guard let clientCode = h[HTTPField.Name("client_code")!], let signature = h[HTTPField.Name("signature")!],
            let timestamp = h[HTTPField.Name("timestamp")!]
        else {
            return .refused(Self.failure(status: .unauthorized, message: "Header client_code, signature dan timestamp wajib diisi", code: "MISSING_CREDENTIALS"))
        }
        guard let provider = gateway.catalog.provider(clientCode: clientCode) else {
            return .refused(Self.failure(status: .unauthorized, message: "client_code tidak dikenal", code: "UNKNOWN_CLIENT"))
        }
        guard let seconds = Int64(timestamp), abs(wallClock.now().timeIntervalSince1970 - Double(seconds)) <= Self.tolerance else {
            return .refused(Self.failure(status: .unauthorized, message: "timestamp tidak valid atau kedaluwarsa", code: "STALE_TIMESTAMP"))
        }
        guard
            RedeemSignature.verify(
                signature, key: provider.signKey, clientCode: clientCode, timestamp: timestamp, method: request.method.rawValue,
                path: request.uri.path, body: body
            )
        else {
            return .refused(Self.failure(status: .unauthorized, message: "signature tidak valid", code: "INVALID_SIGNATURE"))
        }
        return .provider(provider)
    }

    /// A provider's signed request: who sent it, or the refusal to answer with.
    enum Authentication {
        case provider(Provider)
        case refused(Reply)
    }
}
