import Synchronization

/// A count of things that happened (closures changed, a queue snapshot taken), that a
/// test can wait on instead of sleeping: `wait(until: n)` returns once `n` have happened.
public final class EventCount: Sendable {
    private struct State {
        var count = 0
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    public init() {}

    public var count: Int { state.withLock { $0.count } }

    func happened() {
        let due = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.count += 1
            let count = s.count
            defer { s.waiters.removeAll { $0.count <= count } }
            return s.waiters.filter { $0.count <= count }.map(\.continuation)
        }
        for waiter in due { waiter.resume() }
    }

    /// Returns once at least `count` events have happened (at once when they have).
    public func wait(until count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.count >= count { return true }
                s.waiters.append((count, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }
}
