extension Array where Element == any CodingKey {
    /// Where a decoding error is, as the field path a request's author would write: `items[2].price`.
    public var fieldPath: String {
        var path = ""
        for key in self {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += (path.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return path
    }
}
