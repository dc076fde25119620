import PrakerjaCore
import Testing

/// Expects `work` to fail with `kind` in the shared taxonomy.
func expectRefusal<T>(_ kind: BuyerError.Kind, _ note: String = "", sourceLocation: SourceLocation = #_sourceLocation, _ work: () async throws -> T) async {
    let outcome: String
    do {
        let value = try await work()
        outcome = "success: \(value)"
    } catch let error as BuyerError {
        if error.kind == kind { return }
        outcome = error.description
    } catch {
        outcome = "\(error)"
    }
    Issue.record(Comment(rawValue: "expected \(kind.rawValue) \(note), got \(outcome)"), sourceLocation: sourceLocation)
}

