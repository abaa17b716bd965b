/// A query rate limit: `capacity` at once, refilled at one token per `refillNanoseconds`.
struct TokenBucket: Sendable {
    let capacity: Double
    let refillNanoseconds: Double
    private var tokens: Double
    private var updated: UInt64

    init(capacity: Int, refillNanoseconds: UInt64, now: UInt64) {
        self.capacity = Double(capacity)
        self.refillNanoseconds = Double(refillNanoseconds)
        tokens = Double(capacity)
        updated = now
    }

    /// Takes a token if there is one.
    mutating func take(now: UInt64) -> Bool {
        if now > updated {
            tokens = min(capacity, tokens + Double(now - updated) / refillNanoseconds)
            updated = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// Remembers the last sequences received, so a retransmitted frame is re-acked but not
/// acted on twice.
struct DuplicateFilter: Sendable {
    private var recent: [UInt16]
    private var next = 0

    init(window: Int = 32) { recent = .init(repeating: 0, count: window) }

    /// True when `sequence` was seen among the last `window` sequences.
    mutating func isDuplicate(_ sequence: UInt16) -> Bool {
        if recent.contains(sequence) { return true }
        recent[next] = sequence
        next = (next + 1) % recent.count
        return false
    }

    /// Forgets a sequence just recorded, so a retransmit of a refused frame is judged again.
    mutating func forget(_ sequence: UInt16) {
        if let i = recent.firstIndex(of: sequence) { recent[i] = 0 }
    }
}
