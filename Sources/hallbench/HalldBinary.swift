import Foundation

/// The halld that the daemon benchmarks start: the one built next to hallbench, in the
/// same configuration. `swift run -c release hallbench devices` builds only hallbench, so
/// from a package checkout a missing halld is built here (`swift build -c release
/// --product halld`) rather than failing; elsewhere the error says what to run.
enum HalldBinary {
    static func path() throws -> String {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let halld = directory.appendingPathComponent("halld").path
        if FileManager.default.isExecutableFile(atPath: halld) { return halld }
        let configuration = directory.lastPathComponent
        let build = "swift build -c \(configuration == "debug" ? "debug" : "release") --product halld"
        guard ["release", "debug"].contains(configuration), FileManager.default.fileExists(atPath: "Package.swift") else {
            throw HalldChildError("no halld next to hallbench (\(halld)): build it first with `\(build)` in the package")
        }
        print("hallbench: no halld next to hallbench yet; building it: \(build)")
        let swift = Process()
        swift.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        swift.arguments = ["swift", "build", "-c", configuration, "--product", "halld"]
        try swift.run()
        swift.waitUntilExit()
        guard swift.terminationStatus == 0, FileManager.default.isExecutableFile(atPath: halld) else {
            throw HalldChildError("`\(build)` did not make \(halld) (exit \(swift.terminationStatus))")
        }
        return halld
    }
}
