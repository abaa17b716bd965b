import ArgumentParser
import DeviceSessions
import Foundation
import HallDaemon
import HallModel
import HallWeb
import Logging

/// halld: serves the hall's robots and index screens.
@main
struct Halld: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "halld",
        abstract: "HallGuide daemon: answers robots and index screens over TCP and serial.")

    @Option(help: "Configuration file (default: the built-in hall's devices on 127.0.0.1:7700).")
    var config: String?

    @Option(help: "Listen for devices on HOST:PORT, overriding the configuration (port 0 picks one).")
    var tcp: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel = "info"

    @Flag(help: "Check the configuration, its key files and the hall data it names, then exit (0: valid, 1: the problems); nothing is started.")
    var check = false

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "halld")
        var listen: (host: String, port: Int)?
        if let tcp {
            guard let address = HostPort.parse(tcp) else { throw ValidationError("--tcp must be HOST:PORT") }
            listen = address
        }
        let daemon: HallDaemon
        do {
            // Configuration problems are `file:line: problem` lines, printed as they are.
            let loaded = try config.map { path throws(HallModel.ValidationError) in try DaemonConfig.load(path: path) }
            daemon = try HallDaemon(config: loaded, listen: listen, trapSignals: true, logger: logger)
        } catch let error as HallModel.ValidationError {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("halld: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if check {
            // Everything is loaded and built by now, and nothing listens until run().
            print("halld: \(config ?? "the built-in configuration") is valid: \(daemon.loadedSummary)")
            return
        }
        let announce = Task {
            try await daemon.ready()
            if let port = daemon.devices?.port {
                // One line on stdout for scripts and tests that start halld on port 0.
                FileHandle.standardOutput.write(Data("halld listening tcp \(daemon.config.tcpHost ?? ""):\(port)\n".utf8))
            }
            if let port = daemon.web?.port {
                FileHandle.standardOutput.write(Data("halld listening http \(daemon.config.http.host):\(port)\n".utf8))
            }
        }
        defer { announce.cancel() }
        do {
            try await daemon.run()
        } catch {
            FileHandle.standardError.write(Data("halld: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
