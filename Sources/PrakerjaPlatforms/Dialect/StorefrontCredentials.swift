import Crypto
import Foundation
import Hummingbird
import PrakerjaCore

public struct StorefrontCredentials: Sendable, Hashable, Codable {
    public var clientID: String
    public var clientSecret: String

    public init(clientID: String, clientSecret: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
    }
}
