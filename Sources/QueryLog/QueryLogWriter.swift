import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import HallTime
import Logging
import Synchronization

/// Writes the query log: SQLite through GRDB, WAL journal, `synchronous = FULL`, group
/// commit on a thread of its own.
///
/// `record(_:)` is for the answer path: it takes the mutex for an append (and wakes the
/// writer when the first record arrives or a batch is full), nothing else. The writer
/// thread redacts and normalises the text, then commits everything waiting in one
/// transaction once the oldest waiting record is `flushInterval` old (50 ms by default) or
/// `batchSize` records (256) wait, whichever comes first. A commit returns only when
/// SQLite has fsynced the WAL, so what `committed` counts survives a crash of the process
/// and a power loss; what a crash can lose is what was not committed yet: at most one
/// flush interval of answers (plus, with a stuck disk, what waits for it).
///
/// At most `bufferLimit` records wait (20,000): when the disk is stuck, the oldest are
/// dropped and counted, never unbounded growth. A failed write is logged and counted; its
/// batch goes back in front and is retried after a backoff (the flush interval doubling
/// to 5 s). Retention (older than `retentionDays`, beyond `maxRecords`, oldest first) runs
/// on the same thread when the log opens and every `retentionInterval` after.
///
/// Every time the writer uses comes from `Configuration.clock`: the flush interval, the
/// retry backoff, the wait for a locked database (`busyTimeout`), the retention schedule,
/// the wall-clock time retention cuts off at, and the timeouts of `flush` and `close`. Its
/// thread sleeps in a `ThreadWakeup` on that clock, so on a `TestClock` a test moves time
/// itself and waits (`TestClock.waitForBlockedThreads`) until the writer is at rest again.
public final class QueryLogWriter: Sendable {
    public struct Configuration: Sendable {
        public var path: String
        public var retentionDays: Int
        public var maxRecords: Int
        public var flushInterval: Duration
        public var batchSize: Int
        public var bufferLimit: Int
        public var retentionInterval: Duration
        /// How long a write waits for a lock held by another connection before it counts
        /// as failed (and is retried).
        public var busyTimeout: Duration
        /// Where every interval, deadline and timeout above is measured, and the wall clock
        /// retention cuts off at (tests pass a `TestClock`).
        public var clock: any HallClock

        public init(path: String, retentionDays: Int = 90, maxRecords: Int = 2_000_000,
                    flushInterval: Duration = .milliseconds(50), batchSize: Int = 256, bufferLimit: Int = 20_000,
                    retentionInterval: Duration = .seconds(3600), busyTimeout: Duration = .seconds(5),
                    clock: any HallClock = SystemClock()) {
            self.path = path
            self.retentionDays = retentionDays
            self.maxRecords = maxRecords
            self.flushInterval = flushInterval
            self.batchSize = batchSize
            self.bufferLimit = bufferLimit
            self.retentionInterval = retentionInterval
            self.busyTimeout = busyTimeout
            self.clock = clock
        }
    }

    /// What the status socket shows. Sequence numbers count records since the log opened.
    public struct Counters: Sendable, Hashable, Codable {
        /// Accepted by `record(_:)`.
        public var recorded: UInt64 = 0
        /// In the database, fsynced.
        public var committed: UInt64 = 0
        /// Never written: pushed out of a full buffer, or refused after close.
        public var dropped: UInt64 = 0
        /// Transactions that failed (each is retried).
        public var failedWrites: UInt64 = 0
        /// Transactions committed (group commits).
        public var batches: UInt64 = 0
        /// Waiting for the writer now.
        public var pending: Int = 0
        /// The highest sequence number committed: every record up to it is in the database
        /// or counted in `dropped`.
        public var lastCommittedSequence: UInt64 = 0
        /// Rows deleted by retention, and the retention passes run.
        public var pruned: UInt64 = 0
        public var retentionPasses: UInt64 = 0

        public init() {}
    }

