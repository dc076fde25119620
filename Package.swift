// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "prakerja-sim",
    // Mutex and Atomic (Synchronization) need macOS 15.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "prakerja-sim", targets: ["prakerja-sim"]),
        .library(name: "PrakerjaCore", targets: ["PrakerjaCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Domain: the gateway's rules, flows, signatures, clocks, the store protocol, and the shared buyer
        // protocol of the platforms. No transport, no storage.
        .target(
            name: "PrakerjaCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // Storage: the SQLite implementation of `GatewayStore`.
        .target(
            name: "PrakerjaSQLite",
            dependencies: ["PrakerjaCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // What the gateway's and the storefronts' HTTP servers share: the byte reply, the body reader.
        // The gateway's store on PostgreSQL, for several gateway processes on one database.
        .target(
            name: "PrakerjaPostgres",
            dependencies: [
                "PrakerjaCore", "PrakerjaPlatforms",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "PrakerjaHTTP",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // HTTP: the gateway's partner, redeem, catalog and simulation APIs.
        .target(
            name: "PrakerjaServer",
            dependencies: [
                "PrakerjaCore", "PrakerjaHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/console")]
        ),
        // Clients: one HTTP endpoint over a pooled client, the gateway's signed partner/redeem/simulation calls,
        // webhooks over HTTP, and voucher e-mails over SMTP.
        .target(
            name: "PrakerjaClient",
            dependencies: [
                "PrakerjaCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The seven platforms: each dialect's wire types, storefront routes and adapter; the dialect kit;
        // the storefront engine and its SQLite store; the adapters' transport.
        .target(
            name: "PrakerjaPlatforms",
            dependencies: [
                "PrakerjaCore", "PrakerjaClient", "PrakerjaHTTP", "PrakerjaSQLite",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi")]
        ),
        // The simulator's start-up wiring (gateway + storefronts as services), shared by the CLI and the tests.
        .target(
            name: "PrakerjaSimulator",
            dependencies: [
                "PrakerjaCore", "PrakerjaSQLite", "PrakerjaServer", "PrakerjaPlatforms", "PrakerjaClient", "PrakerjaHTTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The load generator: open-model arrivals, HdrHistogram per step, reports, thresholds, merging shards.
        .target(
            name: "PrakerjaLoad",
            dependencies: [
                "PrakerjaCore", "PrakerjaClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The contract kit: protocol scenarios as data, run against any platform's storefront.
        .target(
            name: "PrakerjaContract",
            dependencies: [
                "PrakerjaCore", "PrakerjaClient", "PrakerjaHTTP", "PrakerjaPlatforms", "PrakerjaSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "prakerja-sim",
            dependencies: [
                "PrakerjaCore", "PrakerjaSQLite", "PrakerjaPostgres", "PrakerjaClient", "PrakerjaPlatforms", "PrakerjaSimulator", "PrakerjaLoad",
                "PrakerjaContract", "PrakerjaHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test support shared by several test targets: the store conformance suite, fixtures.
        .target(
            name: "PrakerjaTesting",
            dependencies: ["PrakerjaCore", "PrakerjaPlatforms"]
        ),
        .testTarget(name: "PrakerjaCoreTests", dependencies: ["PrakerjaCore", "PrakerjaTesting"]),
        .testTarget(
            name: "PrakerjaLoadTests",
            dependencies: [
                "PrakerjaLoad", "PrakerjaCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "PrakerjaStoreTests",
            dependencies: ["PrakerjaCore", "PrakerjaSQLite", "PrakerjaTesting", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "PrakerjaPostgresTests",
            dependencies: [
                "PrakerjaCore", "PrakerjaPostgres", "PrakerjaTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "PrakerjaServerTests",
            dependencies: [
                "PrakerjaCore", "PrakerjaSQLite", "PrakerjaServer", "PrakerjaTesting", "PrakerjaHTTP",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PrakerjaContractTests",
            dependencies: [
                "PrakerjaContract", "PrakerjaCore", "PrakerjaClient", "PrakerjaPlatforms", "PrakerjaSimulator", "PrakerjaTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "PrakerjaPlatformTests",
            dependencies: [
                "PrakerjaCore", "PrakerjaSQLite", "PrakerjaClient", "PrakerjaPlatforms", "PrakerjaSimulator", "PrakerjaTesting", "PrakerjaHTTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "PrakerjaClientTests",
            dependencies: [
                "PrakerjaClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ]
)
