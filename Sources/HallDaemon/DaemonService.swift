import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// halld's life under swift-service-lifecycle and systemd: READY=1 once the links listen
/// and the data is loaded; WATCHDOG=1 only while the event loops answer; SIGHUP reloads
/// (RELOADING=1 with MONOTONIC_USEC, then READY=1); a graceful stop sends STOPPING=1,
/// recalls the robots and closes the links.
public struct DaemonService: Service {
    let config: DaemonConfig?
    let listen: (host: String, port: Int)?
    let logger: Logger
    let notifier = SystemdNotifier()
    /// Called once the daemon is up (for the "listening" line and tests).
    let onStart: @Sendable (Daemon) -> Void

    public init(config: DaemonConfig?, listen: (host: String, port: Int)?, logger: Logger,
                onStart: @escaping @Sendable (Daemon) -> Void = { _ in }) {
        self.config = config
        self.listen = listen
        self.logger = logger
        self.onStart = onStart
    }

    public func run() async throws {
        let daemon = try await Daemon.start(config: config, listen: listen, logger: logger)
        let status: StatusServer?
        do {
            status = try await daemon.startStatusSocket(environment: ProcessInfo.processInfo.environment)
        } catch {
            // Operators lose the socket, visitors lose nothing: serve on and say so.
            logger.error("status socket unavailable: \(error)")
            status = nil
        }
        onStart(daemon)
        notifier.ready(status: daemon.statusLine)
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await reloads(daemon) }
            tasks.addTask { await watchdog(daemon) }
            tasks.addTask { await statusUpdates(daemon) }
            // Returns on SIGTERM or SIGINT (or cancellation); then the tasks above stop.
            try? await gracefulShutdown()
            tasks.cancelAll()
        }
        notifier.stopping()
        logger.info("stopping")
        await daemon.stop(statusServer: status)
    }

    private func reloads(_ daemon: Daemon) async {
        for await _ in await UnixSignalsSequence(trapping: .sighup) {
            notifier.reloading()
            let result = await daemon.reload()
            notifier.ready(status: result.ok ? daemon.statusLine : "reload refused, running data \(result.dataVersion.prefix(8)): \(result.problems.first ?? "")")
        }
    }

    private func watchdog(_ daemon: Daemon) async {
        guard let interval = notifier.watchdogInterval else { return }
        let ping = interval / 2
        while !Task.isCancelled {
            if await daemon.isHealthy(timeout: ping / 2) {
                notifier.watchdog()
            } else {
                logger.error("health check failed: an event loop did not answer; not pinging the watchdog")
            }
            try? await Task.sleep(for: ping)
        }
    }

    private func statusUpdates(_ daemon: Daemon) async {
        var last = ""
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(5))
            let line = daemon.statusLine
            if line != last {
                notifier.status(line)
                last = line
            }
        }
    }
}
