import DeviceSessions
import Foundation
import HallAnswers
import HallModel
import HallTime
import Logging
import ServiceLifecycle
import StatusProtocol
import Synchronization

/// What staff closed, owned by one service: loaded from the closures file at start (the
/// valid entries kept, the others logged with file:line; those whose end has passed
/// dropped), changed by the admin commands, written atomically at every change, and
/// handed to the conversation, which builds its plan (routes that avoid them) then. A
/// timer on the daemon's clock reopens what ends by itself, so that the status, the
/// metrics, the screens (a `live` notice) and the file follow without a question asked.
public final class ClosuresService: Service, Sendable {
    public let path: String
    let store: ClosuresFileStore
    let conversation: ConversationExecutor
    let clock: any HallClock
    let logger: Logger
    /// The timer never sleeps longer than this, so that a wall clock set after halld
    /// started (NTP on a hall PC without a battery clock) is caught up within it.
    let longestWait: Duration
    /// Every change applied (a command, an end reached, a reload dropping some), for tests.
    public let changes = EventCount()

    /// What readers see; set only under `writer`.
    private struct Current {
        var closures = HallClosures()
        var saveError: String?
    }

    /// Held through a whole change (the list, the conversation, the file), so that
    /// changes apply and reach the file in one order.
    private struct Writer {
        var running = false
        var timer: Task<Void, Never>?
    }

    private let current = Mutex(Current())
    private let writer = Mutex(Writer())

    /// Loads the file and applies what it holds; no timer runs before `run`.
    public init(path: String, conversation: ConversationExecutor, clock: any HallClock, logger: Logger,
                longestWait: Duration = .seconds(60)) {
        self.path = path
        store = ClosuresFileStore(path: path)
        self.conversation = conversation
        self.clock = clock
        self.logger = logger
        self.longestWait = longestWait
        let hall = conversation.hall
        let loaded = store.load(map: hall.map)
        let now = clock.wallClock()
        if let error = loaded.error {
            logger.error("closures: \(error); starting with none (the file is replaced at the first change)")
        }
        for problem in loaded.problems { logger.warning("closures: \(problem): left out") }
        if let text = loaded.text {
            do {
                try store.keepRejected(text)
                logger.warning("closures: the file as it was is kept in \(path).rejected")
            } catch {
                logger.error("closures: cannot keep the refused file: \(error)")
            }
        }
        let active = loaded.closures.active(at: now)
        for ended in loaded.closures.closures where !active.closures.contains(ended) {
            logger.info("closures: \(ended.target) ended at \(hall.timetable.timeZone.iso8601(ended.until ?? now)) while halld was stopped")
        }
        writer.withLock { _ in
            current.withLock { $0.closures = active }
            if !active.isEmpty { conversation.setClosures(active) }
            if active != loaded.closures || !loaded.problems.isEmpty { save(active, hall) }
        }
        if loaded.existed { logger.info("closures \(path): \(active.closures.count) in force") }
    }

    public var closures: HallClosures { current.withLock { $0.closures } }
    /// Why the last change could not be written; nil when the file holds it.
    public var saveError: String? { current.withLock { $0.saveError } }

    // MARK: - The admin commands (blocking: they write the file)

    /// Closes a target (or replaces its reason and end); `who` is logged.
    public func close(target: String?, until: String?, reason: String?, reasonEnglish: String?,
                      by who: String) -> Result<StatusResults.ClosureChange, StatusRefusal> {
        writer.withLock { w in
            let hall = conversation.hall, now = clock.wallClock(), zone = hall.timetable.timeZone
            let closure: Closure
            switch ClosureCommands.closure(target: target, until: until, reason: reason, reasonEnglish: reasonEnglish,
                                           map: hall.map, timeZone: zone, now: now) {
            case .success(let made): closure = made
            case .failure(let refusal):
                logger.notice("closures: refused close from \(who): \(refusal)")
                return .failure(refusal)
            }
            var closures = self.closures.active(at: now)
            let replaced = closures.closures.contains { $0.target == closure.target }
            closures.close(closure)
            let saveError = commit(closures, hall, &w)
            let end = closure.until.map { "until \(zone.iso8601($0))" } ?? "until reopened"
            logger.notice("closures: \(closure.target) closed \(end) (\(LogText.escaped(closure.reason ?? "no reason given"))) by \(who)\(replaced ? ", replacing its earlier closure" : "")")
            return .success(.init(closure: ClosureCommands.entry(closure, timeZone: zone), replaced: replaced,
                                  now: zone.iso8601(now), saved: saveError == nil, saveError: saveError))
        }
    }