    struct State {
        var pending: PendingRecords
        var nextSequence: UInt64 = 1
        var counters = Counters()
        /// The sequence numbers being written now.
        var inFlight: ClosedRange<UInt64>?
        /// Commit at once while a record up to this sequence waits (flush and close).
        var flushTarget: UInt64 = 0
        var closed = false
        /// The writer thread has stopped (after `close`).
        var finished = false
        /// Threads in `flush` or `close`, woken whenever the writer has committed, caught
        /// up or finished.
        var waiters: [ThreadWakeup] = []
        /// The writer thread, once it runs (its priority is raised from other threads).
        var writerThread: pthread_t?
        /// Since when (on the clock) the oldest waiting record waits.
        var waitingSince = Instant.zero
        /// The writer runs at normal priority until it has caught up.
        var escalated = false

        /// Everything up to `sequence` is committed or dropped.
        func isSettled(_ sequence: UInt64) -> Bool {
            (pending.oldestSequence ?? .max) > sequence && (inFlight.map { $0.lowerBound > sequence } ?? true)
        }
    }

    public let configuration: Configuration
    public var path: String { configuration.path }
    private let state: Mutex<State>
    /// Where the writer thread sleeps: signalled when there is work (a first record, a full
    /// batch, a flush, a close), else until its next deadline on the clock.
    private let wake: ThreadWakeup
    private let database: DatabaseQueue
    private let normalize: @Sendable (String) -> String
    private let logger: Logger

    /// Opens (or creates) the log and starts the writer thread.
    /// - Parameter normalize: the hall's normaliser (`hall.matcher.normalize`), called on
    ///   the writer thread.
    public init(configuration: Configuration, normalize: @escaping @Sendable (String) -> String,
                logger: Logger = Logger(label: "hallguide.querylog")) throws {
        precondition(configuration.batchSize > 0 && configuration.bufferLimit > 0)
        self.configuration = configuration
        self.normalize = normalize
        self.logger = logger
        let directory = (configuration.path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var databaseConfiguration = QueryLogSchema.writerConfiguration(busyTimeout: configuration.busyTimeout)
        // The wait for a lock another connection holds, on the writer's clock rather than
        // SQLite's own busy timeout (which sleeps in real time).
        let busy = BusyWait(clock: configuration.clock, timeout: configuration.busyTimeout)
        databaseConfiguration.busyMode = .callback { tries in busy.shouldRetry(tries: tries) }
        database = try DatabaseQueue(path: configuration.path, configuration: databaseConfiguration)
        try QueryLogSchema.migrator.migrate(database)
        wake = ThreadWakeup(clock: configuration.clock)
        state = Mutex(State(pending: PendingRecords(limit: configuration.bufferLimit)))
        let thread = Thread { [self] in run() }
        thread.name = "querylog-writer"
        thread.start()
    }

    /// Queues one answered question. Never blocks on the disk; `record.text` is the
    /// question as received (the writer redacts and normalises it).
    public func record(_ record: QueryRecord) {
        let batchSize = configuration.batchSize
        let now = configuration.clock.now()
        let wakeWriter = state.withLock { s -> Bool in
            guard !s.closed else {
                s.counters.dropped += 1
                return false
            }
            let sequence = s.nextSequence
            s.nextSequence += 1
            s.counters.recorded += 1
            s.counters.dropped += UInt64(s.pending.append(.init(sequence: sequence, record: record)))
            if s.pending.count == 1 { s.waitingSince = now }
            if !s.escalated, now - s.waitingSince > escalateAfter { escalate(&s) }
            // The writer sleeps until a first record arrives, then until the batch is due.
            return s.pending.count == 1 || s.pending.count == batchSize
        }
        if wakeWriter { wake.signal() }
    }

    public var counters: Counters {
        state.withLock { s in
            var c = s.counters
            c.pending = s.pending.count + (s.inFlight.map { $0.count } ?? 0)
            return c
        }
    }

    /// Records the writer holds now: taken for the commit in progress.
    var isWriting: Bool { state.withLock { $0.inFlight != nil } }

    /// Waits until everything recorded so far is committed (or dropped). False when the
    /// timeout (on the clock) passed first: a stuck disk.
    @discardableResult
    public func flush(timeout: Duration = .seconds(10)) -> Bool {
        let deadline = configuration.clock.now() + timeout
        let target = state.withLock { s -> UInt64 in
            s.flushTarget = max(s.flushTarget, s.nextSequence - 1)
            escalate(&s)  // someone waits for it
            return s.nextSequence - 1
        }
        wake.signal()
        return waitUntil(deadline) { $0.isSettled(target) }
    }

    /// Flushes, stops the writer thread and closes the database. Records arriving after
    /// this are dropped (and counted). False when the writer did not finish in time.
    @discardableResult
    public func close(timeout: Duration = .seconds(10)) -> Bool {
        let deadline = configuration.clock.now() + timeout
        let wasClosed = state.withLock { s -> Bool in
            defer { s.closed = true; s.flushTarget = .max }
            escalate(&s)
            return s.closed
        }
        wake.signal()
        guard !wasClosed else { return true }
        guard waitUntil(deadline, { $0.finished }) else {
            logger.error("query log: the writer did not finish within \(timeout); \(counters.pending) records not written")
            return false
        }
        do {
            try database.close()
        } catch {
            logger.error("query log: closing \(path): \(error)")
        }
        return true
    }

    /// `close` from async code, without blocking a Swift concurrency thread.
    @discardableResult
    public func shutdown(timeout: Duration = .seconds(10)) async -> Bool {
        await offThread { self.close(timeout: timeout) }
    }

    private func offThread(_ body: @escaping @Sendable () -> Bool) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }

