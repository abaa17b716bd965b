import Synchronization

/// Refused authentications, shared by every link: a device id or peer that keeps failing
/// is locked out for a growing time, and refusals are logged at most once per interval
/// each, so a misconfigured or hostile device can neither brute-force keys nor flood logs.
public final class AuthGuard: Sendable {
    struct Record {
        var failures = 0
        var lockedUntil: UInt64 = 0
        var lastLogged: UInt64 = 0
        var suppressedLogs = 0
    }

    private let records = Mutex<[String: Record]>([:])
    let baseLockoutNanoseconds: UInt64
    let maxLockoutNanoseconds: UInt64
    let logIntervalNanoseconds: UInt64
    /// Bound on remembered peers: the oldest half is forgotten beyond it.
    let capacity: Int

    public init(baseLockoutNanoseconds: UInt64 = 1_000_000_000, maxLockoutNanoseconds: UInt64 = 60_000_000_000,
                logIntervalNanoseconds: UInt64 = 10_000_000_000, capacity: Int = 4096) {
        self.baseLockoutNanoseconds = baseLockoutNanoseconds
        self.maxLockoutNanoseconds = maxLockoutNanoseconds
        self.logIntervalNanoseconds = logIntervalNanoseconds
        self.capacity = capacity
    }

    public func isLockedOut(_ key: String, now: UInt64) -> Bool {
        records.withLock { $0[key].map { now < $0.lockedUntil } ?? false }
    }

    /// Records a failure; returns how many refusals to report now (0: stay quiet).
    public func recordFailure(_ key: String, now: UInt64) -> Int {
        records.withLock { all in
            if all.count >= capacity, all[key] == nil {
                for stale in all.keys.prefix(capacity / 2) { all[stale] = nil }
            }
            var r = all[key] ?? Record()
            r.failures += 1
            let shift = UInt64(min(r.failures - 1, 20))
            r.lockedUntil = now + min(maxLockoutNanoseconds, baseLockoutNanoseconds << shift)
            var report = 0
            if now >= r.lastLogged + logIntervalNanoseconds || r.lastLogged == 0 {
                report = r.suppressedLogs + 1
                r.suppressedLogs = 0
                r.lastLogged = now
            } else {
                r.suppressedLogs += 1
            }
            all[key] = r
            return report
        }
    }

    public func recordSuccess(_ key: String) {
        _ = records.withLock { $0.removeValue(forKey: key) }
    }
}
