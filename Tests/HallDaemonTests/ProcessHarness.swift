import Foundation
import HallTestFixtures
import Synchronization
import XCTest

/// Output gathered from a child's pipes on Foundation's reader threads.
final class OutputBuffer: Sendable {
    private let data = Mutex(Data())
    func append(_ more: Data) { data.withLock { $0.append(more) } }
    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}

/// Starts the project's binaries and helper programs (socat) as child processes, for the
/// tests that need a real serial pty pair or a whole halld.
final class ChildProcess {
    let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let collected = OutputBuffer()

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        // halld keeps its query log in $STATE_DIRECTORY (else the working directory): never
        // in the checkout.
        env["STATE_DIRECTORY"] = FileManager.default.temporaryDirectory
            .appendingPathComponent("hallguide-test-state-\(UUID().uuidString)").path
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = output
        process.standardError = errors
        let collected = collected
        output.fileHandleForReading.readabilityHandler = { collected.append($0.availableData) }
        errors.fileHandleForReading.readabilityHandler = { collected.append($0.availableData) }
        try process.run()
    }

    /// Everything printed so far, stdout and stderr interleaved.
    var text: String { collected.text }

    /// Waits (bounded) until the output contains `needle`.
    func waitFor(_ needle: String, timeout: Double = 10) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if text.contains(needle) { return true }
            if !process.isRunning { return text.contains(needle) }
            usleep(5000)
        }
        return false
    }

    func stop(_ signal: Int32 = SIGTERM) {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        errors.fileHandleForReading.readabilityHandler = nil
    }

    deinit { stop(SIGKILL) }
}

enum Binaries {
    static var folder: URL { BuiltProducts.folder }

    static func path(_ name: String) -> String { BuiltProducts.path(name) }

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Builds the pty modem-line shim once per test run.
    static func ptyShim(in directory: URL) throws -> String {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Native/tiocm_shim.c")
        let library = directory.appendingPathComponent("libtiocm_shim.so")
        let cc = Process()
        cc.executableURL = URL(fileURLWithPath: which("cc") ?? "/usr/bin/cc")
        cc.arguments = ["-shared", "-fPIC", "-O2", "-o", library.path, source.path, "-ldl"]
        try cc.run()
        cc.waitUntilExit()
        guard cc.terminationStatus == 0 else { throw XCTSkip("cannot build the pty shim") }
        return library.path
    }
}
