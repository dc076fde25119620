import ArgumentParser
import Foundation
import PrakerjaCore
import PrakerjaSQLite

enum CatalogLocator {
    /// The catalog directory: the given path, `$PRAKERJA_MOCKS`, `./mocks`, or `mocks/` above the executable.
    static func directory(_ given: String?) -> URL {
        if let given { return URL(fileURLWithPath: given) }
        if let env = ProcessInfo.processInfo.environment["PRAKERJA_MOCKS"] { return URL(fileURLWithPath: env) }
        let fm = FileManager.default
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("mocks")
        if fm.fileExists(atPath: cwd.appendingPathComponent(CatalogLoader.fileNames.courses).path) { return cwd }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("mocks")
            if fm.fileExists(atPath: candidate.appendingPathComponent(CatalogLoader.fileNames.courses).path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return cwd
    }

    static func load(_ given: String?) throws -> Catalog {
        do {
            return try CatalogLoader.load(directory: directory(given))
        } catch let failure as CatalogLoadFailure {
            throw ValidationError("the catalog has errors:\n\(failure)")
        }
    }
}
