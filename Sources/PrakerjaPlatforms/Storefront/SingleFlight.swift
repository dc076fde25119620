/// Calls in progress by key: a caller whose key is already being worked on waits for that call's outcome
/// instead of making the call again. A storefront uses it so that a buyer's retries racing their first
/// try (the same idempotency key, at once) become one gateway call, with no polling.
actor SingleFlight<Value: Sendable> {
    private var running: [String: Task<Value, any Error>] = [:]

    func run(_ key: String, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let call = running[key] { return try await call.value }
        let call = Task { try await work() }
        running[key] = call
        defer { running[key] = nil }
        return try await call.value
    }
}
