import Foundation
import HallAnswers
import HallConversation
import HallTime
import IntentMatching
import Logging
import QueryLog
import ServiceLifecycle
import Synchronization

/// The query log as a service: opened before anything answers, reopened in the
/// background when it could not be opened (a full or read-only disk at start must not
/// need a restart once mended), drained last at a stop, after every device link closed,
/// so that every answer a device received is in the file.
public final class QueryLogService: Service, AnswerRecorder {
    public let path: String
    let configuration: QueryLogWriter.Configuration
    let clock: any HallClock
    let logger: Logger
    /// How often a log that could not be opened is tried again.
    let retryInterval: Duration
    private let writer = Mutex<QueryLogWriter?>(nil)
    private let lastError = Mutex<String?>(nil)
    /// Answers that came while the log was not open.
    private let missed = Mutex<UInt64>(0)
    private let closed = Mutex(false)
    private let openWaiters = Mutex<[@Sendable (Bool) -> Void]>([])

    /// Whether answers are being logged (false before the log could be opened, and after a stop).
    public var isOpen: Bool { writer.withLock { $0 } != nil && !closed.withLock { $0 } }
    /// The hall whose matcher normalises the logged text: the one that answered last.
    private let normalizer = LatestHall()

    final class LatestHall: Sendable {
        let hall = Mutex<Hall?>(nil)
    }

    public init(settings: DaemonConfig.QueryLogSettings, environment: [String: String], clock: any HallClock,
                retryInterval: Duration = .seconds(30), logger: Logger) {
        path = QueryLogPath.server(environment: environment, configured: settings.path)
        configuration = QueryLogWriter.Configuration(
            path: path, retentionDays: settings.retentionDays, maxRecords: settings.maxRecords,
            flushInterval: .milliseconds(settings.flushMilliseconds), clock: clock)
        self.clock = clock
        self.retryInterval = retryInterval
        self.logger = logger
        if open() {
            logger.info("query log \(path): flush every \(settings.flushMilliseconds) ms, keep \(settings.retentionDays) days, at most \(settings.maxRecords) records")
        }
    }

    /// Opens the writer; false (and the reason kept for the status) when it cannot.
    @discardableResult
    func open() -> Bool {
        let normalizer = normalizer
        do {
            let opened = try QueryLogWriter(configuration: configuration, normalize: { text in
                normalizer.hall.withLock { $0 }?.matcher.normalize(text) ?? text
            }, logger: logger)
            writer.withLock { $0 = opened }
            if lastError.withLock({ $0 }) != nil { logger.notice("query log \(path) is open again; questions are logged") }
            lastError.withLock { $0 = nil }
            for waiter in openWaiters.withLock({ w in defer { w = [] }; return w }) { waiter(true) }
            return true
        } catch {
            let first = lastError.withLock { last -> Bool in
                defer { last = "\(error)" }
                return last != "\(error)"
            }
            if first { logger.error("query log \(path) cannot be opened, questions are not logged (trying again every \(retryInterval)): \(error)") }
            return false
        }
    }

    public func record(_ question: AnsweredQuestion, latency: Duration, at time: Date) {
        guard let writer = writer.withLock({ $0 }) else {
            missed.withLock { $0 += 1 }
            return
        }
        normalizer.hall.withLock { if $0 !== question.hall { $0 = question.hall } }
        let micros = Int(latency.nanosecondCount / 1000)
        let device = question.device
        if let answer = question.answer {
            writer.record(QueryRecord(answer: answer, device: device.id, place: device.station, time: time, latencyMicroseconds: micros))
        } else {
            writer.record(QueryRecord(time: time, device: device.id, place: device.station, text: question.question,
                                      outcome: .error, intent: nil, destination: nil, candidates: [], confidence: 0,
                                      latencyMicroseconds: micros, homophoneRepair: false, rule: question.error ?? "", language: ""))
        }
    }

    /// The writer's counters and, when it is not open, why.
    public var state: (counters: QueryLogWriter.Counters, error: String?, missed: UInt64) {
        (writer.withLock { $0 }?.counters ?? QueryLogWriter.Counters(), lastError.withLock { $0 }, missed.withLock { $0 })
    }

    /// Returns once the log is open (the retry succeeded), or false after `timeout` of the
    /// system's clock: for tests and the status, not the answer path.
    public func waitUntilOpen(timeout: Duration) async -> Bool {
        await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
            if isOpen { return done.resume(returning: true) }
            let resumed = Mutex(false)
            let once = { @Sendable (value: Bool) in
                if resumed.withLock({ r in defer { r = true }; return !r }) { done.resume(returning: value) }
            }
            openWaiters.withLock { $0.append(once) }
            if isOpen { once(true) }
            Task {
                try? await SystemClock().sleep(for: timeout)
                once(false)
            }
        }
    }

    /// Waits until everything recorded so far is committed (tests, status).
    @discardableResult
    public func flush(timeout: Duration = .seconds(10)) -> Bool {
        writer.withLock { $0 }?.flush(timeout: timeout) ?? true
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { [self] in
                while writer.withLock({ $0 }) == nil {
                    do { try await clock.sleep(for: retryInterval) } catch { return }
                    open()
                }
            }
            try? await gracefulShutdown()
            tasks.cancelAll()
        }
        // No device link is open any more (they stop before this): commit what waits.
        guard let writer = writer.withLock({ $0 }) else { return }
        if await !writer.shutdown(timeout: .seconds(5)) {
            logger.error("query log: \(writer.counters.pending) records were not written at stop")
        }
        closed.withLock { $0 = true }
    }
}
