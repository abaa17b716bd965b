import Foundation
import HallModel
import Logging

/// One speaker's queue and playback. `enqueue` and `status` only take a lock for a few
/// microseconds: all ALSA I/O, synthesis and waiting happen on the output's own thread,
/// which alone owns the `snd_pcm_t *`.
///
/// @unchecked Sendable: every mutable field is guarded by `lock`; the immutable ones are
/// Sendable; the ALSA handle lives only in the player thread's stack (see OutputPlayer).
public final class AudioOutput: @unchecked Sendable {
    public let config: OutputConfig
    /// The rate the PCM is opened at: the prompt library's.
    public let sampleRate: Int
    let alsaConfigFile: String?
    let initialBackoff: Duration
    let maximumBackoff: Duration
    let bufferTime: Duration
    let synthesizer: SpeechSynthesizer?
    let logger: Logger
    let now: @Sendable () -> Date
    let timeZone: TimeZone
    static let reportsKept = 256

    let lock = NSCondition()
    var queue: PromptQueue
    var state: AudioOutputState = .unavailable
    var counters = AudioCounters()
    var lastError: String?
    var playing: QueuedPrompt?
    var stopRequested = false
    private var started = false
    var finished = false
    private var nextTicket: UInt64 = 1
    var reports: [UInt64: PromptReport] = [:]
    private var waiters: [UInt64: () -> Bool] = [:]
    private var expirers: [UInt64: () -> Void] = [:]
    private var timeouts: [UInt64: Task<Void, Never>] = [:]
    private var nextWaiter: UInt64 = 1

    /// `now` and `timeZone` decide quiet hours (injectable so tests need no real clock).
    public init(config: OutputConfig, sampleRate: Int, alsaConfigFile: String? = nil,
                initialBackoff: Duration = .milliseconds(100), maximumBackoff: Duration = .seconds(10),
                bufferTime: Duration = .milliseconds(100), synthesizer: SpeechSynthesizer? = nil,
                logger: Logger = Logger(label: "hallguide.audio"),
                now: @escaping @Sendable () -> Date = { Date() }, timeZone: TimeZone = .current) {
        self.config = config
        self.sampleRate = sampleRate
        self.alsaConfigFile = alsaConfigFile
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.bufferTime = bufferTime
        self.synthesizer = synthesizer
        self.logger = logger
        self.now = now
        self.timeZone = timeZone
        queue = PromptQueue(limit: config.queueLimit)
    }

    /// Starts the player thread, which opens the PCM at once and keeps it open.
    public func start() {
        lock.lock()
        defer { lock.unlock() }
        guard !started else { return }
        started = true
        let thread = Thread { [self] in runPlayer() }
        thread.name = "audio-\(config.name)"
        thread.start()
    }

    /// Stops playback (a playing prompt is cut at the next period), closes the PCM and
    /// returns when the player thread has finished.
    public func shutdown() async {
        requestStop()
        _ = await wait(timeout: .seconds(30)) { output in output.finished || !output.started ? true : nil }
    }

    /// Asks the player thread to stop; `shutdown` also waits for it.
    public func requestStop() {
        lock.lock()
        stopRequested = true
        lock.broadcast()
        lock.unlock()
    }

    /// Queues a clip; returns at once. Below announcement priority, quiet hours suppress it.
    public func enqueue(_ source: PromptSource, label: String, priority: PromptPriority) -> EnqueueResult {
        let enqueuedAt = ContinuousClock.now
        let quiet = priority < .announcement && isQuiet(at: now())
        lock.lock()
        defer { lock.unlock() }
        if quiet {
            counters.suppressed += 1
            notifyLocked()
            return .suppressed
        }
        let ticket = nextTicket
        nextTicket += 1
        let prompt = QueuedPrompt(ticket: ticket, label: label, source: source, priority: priority, enqueuedAt: enqueuedAt)
        record(PromptReport(ticket: ticket, label: label, priority: priority, enqueuedAt: enqueuedAt))
        if let dropped = queue.push(prompt) {
            counters.dropped += 1
            reports[dropped.ticket]?.outcome = .dropped(reason: "queue full (\(queue.limit))")
            if dropped.ticket == ticket {
                notifyLocked()
                return .rejected("queue full of higher-priority prompts")
            }
        }
        lock.signal()
        notifyLocked()
        return .queued(ticket: ticket)
    }

    public func status() -> AudioStatus {
        lock.lock()
        defer { lock.unlock() }
        return statusLocked()
    }

    /// A queued prompt's history (kept for the latest 256 prompts).
    public func report(ticket: UInt64) -> PromptReport? {
        lock.lock()
        defer { lock.unlock() }
        return reports[ticket]
    }

    /// Waits, without polling, until the status satisfies `condition`; nil on timeout.
    public func waitForStatus(timeout: Duration = .seconds(10),
                              until condition: @escaping @Sendable (AudioStatus) -> Bool) async -> AudioStatus? {
        await wait(timeout: timeout) { output in
            let status = output.statusLocked()
            return condition(status) ? status : nil
        }
    }

    /// Waits until a prompt's report satisfies `condition` (its first period written, an
    /// outcome); nil on timeout.
    public func waitForReport(ticket: UInt64, timeout: Duration = .seconds(10),
                              until condition: @escaping @Sendable (PromptReport) -> Bool) async -> PromptReport? {
        await wait(timeout: timeout) { output in
            output.reports[ticket].flatMap { condition($0) ? $0 : nil }
        }
    }

    /// Waits until the prompt has an outcome.
    public func waitUntilFinished(ticket: UInt64, timeout: Duration = .seconds(10)) async -> PromptOutcome? {
        await waitForReport(ticket: ticket, timeout: timeout) { $0.outcome != nil }?.outcome
    }

    // MARK: - Locked state

    func isQuiet(at date: Date) -> Bool {
        config.quietHours?.contains(date, timeZone: timeZone) ?? false
    }

    func statusLocked() -> AudioStatus {
        let shown: AudioOutputState = state == .idle && isQuiet(at: now()) ? .quiet : state
        return AudioStatus(name: config.name, pcm: config.pcm, state: shown, queueDepth: queue.count,
                           playing: playing?.label, counters: counters, lastError: lastError)
    }

    func record(_ report: PromptReport) {
        reports[report.ticket] = report
        if reports.count > Self.reportsKept, let oldest = reports.keys.min() { reports[oldest] = nil }
    }

    /// Re-evaluates every waiter; call after any change, with the lock held.
    func notifyLocked() {
        for (id, tryResume) in waiters where tryResume() {
            waiters[id] = nil
            expirers[id] = nil
            timeouts.removeValue(forKey: id)?.cancel()
        }
    }

    /// The one waiting primitive: `evaluate` runs under the lock now and after every change
    /// until it returns a value; a timeout task resumes with nil.
    private func wait<T: Sendable>(timeout: Duration, _ evaluate: @escaping (AudioOutput) -> T?) async -> T? {
        await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            lock.lock()
            defer { lock.unlock() }
            if let value = evaluate(self) {
                continuation.resume(returning: value)
                return
            }
            let id = nextWaiter
            nextWaiter += 1
            waiters[id] = { [unowned self] in
                guard let value = evaluate(self) else { return false }
                continuation.resume(returning: value)
                return true
            }
            expirers[id] = { continuation.resume(returning: nil) }
            timeouts[id] = Task { [weak self] in
                // Cancelled when the waiter is satisfied first.
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self?.expireWaiter(id)
            }
        }
    }

    private func expireWaiter(_ id: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        waiters[id] = nil
        timeouts[id] = nil
        expirers.removeValue(forKey: id)?()
    }
}