    /// Blocks the calling thread until `done` holds for the writer's state, or until
    /// `deadline` on the clock. False when the deadline came first.
    private func waitUntil(_ deadline: Instant, _ done: (State) -> Bool) -> Bool {
        let signal = ThreadWakeup(clock: configuration.clock)
        while true {
            let reached = state.withLock { s -> Bool in
                if done(s) { return true }
                s.waiters.append(signal)
                return false
            }
            if reached { return true }
            if signal.wait(until: deadline) == .deadlinePassed {
                return state.withLock { s in
                    s.waiters.removeAll { $0 === signal }
                    return done(s)
                }
            }
        }
    }

    // MARK: - The writer thread

    private func run() {
        // The log is background work: SCHED_IDLE (Linux's "only when nothing else wants
        // this CPU"; pid 0 is the calling thread), so an event loop answering a device is
        // never kept waiting behind it. When records wait past `escalateAfter`
        // (a saturated CPU), or someone flushes or closes, it runs at normal priority
        // until it has caught up, so the crash-loss bound holds.
        Self.lowerOwnPriority()
        state.withLock { $0.writerThread = pthread_self() }
        let clock = configuration.clock
        let interval = configuration.flushInterval
        var nextPrune = clock.now()
        var retryAt: Instant?
        var backoff = interval
        defer {
            state.withLock { $0.finished = true }
            notifyWaiters()
        }
        while true {
            if clock.now() >= nextPrune {
                // Again at once while rows are due, in a minute after a failure.
                nextPrune = switch prune() {
                case .more: clock.now()
                case .done: clock.now() + configuration.retentionInterval
                case .failed: clock.now() + min(configuration.retentionInterval, .seconds(60))
                }
            }
            let (count, closed, flushNow, waitingSince) = state.withLock { s in
                (s.pending.count, s.closed, (s.pending.oldestSequence ?? .max) <= s.flushTarget, s.waitingSince)
            }
            if count == 0 {
                notifyWaiters()
                if closed { return }
                // Caught up: back to idle priority (under the lock, so that a raise from
                // record() cannot slip in between).
                state.withLock { s in
                    if s.escalated && s.pending.count == 0 {
                        Self.lowerOwnPriority()
                        s.escalated = false
                    }
                }
                wake.wait(until: nextPrune)
                continue
            }
            // Due once the oldest waiting record is a flush interval old.
            let due = waitingSince + interval
            let urgent = closed || flushNow || count >= configuration.batchSize
            let now = clock.now()
            if let retry = retryAt, now < retry, !closed {
                wake.wait(until: min(retry, nextPrune))
                continue
            }
            if !urgent && now < due {
                wake.wait(until: min(due, nextPrune))
                continue
            }
            if commitPending() {
                retryAt = nil
                backoff = interval
            } else if closed {
                // Closing with a failing disk: give up on what waits, counted as dropped.
                let lost = state.withLock { s in
                    let lost = s.pending.takeAll().count
                    s.counters.dropped += UInt64(lost)
                    return lost
                }
                logger.error("query log: closing with \(lost) records that could not be written")
            } else {
                retryAt = clock.now() + backoff
                backoff = min(backoff * 2, .seconds(5))
            }
            notifyWaiters()
        }
    }

