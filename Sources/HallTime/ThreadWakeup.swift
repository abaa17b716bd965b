/// Where a thread (not a task) waits: until another thread signals it, or until a deadline
/// passes on a `HallClock`. On the `SystemClock` that is a timed wait on the monotonic
/// clock; on a `TestClock` the thread sleeps until a signal or until `advance` passes the
/// deadline, and a test can wait (`TestClock.waitForBlockedThreads`) until the thread is
/// blocked again, so code on a thread of its own (the query log's writer) runs as
/// deterministically as timers on tasks do.
///
/// A signal sent while nobody waits is kept for the next wait; several signals before a
/// wait count as one (a waiter re-checks its state after waking anyway). One thread waits
/// on a wakeup at a time.
public final class ThreadWakeup: @unchecked Sendable {
    public enum Outcome: Sendable, Hashable {
        case signalled
        case deadlinePassed
    }

    public let clock: any HallClock
    let condition = ThreadCondition()
    // Guarded by `condition`'s mutex:
    /// A signal not yet consumed by a wait.
    var signalled = false
    /// The wait in progress, as a `TestClock` knows it (0: none, or not on a test clock).
    var ticket: UInt64 = 0
    var blockedOn: TestClock?
    /// The test clock passed the deadline of the wait with this ticket.
    var timedOut = false
    /// A thread waits now (one at a time).
    var waiting = false

    public init(clock: any HallClock = SystemClock()) {
        self.clock = clock
    }

    /// Wakes the waiting thread, or the next wait when no thread waits now.
    public func signal() {
        condition.withLock {
            signalled = true
            if ticket != 0, let clock = blockedOn {
                // No longer blocked on the clock: a test waiting for it to block sees it only
                // once it waits again.
                clock.unblock(ticket)
                blockedOn = nil
            }
            condition.signal()
        }
    }

    /// Blocks the calling thread until signalled or until `deadline` passes on the clock
    /// (nil: no deadline). A signal that came before the call returns at once.
    @discardableResult
    public func wait(until deadline: Instant?) -> Outcome {
        clock.block(on: self, until: deadline)
    }

    @discardableResult
    public func wait(for duration: Duration) -> Outcome {
        wait(until: clock.now() + duration)
    }

    /// The wait on the system's monotonic clock (`SystemClock`, and any clock that runs at
    /// the real speed). `deadline` is on CLOCK_MONOTONIC.
    func waitInRealTime(untilMonotonic deadline: Instant?) -> Outcome {
        condition.withLock {
            precondition(!waiting, "one thread waits on a ThreadWakeup at a time")
            waiting = true
            defer { waiting = false }
            while !signalled {
                if let deadline {
                    if !condition.wait(untilMonotonic: deadline), !signalled { return .deadlinePassed }
                } else {
                    condition.wait()
                }
            }
            signalled = false
            return .signalled
        }
    }

    /// The wait on a test clock: registers with `clock` (which wakes it in `advance`) and
    /// sleeps without a timeout of its own.
    func waitOnTestClock(_ clock: TestClock, until deadline: Instant?) -> Outcome {
        condition.withLock {
            precondition(!waiting, "one thread waits on a ThreadWakeup at a time")
            if signalled {
                signalled = false
                return .signalled
            }
            guard let ticket = clock.register(self, until: deadline) else { return .deadlinePassed }
            waiting = true
            self.ticket = ticket
            blockedOn = clock
            timedOut = false
            clock.blockedThreadsChanged()
            while !signalled && !timedOut { condition.wait() }
            waiting = false
            self.ticket = 0
            blockedOn = nil
            timedOut = false
            // Whoever woke it (a signal, or `advance`) took it off the clock's list.
            if signalled {
                signalled = false
                return .signalled
            }
            return .deadlinePassed
        }
    }

    /// From `TestClock.advance`: the deadline of the wait with `ticket` has passed.
    func deadlinePassed(ticket: UInt64) {
        condition.withLock {
            guard self.ticket == ticket else { return }  // that wait already ended
            timedOut = true
            condition.signal()
        }
    }
}
