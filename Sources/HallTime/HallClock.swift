import Foundation

/// Where halld reads the time: the monotonic clock for timeouts and durations, the wall
/// clock for what people read (query log times, opening hours). Injected into every part
/// that needs time, so that a test runs the same code on a `TestClock`.
public protocol HallClock: Sendable {
    /// Now on the monotonic clock.
    func now() -> Instant
    /// Now on the wall clock.
    func wallClock() -> Date
    /// Suspends until `deadline` on this clock (or cancellation).
    func sleep(until deadline: Instant) async throws
    /// Blocks the calling thread until `wakeup` is signalled or `deadline` (nil: none)
    /// passes on this clock. Call `ThreadWakeup.wait(until:)`, which calls this; a clock
    /// that runs at the real speed has nothing to implement (the default waits on the
    /// system's monotonic clock for as long as this clock has left to the deadline).
    func block(on wakeup: ThreadWakeup, until deadline: Instant?) -> ThreadWakeup.Outcome
}

extension HallClock {
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now() + duration)
    }

    public func block(on wakeup: ThreadWakeup, until deadline: Instant?) -> ThreadWakeup.Outcome {
        wakeup.waitInRealTime(untilMonotonic: deadline.map { Instant.monotonicNow() + ($0 - now()) })
    }
}

/// The system's clocks: CLOCK_MONOTONIC and the real time.
public struct SystemClock: HallClock {
    public init() {}

    public func now() -> Instant { Instant.monotonicNow() }

    public func wallClock() -> Date { Date() }

    public func sleep(until deadline: Instant) async throws {
        let left = deadline - now()
        if left > .zero { try await Task.sleep(for: left) }
    }

    public func block(on wakeup: ThreadWakeup, until deadline: Instant?) -> ThreadWakeup.Outcome {
        wakeup.waitInRealTime(untilMonotonic: deadline)
    }
}

/// Fresh random bytes from the system's cryptographic generator: link challenges and
/// client nonces.
public enum Nonce {
    public static func make(count: Int = 16) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}

/// The system's monotonic clock with a wall clock that starts at a chosen moment and runs
/// at real speed from there: for integration tests (and demonstrations) that need halld
/// to live through, say, a Wednesday morning whatever the real day is.
public struct ShiftedClock: HallClock {
    let startDate: Date
    let origin: Instant

    public init(wallClockStartingAt start: Date) {
        startDate = start
        origin = Instant.monotonicNow()
    }

    public func now() -> Instant { Instant.monotonicNow() }

    public func wallClock() -> Date { startDate.addingTimeInterval((now() - origin).seconds) }

    public func sleep(until deadline: Instant) async throws { try await SystemClock().sleep(until: deadline) }
}