    /// Takes everything waiting and commits it in one transaction. True on success; on
    /// failure the batch goes back in front (its text already prepared).
    private func commitPending() -> Bool {
        var batch = state.withLock { s -> [PendingRecords.Item] in
            let batch = s.pending.takeAll()
            if let first = batch.first, let last = batch.last { s.inFlight = first.sequence...last.sequence }
            return batch
        }
        guard let last = batch.last else { return true }
        for i in batch.indices where !batch[i].prepared {
            batch[i].record.text = StoredText.make(batch[i].record.text, normalize: normalize)
            batch[i].prepared = true
        }
        do {
            try database.write { db in
                for item in batch { try QueryLogSchema.insert(item.record, db) }
            }
            state.withLock { s in
                s.counters.committed += UInt64(batch.count)
                s.counters.batches += 1
                s.counters.lastCommittedSequence = last.sequence
                s.inFlight = nil
            }
            return true
        } catch {
            let (failures, dropped) = state.withLock { s -> (UInt64, Int) in
                s.counters.failedWrites += 1
                let dropped = s.pending.putBack(batch)
                s.counters.dropped += UInt64(dropped)
                s.inFlight = nil
                return (s.counters.failedWrites, dropped)
            }
            logger.error("query log: cannot write \(batch.count) records to \(path) (failure \(failures)\(dropped > 0 ? ", \(dropped) oldest dropped" : "")): \(error)")
            return false
        }
    }

    enum PruneResult { case done, more, failed }

    /// One retention pass, at most 50,000 rows of each kind, so that commits go on between.
    private func prune() -> PruneResult {
        let limit = 50_000
        let cutoff = configuration.clock.wallClock().addingTimeInterval(-Double(configuration.retentionDays) * 86_400)
        do {
            let deleted = try database.write { db in
                try QueryLogSchema.prune(olderThan: cutoff, maxRecords: configuration.maxRecords, limit: limit, db)
            }
            state.withLock { $0.counters.pruned += UInt64(deleted); $0.counters.retentionPasses += 1 }
            if deleted > 0 {
                logger.info("query log: retention deleted \(deleted) records (older than \(configuration.retentionDays) days or beyond \(configuration.maxRecords))")
            }
            return deleted >= limit ? .more : .done
        } catch {
            logger.error("query log: retention on \(path) failed: \(error)")
            return .failed
        }
    }

    /// The writer connection's journal mode and `synchronous` level (2 is FULL).
    func pragmas() throws -> (journalMode: String, synchronous: Int) {
        try database.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "", try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
        }
    }

    private func notifyWaiters() {
        let waiters = state.withLock { s in
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.signal() }
    }
}

/// How a write waits for a lock another connection holds (SQLite's busy handler): like
/// SQLite's own busy timeout, tries again after 1, 2, 5 … 100 ms until `timeout` has passed
/// since the first try, then lets the write fail with SQLITE_BUSY (counted and retried by
/// the writer). The waits are on the writer's clock.
final class BusyWait: Sendable {
    static let delays: [Duration] = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100].map { .milliseconds($0) }

    let clock: any HallClock
    let timeout: Duration
    /// When the current wait for the lock began. One connection, one statement at a time.
    private let since = Mutex(Instant.zero)
    /// Never signalled: the handler sleeps on it until its deadline.
    private let pause: ThreadWakeup

    init(clock: any HallClock, timeout: Duration) {
        self.clock = clock
        self.timeout = timeout
        pause = ThreadWakeup(clock: clock)
    }

    /// SQLite calls this with `tries` 0, 1, 2… while the lock is held; false gives up.
    func shouldRetry(tries: Int) -> Bool {
        let now = clock.now()
        if tries == 0 { since.withLock { $0 = now } }
        let waited = now - since.withLock { $0 }
        guard waited < timeout else { return false }
        let delay = min(Self.delays[min(tries, Self.delays.count - 1)], timeout - waited)
        pause.wait(until: now + delay)
        return true
    }
}
