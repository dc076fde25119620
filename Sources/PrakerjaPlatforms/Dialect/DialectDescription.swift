import Crypto
import Foundation
import Hummingbird
import PrakerjaCore

/// What `partners/<platform>/dialect.json` says about a dialect besides its error table.
public struct DialectDescription: Sendable, Codable {
    public var platform: String
    public var borrowedFrom: String
    public var auth: String
    public var envelope: String
    public var errorCodes: String
    public var idempotency: String
    public var voucherFormat: String
    public var endpoints: [Endpoint]

    public struct Endpoint: Sendable, Codable {
        public var operation: String
        public var method: String
        public var path: String

        public init(_ operation: String, _ method: String, _ path: String) {
            self.operation = operation
            self.method = method
            self.path = path
        }
    }

    public init(
        platform: String, borrowedFrom: String, auth: String, envelope: String, errorCodes: String, idempotency: String, voucherFormat: String,
        endpoints: [Endpoint]
    ) {
        self.platform = platform
        self.borrowedFrom = borrowedFrom
        self.auth = auth
        self.envelope = envelope
        self.errorCodes = errorCodes
        self.idempotency = idempotency
        self.voucherFormat = voucherFormat
        self.endpoints = endpoints
    }
}
