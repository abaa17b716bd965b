#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point on halld's monotonic clock, in nanoseconds from an arbitrary origin. The one
/// time type of the pure parts (sessions, the conversation, the lead workflow): they are
/// handed `now` and never read a clock themselves, so tests drive them with a `TestClock`.
public struct Instant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static let zero = Instant(nanoseconds: 0)

    public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }

    /// Saturates at the origin: an instant before the clock started is the origin.
    public static func + (a: Instant, d: Duration) -> Instant {
        let n = d.nanosecondCount
        if n >= 0 { return Instant(nanoseconds: a.nanoseconds &+ UInt64(n)) }
        let back = UInt64(-n)
        return Instant(nanoseconds: a.nanoseconds > back ? a.nanoseconds - back : 0)
    }

    public static func - (a: Instant, d: Duration) -> Instant { a + (.zero - d) }

    public static func += (a: inout Instant, d: Duration) { a = a + d }

    /// How long from `b` to `a`; negative when `a` is earlier.
    public static func - (a: Instant, b: Instant) -> Duration {
        a >= b ? .nanoseconds(Int64(clamping: a.nanoseconds - b.nanoseconds))
            : .zero - .nanoseconds(Int64(clamping: b.nanoseconds - a.nanoseconds))
    }

    public var description: String { "\(nanoseconds / 1_000_000) ms" }

    /// The system's monotonic clock (CLOCK_MONOTONIC), for the edges that read the time.
    public static func monotonicNow() -> Instant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Instant(nanoseconds: UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec))
    }
}

extension Duration {
    /// Whole nanoseconds (rounded towards zero), clamped to Int64.
    public var nanosecondCount: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000).overflow ? (seconds < 0 ? .min : .max)
            : scaled + attoseconds / 1_000_000_000
    }

    /// Seconds as a floating-point number, for logs and status.
    public var seconds: Double {
        let (s, a) = components
        return Double(s) + Double(a) / 1e18
    }
}
