import Dispatch
import HallDaemon
import HallTime
import NIOCore
import NIOPosix
import XCTest

/// The health check behind WATCHDOG=1 has a real timeout: a stuck event loop fails it
/// (instead of hanging it), on the check's own clock.
final class HealthCheckTests: XCTestCase {
    func testAStuckEventLoopFailsTheCheckWhenItsTimeoutPasses() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        group.next().execute {
            entered.signal()
            release.wait()
        }
        entered.wait()
        let clock = TestClock()
        let check = Task { await HealthCheck.eventLoopsRespond(within: .seconds(2), group: group, clock: clock) }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(2))
        let stuck = await check.value
        XCTAssertFalse(stuck, "a loop that runs nothing fails the check")
        release.signal()
        let healthy = await HealthCheck.eventLoopsRespond(within: .seconds(10), group: group, clock: clock)
        XCTAssertTrue(healthy, "a loop that answers passes")
        try await group.shutdownGracefully()
    }
}
