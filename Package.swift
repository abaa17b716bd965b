// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "HallGuide",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hallctl", targets: ["hallctl"]),
        .executable(name: "hallbench", targets: ["hallbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The floor map, places, windows and intents: YAML loading and validation.
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

        // Build tool that turns the default hall's staff files into Swift source, so the
        // binaries carry the hall that ships in maps/ and intents/ and never drift from it.
        .executableTarget(name: "embed-hall-data", path: "Sources/embed-hall-data"),
        .plugin(name: "EmbedHallData", capability: .buildTool(), dependencies: ["embed-hall-data"]),

        .executableTarget(
            name: "hallctl",
            dependencies: ["HallAnswers", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "hallbench", dependencies: ["HallAnswers"]),

        .target(name: "HallTestFixtures", path: "Tests/HallTestFixtures"),
        .testTarget(name: "HallModelTests", dependencies: ["HallModel", "HallTestFixtures"]),
        .testTarget(name: "IntentMatchingTests", dependencies: ["IntentMatching", "HallTestFixtures"]),
        .testTarget(name: "WayfindingTests", dependencies: ["Wayfinding", "HallTestFixtures"]),
        .testTarget(name: "HallAnswersTests", dependencies: ["HallAnswers", "HallTestFixtures"]),
    ]
)
