import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PrakerjaClient
import PrakerjaCore

/// Percent-encoding for ids placed in a path segment or query value.
public enum Path {
    static let allowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    public static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
