import Foundation

/// A program run to completion, the way staff and scripts run `hallctl`: its exit status
/// and what it printed.
public struct ProgramRun: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// Runs `executable`. `environment` entries replace the test's own (a nil value removes
    /// one); `stdin`, when given, is written and then closed.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String?] = [:],
                           stdin: String? = nil) throws -> ProgramRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (name, value) in environment { merged[name] = value }
        process.environment = merged
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProgramRun(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                          stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// The build folder's products (halld, hallctl, hallsim): the test bundle sits in it, or in
/// a folder inside it.
public enum BuiltProducts {
    public static var folder: URL {
        let build = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return FileManager.default.fileExists(atPath: build.appendingPathComponent("halld").path) ? build : build.deletingLastPathComponent()
    }

    public static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
}
