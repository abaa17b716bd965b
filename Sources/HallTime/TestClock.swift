import Foundation
import Synchronization

/// A clock that moves only when a test (or a benchmark) says so. Sleepers wake in deadline
/// order as `advance` passes their deadlines, so timers run deterministically, with no
/// real waiting.
///
/// Threads wait on it too, through `ThreadWakeup`: such a thread sleeps until it is
/// signalled or `advance` passes its deadline, and a test waits with
/// `waitForBlockedThreads` until the thread has done what it was woken for and is blocked
/// again (a thread at rest), instead of polling its state.
public final class TestClock: HallClock {
    private struct State {
        var now: Instant
        var wall: Date
        var sleepers: [(id: UInt64, deadline: Instant, continuation: CheckedContinuation<Void, any Error>)] = []
        /// Threads blocked in a `ThreadWakeup` wait, in the order they blocked.
        var blocked: [(ticket: UInt64, deadline: Instant?, wakeup: ThreadWakeup)] = []
        var nextID: UInt64 = 0
        /// Tasks waiting until this many tasks sleep on the clock.
        var sleeperWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state: Mutex<State>
    /// The two readings, also outside the lock (written under it): halld reads the clock
    /// several times per frame, and the pipeline benchmark, on this clock, should not time a
    /// lock for each where halld's own clock is a vDSO read.
    private let nowReading: Atomic<UInt64>
    private let wallReading: Atomic<UInt64>
    /// Broadcast whenever `blocked` changes, for `waitForBlockedThreads`.
    private let blockedChanged = ThreadCondition()

    /// - Parameters:
    ///   - start: the monotonic reading at the start (not zero, so that "never" differs from "at start").
    ///   - wall: the wall-clock reading at the start; by default Wednesday 2 December 2026,
    ///     10:00 in China (UTC+8), when a government service hall is open.
    public init(start: Instant = Instant(nanoseconds: 1_000_000_000_000), wall: Date = Date(timeIntervalSince1970: 1_796_176_800)) {
        state = Mutex(State(now: start, wall: wall))
        nowReading = Atomic(start.nanoseconds)
        wallReading = Atomic(wall.timeIntervalSince1970.bitPattern)
    }

    public func now() -> Instant { Instant(nanoseconds: nowReading.load(ordering: .acquiring)) }

    public func wallClock() -> Date {
        Date(timeIntervalSince1970: Double(bitPattern: wallReading.load(ordering: .acquiring)))
    }

    /// Moves both clocks forward and wakes every sleeper, task or thread, whose deadline
    /// has passed. A woken thread is off the blocked list when this returns.
    public func advance(by duration: Duration) {
        let (woken, threads) = state.withLock { s -> ([CheckedContinuation<Void, any Error>], [(UInt64, ThreadWakeup)]) in
            s.now = s.now + duration
            s.wall = s.wall.addingTimeInterval(duration.seconds)
            nowReading.store(s.now.nanoseconds, ordering: .releasing)
            wallReading.store(s.wall.timeIntervalSince1970.bitPattern, ordering: .releasing)
            let due = s.sleepers.filter { $0.deadline <= s.now }.sorted { $0.deadline < $1.deadline }
            s.sleepers.removeAll { $0.deadline <= s.now }
            let now = s.now
            let dueThreads = s.blocked.filter { $0.deadline.map { $0 <= now } ?? false }
                .sorted { $0.deadline! < $1.deadline! }
            s.blocked.removeAll { $0.deadline.map { $0 <= now } ?? false }
            return (due.map(\.continuation), dueThreads.map { ($0.ticket, $0.wakeup) })
        }
        for continuation in woken { continuation.resume() }
        for (ticket, wakeup) in threads { wakeup.deadlinePassed(ticket: ticket) }
        if !threads.isEmpty { blockedThreadsChanged() }
    }

    /// Moves the clocks forward to `instant` (nothing when it is not later than now).
    public func advance(to instant: Instant) {
        let left = instant - now()
        if left > .zero { advance(by: left) }
    }

    /// Sets the wall clock alone, as an NTP step or an operator would: the monotonic clock
    /// does not move and nobody wakes.
    public func setWallClock(to date: Date) {
        state.withLock {
            $0.wall = date
            wallReading.store(date.timeIntervalSince1970.bitPattern, ordering: .releasing)
        }
    }

    // MARK: - Threads

    public func block(on wakeup: ThreadWakeup, until deadline: Instant?) -> ThreadWakeup.Outcome {
        wakeup.waitOnTestClock(self, until: deadline)
    }

    /// How many threads are blocked on this clock now, waiting for a signal or a deadline.
    public var blockedThreadCount: Int { state.withLock { $0.blocked.count } }

    /// The deadlines of the blocked threads, in the order they blocked (nil: no deadline).
    public var blockedThreadDeadlines: [Instant?] { state.withLock { $0.blocked.map(\.deadline) } }

    /// Waits until at least `count` threads are blocked on this clock: a thread that was
    /// signalled or whose deadline passed counts again only once it has done its work and
    /// waits anew. `timeout` (real time) only keeps a broken test from hanging; false when
    /// it ran out.
    @discardableResult
    public func waitForBlockedThreads(_ count: Int = 1, timeout: Duration = .seconds(60)) -> Bool {
        let end = Instant.monotonicNow() + timeout
        return blockedChanged.withLock {
            while blockedThreadCount < count {
                if !blockedChanged.wait(untilMonotonic: end) { return blockedThreadCount >= count }
            }
            return true
        }
    }

    /// Puts a waiting thread on the list; nil when its deadline has already passed.
    func register(_ wakeup: ThreadWakeup, until deadline: Instant?) -> UInt64? {
        state.withLock { s -> UInt64? in
            if let deadline, deadline <= s.now { return nil }
            s.nextID += 1
            s.blocked.append((s.nextID, deadline, wakeup))
            return s.nextID
        }
    }

    /// A blocked thread was signalled.
    func unblock(_ ticket: UInt64) {
        state.withLock { s in s.blocked.removeAll { $0.ticket == ticket } }
        blockedThreadsChanged()
    }

    func blockedThreadsChanged() {
        blockedChanged.withLock { blockedChanged.broadcast() }
    }

    /// How many tasks are sleeping on this clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// Returns once at least `count` tasks sleep on this clock: a test waits until the
    /// timer it is about to run out is armed, instead of guessing.
    public func waitForSleepers(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s -> Bool in
                if s.sleepers.count >= count { return true }
                s.sleeperWaiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    public func sleep(until deadline: Instant) async throws {
        let id = state.withLock { s -> UInt64 in s.nextID += 1; return s.nextID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (resumeNow, armed) = state.withLock { s -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if deadline <= s.now || Task.isCancelled { return (true, []) }
                    s.sleepers.append((id, deadline, continuation))
                    let count = s.sleepers.count
                    let armed = s.sleeperWaiters.filter { $0.count <= count }.map(\.continuation)
                    s.sleeperWaiters.removeAll { $0.count <= count }
                    return (false, armed)
                }
                for waiter in armed { waiter.resume() }
                if resumeNow {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
            }
        } onCancel: {
            let cancelled = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                guard let index = s.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.sleepers.remove(at: index).continuation
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }
}
