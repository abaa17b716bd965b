import Foundation
import HallTime
import Synchronization
import XCTest

/// Threads waiting on the clocks: a timed wait on the system clock, and on a test clock a
/// wait that only `advance` or a signal ends, which a test can see begin.
final class ThreadWakeupTests: XCTestCase {
    /// Runs `body` on a thread of its own; the returned wakeup is signalled when it ends.
    func onThread(_ body: @escaping @Sendable () -> Void) -> ThreadWakeup {
        let done = ThreadWakeup()
        Thread.detachNewThread {
            body()
            done.signal()
        }
        return done
    }

    func testOnTheSystemClockASignalIsKeptAndADeadlinePasses() {
        let wakeup = ThreadWakeup()
        wakeup.signal()
        wakeup.signal()
        XCTAssertEqual(wakeup.wait(until: nil), .signalled, "a signal before the wait is kept")
        XCTAssertEqual(wakeup.wait(until: SystemClock().now()), .deadlinePassed, "two signals are one")
        XCTAssertEqual(wakeup.wait(for: .milliseconds(1)), .deadlinePassed)

        // A thread blocked without a deadline wakes on a signal from another thread.
        let outcome = Mutex<ThreadWakeup.Outcome?>(nil)
        let done = onThread {
            let result = wakeup.wait(until: nil)
            outcome.withLock { $0 = result }
        }
        wakeup.signal()
        XCTAssertEqual(done.wait(for: .seconds(60)), .signalled, "the waiter never woke")
        XCTAssertEqual(outcome.withLock { $0 }, .signalled)
    }

    func testOnATestClockOnlyAdvancePassesTheDeadline() {
        let clock = TestClock()
        let start = clock.now()
        let wakeup = ThreadWakeup(clock: clock)
        let outcome = Mutex<ThreadWakeup.Outcome?>(nil)
        let done = onThread {
            let result = wakeup.wait(for: .seconds(30))
            outcome.withLock { $0 = result }
        }
        XCTAssertTrue(clock.waitForBlockedThreads(1))
        XCTAssertEqual(clock.blockedThreadDeadlines, [start + .seconds(30)])

        clock.advance(by: .seconds(30) - .nanoseconds(1))
        XCTAssertEqual(clock.blockedThreadCount, 1, "not yet due")
        XCTAssertNil(outcome.withLock { $0 })

        clock.advance(by: .nanoseconds(1))
        XCTAssertEqual(clock.blockedThreadCount, 0, "advance takes a woken thread off the list before it returns")
        XCTAssertEqual(done.wait(for: .seconds(60)), .signalled, "the waiter never woke")
        XCTAssertEqual(outcome.withLock { $0 }, .deadlinePassed)
        // A deadline already passed returns at once, without blocking.
        XCTAssertEqual(wakeup.wait(until: start), .deadlinePassed)
    }

    func testOnATestClockASignalEndsTheWaitAndUnblocksAtOnce() {
        let clock = TestClock()
        let wakeup = ThreadWakeup(clock: clock)
        let outcomes = Mutex<[ThreadWakeup.Outcome]>([])
        let go = ThreadWakeup()
        let done = onThread {
            let first = wakeup.wait(until: nil)
            outcomes.withLock { $0.append(first) }
            go.wait(until: nil)
            let second = wakeup.wait(for: .seconds(1))
            outcomes.withLock { $0.append(second) }
        }
        XCTAssertTrue(clock.waitForBlockedThreads(1))
        XCTAssertEqual(clock.blockedThreadDeadlines, [nil])
        wakeup.signal()
        XCTAssertEqual(clock.blockedThreadCount, 0, "signal takes the thread off the list before it returns")
        go.signal()
        // Blocked again, on a deadline this time: the first wait has ended.
        XCTAssertTrue(clock.waitForBlockedThreads(1))
        XCTAssertEqual(outcomes.withLock { $0 }, [.signalled])
        clock.advance(by: .seconds(1))
        XCTAssertEqual(done.wait(for: .seconds(60)), .signalled, "the waiter never woke")
        XCTAssertEqual(outcomes.withLock { $0 }, [.signalled, .deadlinePassed])
    }

    func testWaitingForBlockedThreadsGivesUpAfterItsTimeout() {
        let clock = TestClock()
        XCTAssertFalse(clock.waitForBlockedThreads(1, timeout: .milliseconds(1)))
    }

    func testTheWallClockStepsAlone() {
        let clock = TestClock()
        let now = clock.now()
        let later = clock.wallClock().addingTimeInterval(86_400)
        clock.setWallClock(to: later)
        XCTAssertEqual(clock.wallClock(), later)
        XCTAssertEqual(clock.now(), now)
        clock.advance(to: now + .seconds(2))
        XCTAssertEqual(clock.now(), now + .seconds(2))
        XCTAssertEqual(clock.wallClock(), later.addingTimeInterval(2))
        clock.advance(to: now)
        XCTAssertEqual(clock.now(), now + .seconds(2), "advance(to:) never goes back")
    }
}
