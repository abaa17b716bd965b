#if canImport(Glibc)
import Glibc
#endif

/// Nanoseconds on the monotonic clock: sessions measure timeouts with it.
public enum MonotonicClock {
    @Sendable public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// 16 bytes from the system's cryptographic generator, for challenges.
    public static func nonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
