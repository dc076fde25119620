/// One named behaviour every implementation of a protocol must show; a backend's test runs each against a fresh
/// instance of that backend (`@Test(arguments: …checks)`).
package struct ConformanceCheck<Subject>: Sendable, CustomStringConvertible {
    package let name: String
    package let run: @Sendable (Subject) async throws -> Void
    package var description: String { name }

    package init(name: String, run: @escaping @Sendable (Subject) async throws -> Void) {
        self.name = name
        self.run = run
    }
}
