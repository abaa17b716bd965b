import Foundation

/// The release halld next to hallbench, started as a child process with a configuration
/// written for the benchmark; its TCP port read from its first line on stdout.
final class HalldChild {
    let process = Process()
    let port: Int
    let directory: URL

    init(config: String, name: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hallbench-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("halld.yaml")
        try (config + "\nmetrics:\n  listen: off\nhttp:\n  listen: 127.0.0.1:0\nstatus:\n  socket: \(directory.path)/status.sock\nquery_log: off\n").write(to: file, atomically: true, encoding: .utf8)
        let path = try HalldBinary.path()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--config", file.path, "--log-level", "error"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        guard let line = DeviceBench.readLine(from: out.fileHandleForReading), let port = Int(line.split(separator: ":").last ?? "") else {
            process.terminate()
            throw HalldChildError("halld did not start (\(path))")
        }
        self.port = port
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

struct HalldChildError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
