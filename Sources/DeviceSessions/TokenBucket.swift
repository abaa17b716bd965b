import HallTime

/// A query rate limit: `capacity` at once, refilled at one token per `refill`.
struct TokenBucket: Sendable {
    let capacity: Double
    let refillNanoseconds: Double
    private var tokens: Double
    private var updated: Instant

    init(capacity: Int, refill: Duration, now: Instant) {
        self.capacity = Double(capacity)
        refillNanoseconds = Double(max(1, refill.nanosecondCount))
        tokens = Double(capacity)
        updated = now
    }

    /// Takes a token if there is one.
    mutating func take(now: Instant) -> Bool {
        if now > updated {
            tokens = min(capacity, tokens + Double(now.nanoseconds - updated.nanoseconds) / refillNanoseconds)
            updated = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// Remembers the last sequences acted on, so a retransmitted frame is re-acked but not
/// acted on twice (PROTOCOL.md §7.3).
struct DuplicateFilter: Sendable {
    /// nil: an empty slot (every UInt16 is a possible sequence, so none can mark "empty").
    private var recent: [UInt16?]
    private var next = 0

    init(window: Int = 32) { recent = .init(repeating: nil, count: window) }

    /// True when `sequence` is among the last `window` remembered; otherwise remembers it.
    mutating func isDuplicate(_ sequence: UInt16) -> Bool {
        if recent.contains(sequence) { return true }
        recent[next] = sequence
        next = (next + 1) % recent.count
        return false
    }

    /// Forgets a sequence, so a retransmit of a refused frame is judged again.
    mutating func forget(_ sequence: UInt16) {
        if let i = recent.firstIndex(of: sequence) { recent[i] = nil }
    }
}
