// swift-tools-version: 6.1
import PackageDescription

/// Every module declares what it imports (as swift-nio-ssh does).

let package = Package(
    name: "HallGuide",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hallctl", targets: ["hallctl"]),
        .executable(name: "hallbench", targets: ["hallbench"]),
        .executable(name: "halld", targets: ["halld"]),
        .executable(name: "hallsim", targets: ["hallsim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
    ],
    targets: [
        // One clock for the pure parts: monotonic instants handed in as `now`, a system and a test clock.
        .target(name: "HallTime"),
        // The floor map, places, windows and intents: YAML loading and validation; the YAML
        // reader (file:line, no aliases) that halld.yaml and the audio configuration use too.
        .target(
            name: "HallModel",
            dependencies: [.product(name: "Yams", package: "Yams")],
            plugins: [.plugin(name: "EmbedHallData")]
        ),
        // Normalisation, keyword automata, scoring and the route/clarify/fallback decision. Pure.
        .target(name: "IntentMatching", dependencies: ["HallModel"]),
        // Precomputed shortest paths, accessible profile, directions text. Pure.
        .target(name: "Wayfinding", dependencies: ["HallModel"]),
        // The hall's answer to one question: match, route, sentence. The SPEC answer contract.
        .target(name: "HallAnswers", dependencies: ["HallModel", "IntentMatching", "Wayfinding"]),
        // What staff look at: the floor map as an SVG and their intent tests. Pure.
        .target(name: "HallViews", dependencies: ["HallAnswers"]),

        // Frames, messages and the codec shared by every transport (firmware-protocol/). Pure.
        .target(name: "DeviceProtocol"),
        // Both sides of a device session as state machines (handshake, acked delivery, rate
        // limit, liveness), keys, addresses and the ledger of failed handshakes. Pure, no NIO:
        // hallsim and the simulated devices link it without the daemon's networking.
        .target(
            name: "DeviceSessions",
            dependencies: ["DeviceProtocol", "HallTime", .product(name: "Crypto", package: "swift-crypto")]),
        .systemLibrary(name: "CSerialPort", pkgConfig: "libserialport", providers: [.apt(["libserialport-dev"])]),
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        // A quiet ALSA error handler: snd_lib_error_set_handler takes a variadic C function.
        .target(name: "CALSAShim", dependencies: ["CALSA"]),
        // The links: a session per connection on the TCP listener (SwiftNIO) or a serial port
        // (libserialport), and the hub that knows every device's current link.
        .target(
            name: "DeviceLinks",
            dependencies: [
                "DeviceProtocol", "DeviceSessions", "HallTime", "CSerialPort",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The device conversation as one pure state: answers, the robots' lead workflow,
        // displays, notices, prompts and query-log records as effects. No I/O, no NIO.
        .target(
            name: "HallConversation",
            dependencies: ["HallAnswers", "HallModel", "IntentMatching", "Wayfinding", "DeviceProtocol", "HallTime"]),
        // Simulated robots and screens speaking the real protocol over TCP or a serial
        // port: hallsim, the device tests and the load benchmark.
        .target(name: "DeviceSimulation", dependencies: ["DeviceSessions", "DeviceProtocol", "HallTime", "CSerialPort",
                                                       .product(name: "Crypto", package: "swift-crypto")]),
        // ALSA outputs, prompt queues, the prompt library and synthesis.
        .target(
            name: "AudioPrompts",
            dependencies: ["CALSA", "CALSAShim", "HallModel", .product(name: "Logging", package: "swift-log")]
        ),
        // The status socket's line-delimited JSON and a blocking client: shared by halld and
        // hallctl without hallctl linking the daemon. No dependencies.
        .target(name: "StatusProtocol"),
        // The durable query log (SQLite through GRDB, WAL, group commit off the answer
        // path, retention) and the staff report over it (hallctl report).
        .target(
            name: "QueryLog",
            dependencies: [
                "HallAnswers", "HallModel", "IntentMatching", "HallTime",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // halld's HTTP face (Hummingbird): the index screens' kiosk app and its JSON API, every
        // asset embedded; the WebSocket device link (JSON frames through the same link
        // sessions as TCP); /metrics; the queue feed's POST; connection and size limits.
        .target(
            name: "HallWeb",
            dependencies: [
                "HallAnswers", "HallModel", "HallViews", "IntentMatching", "Wayfinding", "DeviceLinks", "DeviceSessions",
                "DeviceProtocol", "HallTime", "CQREncode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            plugins: [.plugin(name: "EmbedKioskAssets")]
        ),
        // halld's composition: configuration, every long-running part a service of one
        // ServiceGroup, the executor that carries out the conversation's effects.
        .target(
            name: "HallDaemon",
            dependencies: [
                "HallAnswers", "HallModel", "IntentMatching", "HallConversation", "DeviceLinks", "DeviceSessions", "DeviceProtocol",
                "HallTime", "CSystemd", "AudioPrompts", "StatusProtocol", "QueryLog", "HallWeb",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        // A hall in memory for tests and benchmarks: the real conversation, hub and link
        // sessions over in-memory links, simulated devices, a test clock.
        .target(
            name: "HallTestKit",
            dependencies: ["HallDaemon", "HallConversation", "HallAnswers", "HallModel", "DeviceLinks", "DeviceSessions", "DeviceProtocol",
                           "HallTime", .product(name: "Logging", package: "swift-log")]),

        // Build tool that turns the default hall's staff files into Swift source, so the
        // binaries carry the hall that ships in maps/ and intents/ and never drift from it.
        .executableTarget(name: "embed-hall-data", path: "Sources/embed-hall-data"),
        .plugin(name: "EmbedHallData", capability: .buildTool(), dependencies: ["embed-hall-data"]),
        // The same tool over web/kiosk/: halld serves the kiosk app from its own binary.
        .plugin(name: "EmbedKioskAssets", capability: .buildTool(), dependencies: ["embed-hall-data"]),

        .executableTarget(
            name: "hallctl",
            dependencies: ["HallAnswers", "HallViews", "AudioPrompts", "StatusProtocol", "QueryLog",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "hallbench", dependencies: ["HallAnswers", "HallModel", "IntentMatching", "Wayfinding", "HallDaemon",
                                                          "HallTestKit", "QueryLog", "DeviceSimulation", "DeviceSessions",
                                                          "DeviceProtocol", "HallTime", "AudioPrompts", "HallTestFixtures"]),
        .executableTarget(
            name: "halld",
            dependencies: [
                "HallDaemon", "HallModel", "DeviceSessions", "HallWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "hallsim",
            dependencies: ["DeviceSimulation", "DeviceSessions", "DeviceProtocol", "HallTime", "HallModel",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .target(name: "HallTestFixtures", path: "Tests/HallTestFixtures"),
        .testTarget(name: "HallModelTests", dependencies: ["HallModel", "HallTestFixtures"]),
        .testTarget(name: "IntentMatchingTests", dependencies: ["IntentMatching", "HallTestFixtures"]),
        .testTarget(name: "WayfindingTests", dependencies: ["Wayfinding", "HallTestFixtures"]),
        .testTarget(name: "HallAnswersTests", dependencies: ["HallAnswers", "Wayfinding", "HallTestFixtures"]),
        .testTarget(name: "HallViewsTests", dependencies: ["HallViews"]),
        .testTarget(name: "DeviceProtocolTests", dependencies: ["DeviceProtocol"]),
        .testTarget(name: "DeviceSessionsTests", dependencies: ["DeviceSessions", "DeviceProtocol", "HallTime"]),
        .testTarget(name: "HallConversationTests", dependencies: ["HallConversation", "HallAnswers", "DeviceProtocol", "HallTime"]),
        .testTarget(name: "AudioPromptsTests", dependencies: ["AudioPrompts"]),
        .testTarget(name: "HallDaemonTests", dependencies: ["HallDaemon", "HallTestKit", "HallConversation", "HallAnswers", "DeviceLinks",
                                                        "DeviceSessions", "DeviceProtocol", "DeviceSimulation", "HallTime",
                                                        "QueryLog", "StatusProtocol", "HallTestFixtures", "AudioPrompts", "HallWeb",
                                                        .product(name: "Logging", package: "swift-log"),
                                                        .product(name: "NIOCore", package: "swift-nio"),
                                                        .product(name: "NIOEmbedded", package: "swift-nio"),
                                                        .product(name: "NIOPosix", package: "swift-nio"),
                                                        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
        .testTarget(name: "QueryLogTests", dependencies: ["QueryLog", "HallAnswers", "HallTime", "HallTestFixtures"]),
        .testTarget(name: "HallTimeTests", dependencies: ["HallTime"]),
        .testTarget(name: "StatusProtocolTests", dependencies: ["StatusProtocol"]),
    ]
)

// Every target imports what it uses (SE-0444, MemberImportVisibility): a member is never
// visible only because another file of the module imported its module.
for target in package.targets where target.type != .system && target.type != .plugin {
    let memberImportVisibility: SwiftSetting = .enableUpcomingFeature("MemberImportVisibility")
    target.swiftSettings = (target.swiftSettings ?? []) + [memberImportVisibility]
}
