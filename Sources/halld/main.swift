import ArgumentParser
import DeviceLinks
import Foundation
import HallDaemon
import HallModel
import Logging
import ServiceLifecycle

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

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "halld")
        var loaded: DaemonConfig?
        do {
            if let config { loaded = try DaemonConfig.load(path: config) }
        } catch {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(1)
        }
        var listen: (host: String, port: Int)?
        if let tcp {
            guard let address = HostPort.parse(tcp) else { throw ValidationError("--tcp must be HOST:PORT") }
            listen = address
        }
        let service = DaemonService(config: loaded, listen: listen, logger: logger) { daemon in
            if let port = daemon.tcpPort {
                // One line on stdout for scripts and tests that start halld on port 0.
                FileHandle.standardOutput.write(Data("halld listening tcp \(daemon.config.tcpHost ?? ""):\(port)\n".utf8))
            }
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            FileHandle.standardError.write(Data("halld: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
