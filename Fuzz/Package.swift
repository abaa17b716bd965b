// swift-tools-version: 6.1
// libFuzzer target for DeviceProtocol. A package of its own so the fuzzing flags never touch
// the main build. Sources/DeviceProtocol is a symbolic link to the main package's target:
// the fuzzer builds exactly the code halld ships, without the main package exporting a
// library product for it or pulling its other dependencies in.
import PackageDescription

let package = Package(
    name: "HallGuideFuzz",
    targets: [
        .target(name: "DeviceProtocol"),
        // Declares libFuzzer's LLVMFuzzerRunDriver; run.sh links libclang_rt.fuzzer_no_main.
        .systemLibrary(name: "CLibFuzzer"),
        .executableTarget(name: "fuzz-device-protocol", dependencies: ["DeviceProtocol", "CLibFuzzer"]),
    ],
    swiftLanguageModes: [.v6]
)
