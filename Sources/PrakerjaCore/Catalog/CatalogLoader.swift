import Foundation

/// Reads and validates the catalog's JSON Lines files (`platforms.jsonl`, `providers.jsonl`,
/// `courses.jsonl`): one object per line, blank lines and lines starting with `#` ignored.
public enum CatalogLoader {
    public static let maximumPrice: Rupiah = 1_000_000
    public static let fileNames = (platforms: "platforms.jsonl", providers: "providers.jsonl", courses: "courses.jsonl")

    /// Loads the catalog in `directory`, reporting every bad row (not just the first).
    public static func load(directory: URL) throws -> Catalog {
        func read(_ name: String) throws -> (String, String) {
            let url = directory.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw CatalogLoadFailure(errors: [CatalogError(file: url.path, line: 0, reason: "cannot read file")])
            }
            return (url.path, text)
        }
        let (pf, pt) = try read(fileNames.platforms)
        let (vf, vt) = try read(fileNames.providers)
        let (cf, ct) = try read(fileNames.courses)
        return try parse(platforms: (pf, pt), providers: (vf, vt), courses: (cf, ct))
    }

    /// Parses and validates catalog texts given as (file name, contents).
    public static func parse(
        platforms: (String, String),
        providers: (String, String),
        courses: (String, String)
    ) throws -> Catalog {
        var errors: [CatalogError] = []
        let platformRows: [(Int, Platform)] = decodeRows(platforms, &errors)
        let providerRows: [(Int, Provider)] = decodeRows(providers, &errors)
        let courseRows: [(Int, Course)] = decodeRows(courses, &errors)

        var platformIDs = Set<String>()
        for (line, p) in platformRows {
            func bad(_ reason: String) { errors.append(CatalogError(file: platforms.0, line: line, reason: reason)) }
            if !platformIDs.insert(p.id).inserted { bad("duplicate platform id \(p.id)") }
            if p.id.isEmpty || p.name.isEmpty { bad("platform id and name must not be empty") }
            if p.partnerSecret.count < 16 { bad("partner_secret must have at least 16 characters") }
            if !["phone", "whatsapp", "web"].contains(p.customerService.channel) {
                bad("customer_service.channel must be phone, whatsapp or web")
            }
        }
        var providerIDs = Set<String>()
        var clientCodes = Set<String>()
        for (line, p) in providerRows {
            func bad(_ reason: String) { errors.append(CatalogError(file: providers.0, line: line, reason: reason)) }
            if !providerIDs.insert(p.id).inserted { bad("duplicate provider id \(p.id)") }
            if !clientCodes.insert(p.clientCode).inserted { bad("duplicate client_code \(p.clientCode)") }
            if p.name.isEmpty { bad("provider name must not be empty") }
            if p.signKey.count < 16 { bad("sign_key must have at least 16 characters") }
        }
        var courseIDs = Set<String>()
        for (line, c) in courseRows {
            func bad(_ reason: String) { errors.append(CatalogError(file: courses.0, line: line, reason: reason)) }
            if !courseIDs.insert(c.id).inserted { bad("duplicate course id \(c.id)") }
            if c.title.isEmpty { bad("course title must not be empty") }
            if !providerIDs.contains(c.providerID) { bad("unknown provider_id \(c.providerID)") }
            if c.price <= 0 || c.price > maximumPrice { bad("price must be between 1 and \(maximumPrice) rupiah, got \(c.price)") }
            if c.platforms.isEmpty { bad("a course must be sold on at least one platform") }
            for p in c.platforms where !platformIDs.contains(p) { bad("unknown platform \(p)") }
            if Set(c.platforms).count != c.platforms.count { bad("platforms must not repeat") }
            if c.durationHours <= 0 { bad("duration_hours must be positive") }
            switch c.type {
            case .webinar:
                if c.sessions.isEmpty { bad("a webinar needs at least one session") }
                if c.sessions.map(\.sequence) != Array(1...max(1, c.sessions.count)) {
                    bad("webinar session sequences must be 1, 2, … in order")
                }
                if zip(c.sessions, c.sessions.dropFirst()).contains(where: { $0.startsAt >= $1.startsAt }) {
                    bad("webinar sessions must be in chronological order")
                }
            case .selfPaced, .offline:
                if !c.sessions.isEmpty { bad("only webinars have sessions") }
            }
        }
        if !errors.isEmpty { throw CatalogLoadFailure(errors: errors) }
        return Catalog(platforms: platformRows.map(\.1), providers: providerRows.map(\.1), courses: courseRows.map(\.1))
    }

    private static func decodeRows<T: Decodable>(_ file: (String, String), _ errors: inout [CatalogError]) -> [(Int, T)] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var rows: [(Int, T)] = []
        for (index, raw) in file.1.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            do {
                rows.append((index + 1, try decoder.decode(T.self, from: Data(line.utf8))))
            } catch {
                errors.append(CatalogError(file: file.0, line: index + 1, reason: describe(error)))
            }
        }
        return rows
    }

    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let ctx)?: "missing field \((ctx.codingPath + [key]).fieldPath)"
        case .typeMismatch(let type, let ctx)?: "field \(ctx.codingPath.fieldPath) should be \(type)"
        case .valueNotFound(let type, let ctx)?: "field \(ctx.codingPath.fieldPath) should be \(type), not null"
        case .dataCorrupted(let ctx)?:
            ctx.codingPath.isEmpty ? "not valid JSON" : "field \(ctx.codingPath.fieldPath): \(ctx.debugDescription)"
        default: "\(error)"
        }
    }
}
