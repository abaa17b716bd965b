// swift-tools-version: 6.1
// libFuzzer targets for what halld reads from outside: device frames, the WebSocket JSON
// texts, the status socket's request lines, the hall's staff files and halld.yaml. A package
// of its own so the fuzzing flags never touch the main build.
//
// Every library target here is a symbolic link to the main package's code, so the fuzzers
// build exactly what halld ships, without the main package exporting library products or
// this one pulling in NIO, the C libraries and the rest:
// - whole targets: DeviceProtocol, StatusProtocol, HallModel (with the plugin that embeds the
//   default hall, and maps/ and intents/ linked beside this file), IntentMatching,
//   Wayfinding, HallAnswers, HallTime, HallConversation (its settings are part of halld.yaml);
// - single files, for halld.yaml's reader (DaemonConfig) and the types its fields are made
//   of: each folder is named after the main target the files come from, so their imports
//   resolve as they do there.
import PackageDescription

let package = Package(
    name: "HallGuideFuzz",
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "DeviceProtocol"),
        .target(name: "StatusProtocol"),
        .executableTarget(name: "embed-hall-data"),
        .plugin(name: "EmbedHallData", capability: .buildTool(), dependencies: ["embed-hall-data"]),
        .target(name: "HallModel", dependencies: [.product(name: "Yams", package: "Yams")], plugins: ["EmbedHallData"]),
        .target(name: "IntentMatching", dependencies: ["HallModel"]),
        .target(name: "Wayfinding", dependencies: ["HallModel"]),
        .target(name: "HallAnswers", dependencies: ["HallModel", "IntentMatching", "Wayfinding"]),
        .target(name: "HallTime"),
        .target(name: "HallConversation", dependencies: ["HallAnswers", "HallModel", "IntentMatching", "Wayfinding", "DeviceProtocol", "HallTime"]),
        // halld.yaml's reader and its field types (file links, see above).
        .target(name: "DeviceSessions", dependencies: ["DeviceProtocol"]),
        .target(name: "DeviceLinks"),
        .target(name: "AudioPrompts", dependencies: ["HallModel"]),
        .target(name: "HallWeb"),
        .target(name: "HallDaemon", dependencies: ["HallModel", "HallAnswers", "AudioPrompts", "DeviceLinks", "DeviceSessions", "DeviceProtocol", "HallConversation", "HallWeb"]),

        // Declares libFuzzer's LLVMFuzzerRunDriver; run.sh links libclang_rt.fuzzer_no_main.
        .systemLibrary(name: "CLibFuzzer"),
        // The driver loop and the invariant checks every fuzzer shares.
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
        .executableTarget(name: "fuzz-device-protocol", dependencies: ["DeviceProtocol", "CLibFuzzer"]),
        .executableTarget(name: "fuzz-device-json", dependencies: ["DeviceProtocol", "FuzzSupport"]),
        .executableTarget(name: "fuzz-status-request", dependencies: ["StatusProtocol", "FuzzSupport"]),
        .executableTarget(name: "fuzz-hall-files", dependencies: ["HallModel", "IntentMatching", "FuzzSupport"]),
        .executableTarget(name: "fuzz-daemon-config", dependencies: ["HallDaemon", "HallModel", "FuzzSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
