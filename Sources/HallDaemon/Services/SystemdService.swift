import Foundation
import HallTime
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// halld's life as systemd sees it: READY=1 once every listener is bound and the data is
/// loaded; WATCHDOG=1 only while a health check with a real timeout passes; STATUS= when
/// the one-line summary changes; STOPPING=1 when a stop begins (this service is the first
/// to hear of it). Reloads tell it RELOADING=1 and READY=1 through the reload service.
public final class SystemdService: Service {
    let notifier: SystemdNotifier
    let gate: StartupGate
    let clock: any HallClock
    let logger: Logger
    let statusLine: @Sendable () -> String
    let healthy: @Sendable (Duration) async -> Bool
    /// Told each health check's result (the metrics count them for the alerts).
    let watchdogChecked: @Sendable (Bool) -> Void

    public init(notifier: SystemdNotifier = SystemdNotifier(), gate: StartupGate, clock: any HallClock, logger: Logger,
                statusLine: @escaping @Sendable () -> String,
                healthy: @escaping @Sendable (Duration) async -> Bool = { await HealthCheck.eventLoopsRespond(within: $0) },
                watchdogChecked: @escaping @Sendable (Bool) -> Void = { _ in }) {
        self.notifier = notifier
        self.gate = gate
        self.clock = clock
        self.logger = logger
        self.statusLine = statusLine
        self.healthy = healthy
        self.watchdogChecked = watchdogChecked
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { [gate] in try await gate.wait() }
        } catch {
            return  // start-up failed or a stop came first: nothing to announce
        }
        notifier.ready(status: statusLine())
        await withTaskGroup(of: Void.self) { tasks in
            if let interval = notifier.watchdogInterval {
                tasks.addTask { [self] in await watchdog(every: interval / 2) }
            }
            tasks.addTask { [self] in await statusUpdates() }
            try? await gracefulShutdown()
            tasks.cancelAll()
        }
        notifier.stopping()
        logger.info("stopping")
    }

    private func watchdog(every ping: Duration) async {
        while !Task.isCancelled {
            let passed = await healthy(ping / 2)
            watchdogChecked(passed)
            if passed {
                notifier.watchdog()
            } else {
                logger.error("health check failed: an event loop did not answer within \(ping / 2); not pinging the watchdog")
            }
            do { try await clock.sleep(for: ping) } catch { return }
        }
    }

    private func statusUpdates() async {
        var last = ""
        while !Task.isCancelled {
            do { try await clock.sleep(for: .seconds(5)) } catch { return }
            let line = statusLine()
            if line != last {
                notifier.status(line)
                last = line
            }
        }
    }
}

/// Whether halld still answers: every event loop must run a task within the timeout. The
/// timeout runs on a clock of its own, not on the loop it checks, so a stuck loop fails
/// the check instead of hanging it.
public enum HealthCheck {
    public static func eventLoopsRespond(within timeout: Duration,
                                         group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                                         clock: any HallClock = SystemClock()) async -> Bool {
        for loop in group.makeIterator() {
            guard await respond(loop, within: timeout, clock: clock) else { return false }
        }
        return true
    }

    static func respond(_ loop: any EventLoop, within timeout: Duration, clock: any HallClock) async -> Bool {
        let answered = Mutex<CheckedContinuation<Bool, Never>?>(nil)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            answered.withLock { $0 = continuation }
            let resume = { @Sendable (value: Bool) in answered.withLock { $0.take() }?.resume(returning: value) }
            loop.execute { resume(true) }
            Task {
                try? await clock.sleep(for: timeout)
                resume(false)
            }
        }
    }
}
