import PrakerjaCore


/// One dialect's error vocabulary: for every shared kind, the platform's code and HTTP status. Storefronts
/// render with it, adapters parse with it, and `partners/<platform>/dialect.json` documents it.
public struct DialectErrorTable: Sendable {
    public struct Entry: Sendable, Equatable {
        public var code: String
        public var httpStatus: Int
        public init(_ code: String, _ httpStatus: Int) {
            self.code = code
            self.httpStatus = httpStatus
        }
    }

    private let entries: [BuyerError.Kind: Entry]
    private let byCode: [String: BuyerError.Kind]

    /// `entry` must give every kind a code no other kind has; a gap or a clash is a programming error.
    public init(_ entry: (BuyerError.Kind) -> Entry) {
        var entries: [BuyerError.Kind: Entry] = [:]
        var byCode: [String: BuyerError.Kind] = [:]
        for kind in BuyerError.Kind.allCases {
            let e = entry(kind)
            precondition(byCode[e.code] == nil, "dialect error code \(e.code) is used for both \(byCode[e.code]!) and \(kind)")
            entries[kind] = e
            byCode[e.code] = kind
        }
        self.entries = entries
        self.byCode = byCode
    }

    public subscript(kind: BuyerError.Kind) -> Entry { entries[kind]! }

    /// The shared kind of one of this dialect's codes, or nil for a code the dialect does not define.
    public func kind(of code: String) -> BuyerError.Kind? { byCode[code] }
}
