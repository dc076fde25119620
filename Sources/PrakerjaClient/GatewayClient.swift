import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PrakerjaCore

/// An HTTP client of a running gateway: signed partner calls, signed redeem calls, simulation calls.
/// Share one per process (it pools connections through the `HTTPClient` it is given).
public struct GatewayClient: Sendable {
    public typealias Response = HTTPEndpoint.Response

    public var endpoint: HTTPEndpoint
    /// Real time, for signature timestamps.
    public let wallClock: any TimeSource
    public var baseURL: String { endpoint.baseURL }
    public var timeout: TimeAmount {
        get { endpoint.timeout }
        set { endpoint.timeout = newValue }
    }

    public init(http: any HTTPTransport, baseURL: String, wallClock: any TimeSource = SystemTimeSource()) {
        self.endpoint = HTTPEndpoint(http: http, baseURL: baseURL)
        self.wallClock = wallClock
    }

    // MARK: Plain calls

    public func send(
        _ method: HTTPMethod, _ target: String, body: [UInt8]? = nil, headers: [(String, String)] = [], contentType: String = "application/json"
    ) async throws -> Response {
        try await endpoint.send(method, target, body: body, headers: headers, contentType: contentType)
    }

    public func get(_ target: String) async throws -> Response { try await send(.GET, target) }

    public func post(_ target: String, json: some Encodable) async throws -> Response {
        try await send(.POST, target, body: Array(try JSONEncoder().encode(json)))
    }

    // MARK: Signed calls

    /// A partner-API call signed for `platform` with a fresh nonce.
    public func partner(
        _ method: HTTPMethod, _ target: String, platformID: String, secret: String, body: [UInt8]? = nil, idempotencyKey: String? = nil
    ) async throws -> Response {
        var headers = PartnerSignature.headers(
            secret: secret, platformID: platformID, now: wallClock.now(), nonce: UUID().uuidString, method: method.rawValue, target: target,
            body: body ?? []
        )
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        return try await send(method, target, body: body, headers: headers)
    }

    /// A redeem-code API call (`status` or `commit`) signed as the provider.
    public func redeem(_ action: String, clientCode: String, signKey: String, redeemCode: String, sequence: Int? = nil) async throws -> Response {
        let path = "/api/v1/integration/payment/redeem-code/\(action)"
        var json = #"{"redeem_code":"\#(redeemCode)""#
        if let sequence { json += #","sequence":\#(sequence)"# }
        json += "}"
        let ts = String(Int64(wallClock.now().timeIntervalSince1970))
        let signature = RedeemSignature.sign(key: signKey, clientCode: clientCode, timestamp: ts, method: "POST", path: path, body: Array(json.utf8))
        return try await send(
            .POST, path, body: Array(json.utf8), headers: [("client_code", clientCode), ("signature", signature), ("timestamp", ts)]
        )
    }
}
