import Foundation
import Logging
import ServiceLifecycle
import StatusProtocol
import Synchronization
import UnixSignals

/// Reloads of the hall data (SIGHUP, `hallctl reload`), one at a time, on a thread of
/// their own: validating a large hall is seconds of CPU, which must not take the
/// cooperative threads that answer devices or keep the watchdog alive. A request that
/// comes while a reload runs is merged with every other one that comes meanwhile into
/// one more reload after it, so that each requester gets a result that includes the
/// files as they were when it asked.
public final class ReloadService: Service {
    public typealias Result = DaemonStatus.Reload

    private enum State {
        case idle
        /// `waiting`: served by the reload now running; `next`: by the one after it.
        case running(waiting: [CheckedContinuation<Result, Never>], next: [CheckedContinuation<Result, Never>]?)
        case stopped
    }

    private let state = Mutex(State.idle)
    private let runs = Mutex(0)

    /// Reloads carried out since start (merged requests count once).
    public var completed: Int { runs.withLock { $0 } }
    /// The reload itself: blocking, run on the reload thread.
    let work: @Sendable () -> Result
    /// Told when a reload starts and what it came to (systemd's RELOADING=1, READY=1).
    let started: @Sendable () -> Void
    let finished: @Sendable (Result) -> Void
    /// What a request gets once halld is stopping.
    let stopping: @Sendable () -> Result
    let trapSIGHUP: Bool
    let logger: Logger

    public init(trapSIGHUP: Bool, logger: Logger, work: @escaping @Sendable () -> Result,
                started: @escaping @Sendable () -> Void = {}, finished: @escaping @Sendable (Result) -> Void = { _ in },
                stopping: @escaping @Sendable () -> Result) {
        self.trapSIGHUP = trapSIGHUP
        self.logger = logger
        self.work = work
        self.started = started
        self.finished = finished
        self.stopping = stopping
    }

    /// Reloads (or joins the next reload) and returns what it came to.
    public func request() async -> Result {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
            enum Next { case start, wait, refuse }
            let next = state.withLock { s -> Next in
                switch s {
                case .idle:
                    s = .running(waiting: [continuation], next: nil)
                    return .start
                case .running(let waiting, let next):
                    s = .running(waiting: waiting, next: (next ?? []) + [continuation])
                    return .wait
                case .stopped:
                    return .refuse
                }
            }
            switch next {
            case .start: startThread()
            case .wait: break
            case .refuse: continuation.resume(returning: stopping())
            }
        }
    }

    private func startThread() {
        let thread = Thread { [self] in
            while true {
                started()
                let result = work()
                runs.withLock { $0 += 1 }
                let (served, again, current) = state.withLock { s -> ([CheckedContinuation<Result, Never>], Bool, Bool) in
                    guard case .running(let waiting, let next) = s else { return ([], false, false) }
                    if let next {
                        s = .running(waiting: next, next: nil)
                        return (waiting, true, true)
                    }
                    s = .idle
                    return (waiting, false, true)
                }
                // Once halld is stopping, a late reload says nothing (no READY=1 after STOPPING=1).
                if current { finished(result) }
                for waiter in served { waiter.resume(returning: result) }
                if !again { return }
            }
        }
        thread.name = "hall reload"
        thread.start()
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { tasks in
            if trapSIGHUP {
                tasks.addTask { [self] in
                    for await _ in await UnixSignalsSequence(trapping: .sighup) { _ = await request() }
                }
            }
            try? await gracefulShutdown()
            tasks.cancelAll()
        }
        // A reload still running is left to finish on its own thread: halld does not
        // wait for it to stop (TimeoutStopSec), and what it loads is never used.
        let abandoned = state.withLock { s -> [CheckedContinuation<Result, Never>] in
            defer { s = .stopped }
            switch s {
            case .running(let waiting, let next): return waiting + (next ?? [])
            case .idle, .stopped: return []
            }
        }
        for waiter in abandoned { waiter.resume(returning: stopping()) }
    }
}
