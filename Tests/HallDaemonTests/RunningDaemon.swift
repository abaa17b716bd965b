import Foundation
import HallDaemon
import HallTime
import Logging
import XCTest
import DeviceSessions
import HallWeb

/// halld in this process, as its ServiceGroup runs it: started, ready (every listener
/// bound), stopped gracefully, with `run`'s outcome checked.
final class RunningDaemon: Sendable {
    let daemon: HallDaemon
    private let task: Task<Void, any Error>

    private init(daemon: HallDaemon, task: Task<Void, any Error>) {
        self.daemon = daemon
        self.task = task
    }

    static func start(_ config: DaemonConfig, environment: [String: String]? = nil, logger: Logger? = nil) async throws -> RunningDaemon {
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        var environment = environment ?? ProcessInfo.processInfo.environment
        // Never in the checkout: the default status socket and query log.
        environment["RUNTIME_DIRECTORY"] = environment["RUNTIME_DIRECTORY"] ?? Self.scratch("run")
        environment["STATE_DIRECTORY"] = environment["STATE_DIRECTORY"] ?? Self.scratch("state")
        // Real time for the sockets, but a Wednesday morning for the hall's hours: the
        // tests' robots lead whatever the hour CI runs at.
        let clock = ShiftedClock(wallClockStartingAt: Date(timeIntervalSince1970: 1_796_176_800))
        let daemon = try HallDaemon(config: config, environment: environment, clock: clock, logger: logger ?? quiet)
        let task = Task { try await daemon.run() }
        do {
            try await daemon.ready()
        } catch {
            _ = try? await task.value
            throw error
        }
        return RunningDaemon(daemon: daemon, task: task)
    }

    /// A fresh directory under /tmp (short: a Unix socket path must fit in 108 bytes).
    static func scratch(_ what: String) -> String {
        let path = "/tmp/hg-\(what)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    var tcpPort: Int { daemon.devices!.port! }

    /// A graceful stop; throws what `run` threw.
    func stop() async throws {
        await daemon.stop()
        try await task.value
    }

    /// A loopback configuration on free ports with the given devices.
    static func config(devices: [DaemonConfig.Device]) -> DaemonConfig {
        var config = DaemonConfig()
        config.metricsListen = "127.0.0.1:0"
        config.httpOn = true
        config.http.port = 0
        config.tcpHost = "127.0.0.1"
        config.tcpPort = 0
        config.source = "test"
        config.devices = devices
        config.timing.queryBurst = 1000
        return config
    }
}
