import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PrakerjaClient
import PrakerjaCore

/// An access token an adapter fetched, reused until shortly before it expires.
public actor TokenCache {
    private var token: String?
    private var expiresAt: Date = .distantPast
    private let clock: any TimeSource

    public init(clock: any TimeSource) { self.clock = clock }

    public func token(fetch: @Sendable () async throws(BuyerError) -> (token: String, lifetime: TimeInterval)) async throws(BuyerError) -> String {
        if let token, clock.now() < expiresAt { return token }
        let fresh = try await fetch()
        token = fresh.token
        expiresAt = clock.now().addingTimeInterval(max(0, fresh.lifetime - 30))
        return fresh.token
    }

    public func forget() { token = nil }
}
