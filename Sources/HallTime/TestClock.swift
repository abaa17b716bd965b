import Foundation
import Synchronization

/// A clock that moves only when a test (or a benchmark) says so. Sleepers wake in deadline
/// order as `advance` passes their deadlines, so timers run deterministically, with no
/// real waiting.
public final class TestClock: HallClock {
    private struct State {
        var now: Instant
        var wall: Date
        var sleepers: [(id: UInt64, deadline: Instant, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextID: UInt64 = 0
        /// Tasks waiting until this many tasks sleep on the clock.
        var sleeperWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state: Mutex<State>

    /// - Parameters:
    ///   - start: the monotonic reading at the start (not zero, so that "never" differs from "at start").
    ///   - wall: the wall-clock reading at the start.
    public init(start: Instant = Instant(nanoseconds: 1_000_000_000_000), wall: Date = Date(timeIntervalSince1970: 1_796_000_000)) {
        state = Mutex(State(now: start, wall: wall))
    }

    public func now() -> Instant { state.withLock { $0.now } }

    public func wallClock() -> Date { state.withLock { $0.wall } }

    /// Moves both clocks forward and wakes every sleeper whose deadline has passed.
    public func advance(by duration: Duration) {
        let woken = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
            s.now = s.now + duration
            s.wall = s.wall.addingTimeInterval(duration.seconds)
            let due = s.sleepers.filter { $0.deadline <= s.now }.sorted { $0.deadline < $1.deadline }
            s.sleepers.removeAll { $0.deadline <= s.now }
            return due.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
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