    /// Reopens a target closed by a closure of its own.
    public func reopen(target: String?, by who: String) -> Result<StatusResults.ClosureChange, StatusRefusal> {
        writer.withLock { w in
            let hall = conversation.hall, now = clock.wallClock(), zone = hall.timetable.timeZone
            var closures = self.closures.active(at: now)
            let closure: Closure
            switch ClosureCommands.reopen(target, in: closures, map: hall.map) {
            case .success(let found): closure = found
            case .failure(let refusal):
                logger.notice("closures: refused open from \(who): \(refusal)")
                return .failure(refusal)
            }
            closures.reopen(closure.target)
            let saveError = commit(closures, hall, &w)
            logger.notice("closures: \(closure.target) reopened by \(who)")
            return .success(.init(closure: ClosureCommands.entry(closure, timeZone: zone), replaced: false,
                                  now: zone.iso8601(now), saved: saveError == nil, saveError: saveError))
        }
    }

    /// The `closures` command's result.
    public func list() -> StatusResults.Closures {
        let zone = conversation.hall.timetable.timeZone, now = clock.wallClock()
        let (closures, error) = current.withLock { ($0.closures.active(at: now), $0.saveError) }
        return .init(closures: closures.closures.map { ClosureCommands.entry($0, timeZone: zone) }, now: zone.iso8601(now),
                     timeZone: zone.identifier, file: path, saveError: error)
    }

    // MARK: - Changes without a command

    /// After a reload: closures the new map no longer has (a window renumbered away) are
    /// dropped, each logged. The conversation has rebuilt its plan for the new hall already.
    public func hallReplaced() {
        writer.withLock { w in
            let hall = conversation.hall, zone = hall.timetable.timeZone
            var kept = HallClosures()
            for closure in closures.closures {
                let problems = ClosuresFile.read(text: ClosuresFile.encode(HallClosures([closure]), timeZone: zone),
                                                 file: path, map: hall.map).problems
                if problems.isEmpty { kept.close(closure) }
                for problem in problems {
                    logger.warning("closures: after the reload \(closure.target) no longer fits the map (\(problem.message)): dropped")
                }
            }
            guard kept != closures else { return }
            _ = commit(kept, hall, &w)
        }
    }

    /// Drops what has ended, then arms the timer for the next end.
    func expireDue() {
        writer.withLock { w in
            let hall = conversation.hall, now = clock.wallClock()
            let closures = self.closures, active = closures.active(at: now)
            guard active != closures else { return arm(&w) }
            for ended in closures.closures where !active.closures.contains(ended) {
                logger.notice("closures: \(ended.target) reopened by itself (closed until \(hall.timetable.timeZone.iso8601(ended.until ?? now)))")
            }
            _ = commit(active, hall, &w)
        }
    }

    /// With `writer` held: the list, the conversation (its plan, a `live` notice to the
    /// screens), the file, the timer. The save error, if any.
    private func commit(_ closures: HallClosures, _ hall: Hall, _ w: inout Writer) -> String? {
        current.withLock { $0.closures = closures }
        conversation.setClosures(closures)
        let error = save(closures, hall)
        arm(&w)
        changes.happened()
        return error
    }

    @discardableResult
    private func save(_ closures: HallClosures, _ hall: Hall) -> String? {
        var failure: String?
        do {
            try store.save(closures, timeZone: hall.timetable.timeZone)
        } catch {
            failure = error.description
            logger.error("closures: \(error): the change holds until halld restarts")
        }
        current.withLock { $0.saveError = failure }
        return failure
    }

    /// With `writer` held: one timer, for the next end (at most `longestWait` away).
    private func arm(_ w: inout Writer) {
        w.timer?.cancel()
        w.timer = nil
        let now = clock.wallClock()
        guard w.running, let next = closures.nextEnd(after: now) else { return }
        let wait = min(longestWait, .milliseconds(Int64((next.timeIntervalSince(now) * 1000).rounded(.up))))
        w.timer = Task { [self, clock] in
            do { try await clock.sleep(for: wait) } catch { return }
            // It writes and fsyncs the file: on a thread of its own, not a cooperative one.
            Thread.detachNewThread { [self] in expireDue() }
        }
    }

    public func run() async throws {
        writer.withLock { $0.running = true }
        expireDue()
        try? await gracefulShutdown()
        writer.withLock { w in
            w.running = false
            w.timer?.cancel()
            w.timer = nil
        }
    }
}
