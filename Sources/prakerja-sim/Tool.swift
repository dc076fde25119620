import ArgumentParser

@main
struct Tool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prakerja-sim",
        abstract: "A Kartu Prakerja integration simulator: mock gateway, redeem-code API, virtual time.",
        subcommands: [
            ServeCommand.self, DemoCommand.self, ContractCommand.self, LoadCommand.self, AuditCommand.self, CatalogCommand.self, PartnersCommand.self, BenchCommand.self,
            ReproduceCommand.self, ReplayCommand.self,
        ]
    )
}
