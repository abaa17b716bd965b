#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex and condition variable whose timed waits run on CLOCK_MONOTONIC (on
/// Linux), so that a wall-clock step neither cuts a wait short nor stretches it. The
/// building block of `ThreadWakeup` and of `TestClock`'s wait for blocked threads; not
/// public: threads wait through `ThreadWakeup`.
final class ThreadCondition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if os(Linux)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    /// With the mutex held.
    func signal() { pthread_cond_signal(condition) }
    func broadcast() { pthread_cond_broadcast(condition) }

    /// With the mutex held: waits for a signal (or a spurious wakeup: callers loop).
    func wait() { pthread_cond_wait(condition, mutex) }

    /// With the mutex held: waits for a signal (or a spurious wakeup) until `deadline` on
    /// the system's monotonic clock. False once the deadline has passed.
    func wait(untilMonotonic deadline: Instant) -> Bool {
        #if os(Linux)
        var at = timespec(tv_sec: Int(deadline.nanoseconds / 1_000_000_000), tv_nsec: Int(deadline.nanoseconds % 1_000_000_000))
        #else
        // Darwin's condition variables time out on the real-time clock: translate.
        let left = deadline - Instant.monotonicNow()
        var real = timeval()
        gettimeofday(&real, nil)
        let end = UInt64(real.tv_sec) * 1_000_000_000 + UInt64(real.tv_usec) * 1000 + UInt64(max(0, left.nanosecondCount))
        var at = timespec(tv_sec: Int(end / 1_000_000_000), tv_nsec: Int(end % 1_000_000_000))
        #endif
        return pthread_cond_timedwait(condition, mutex, &at) != ETIMEDOUT || Instant.monotonicNow() < deadline
    }
}
