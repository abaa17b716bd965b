import Synchronization

/// READY=1 waits for every listener to be bound: each service that has to bind says so
/// here, and whoever waits (the systemd service, a test) is let through once all have,
/// or gets the first start-up failure.
public final class StartupGate: Sendable {
    private struct State {
        var waitingFor: Set<String>
        var failure: (any Error)?
        var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state: Mutex<State>

    public init(expecting names: Set<String>) { state = Mutex(State(waitingFor: names)) }

    /// A service is up.
    public func ready(_ name: String) {
        let release = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
            s.waitingFor.remove(name)
            guard s.waitingFor.isEmpty, s.failure == nil else { return [] }
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for waiter in release { waiter.resume() }
    }

    /// Start-up failed: every waiter learns why.
    public func fail(_ error: any Error) {
        let release = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
            if s.failure == nil { s.failure = error }
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for waiter in release { waiter.resume(throwing: error) }
    }

    /// Fails the gate and hands the error back, for `throw gate.failed(error)`.
    public func failed<E: Error>(_ error: E) -> E {
        fail(error)
        return error
    }

    /// Returns once every service is up; throws the start-up failure, or on cancellation.
    public func wait() async throws {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { s -> Result<Void, any Error>? in
                    if let failure = s.failure { return .failure(failure) }
                    if s.waitingFor.isEmpty { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    s.waiters[id] = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }
}

/// Why halld could not start a part of itself.
public struct StartupError: Error, CustomStringConvertible {
    public var part: String
    public var address: String
    public var reason: String

    public init(part: String, address: String, underlying: any Error) {
        self.part = part
        self.address = address
        reason = "\(underlying)"
    }

    public var description: String { "cannot start \(part) on \(address): \(reason)" }
}
