import Foundation
import HallTestFixtures
import HallTime
import Synchronization
import XCTest

/// Output gathered from a child's pipes by reader threads. Every append (and the end of
/// each pipe) wakes the thread waiting in `waitFor`.
final class OutputBuffer: Sendable {
    private struct State {
        var data = Data()
        /// Pipes not at end of file yet.
        var open: Int
    }

    private let state: Mutex<State>
    private let changed = ThreadWakeup()

    init(pipes: Int) { state = Mutex(State(open: pipes)) }

    func append(_ more: Data) {
        state.withLock { $0.data.append(more) }
        changed.signal()
    }

    /// One of the pipes reached its end: the child closed it (exited).
    func ended() {
        state.withLock { $0.open -= 1 }
        changed.signal()
    }

    var text: String { state.withLock { String(decoding: $0.data, as: UTF8.self) } }

    /// Waits until `done` holds for the output, or until every pipe has ended without it,
    /// or until `timeout` (a guard against a hung child, not a measure of speed).
    func waitFor(timeout: Duration, _ done: (String) -> Bool) -> Bool {
        let deadline = changed.clock.now() + timeout
        while true {
            let (text, open) = state.withLock { (String(decoding: $0.data, as: UTF8.self), $0.open) }
            if done(text) { return true }
            if open == 0 { return false }
            if changed.wait(until: deadline) == .deadlinePassed { return done(self.text) }
        }
    }
}

/// Starts the project's binaries and helper programs (socat) as child processes, for the
/// tests that need a real serial pty pair or a whole halld.
final class ChildProcess {
    let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let collected = OutputBuffer(pipes: 2)

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
        try process.run()
        // A reader thread per pipe, blocking in read(2) until the child writes or closes
        // it: every piece of output is an event, and so is the end of file (Foundation's
        // readabilityHandler sometimes misses the end of file).
        for pipe in [output, errors] {
            let handle = pipe.fileHandleForReading, collected = collected
            Thread.detachNewThread {
                var buffer = [UInt8](repeating: 0, count: 64 * 1024)
                while true {
                    let n = read(handle.fileDescriptor, &buffer, buffer.count)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { break }
                    collected.append(Data(buffer[0..<n]))
                }
                collected.ended()
            }
        }
    }

    /// Everything printed so far, stdout and stderr interleaved.
    var text: String { collected.text }

    /// Waits until the output contains `needle` (at least `occurrences` times): woken by
    /// each piece of output, not polling. False when the child closed its output without
    /// printing it, or after `timeout` (a guard against a hung child).
    func waitFor(_ needle: String, occurrences: Int = 1, timeout: Double = 10) -> Bool {
        collected.waitFor(timeout: .seconds(timeout)) { $0.components(separatedBy: needle).count > occurrences }
    }

    /// Waits until the child has exited and its output is all read (both pipes at end of
    /// file; `timeout` guards against a hung child); its exit status.
    func waitUntilExit(timeout: Double = 30) -> Int32 {
        _ = collected.waitFor(timeout: .seconds(timeout)) { _ in false }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func stop(_ signal: Int32 = SIGTERM) {
        if process.isRunning { kill(process.processIdentifier, signal) }
        // Its last words, up to the end of both pipes.
        _ = waitUntilExit(timeout: 5)
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
