/// Sequence numbers and duplicate suppression (PROTOCOL.md §7).
public enum SequenceNumber {
    /// Reserved for ack and nak frames, which are never acknowledged.
    public static let unacknowledged: UInt16 = 0
    /// The first sequence a sender uses after hello.
    public static let first: UInt16 = 1

    /// The sequence after `sequence`: 1, 2, … 65535, 1, … (0 is skipped).
    public static func after(_ sequence: UInt16) -> UInt16 {
        sequence == UInt16.max ? first : sequence + 1
    }
}

/// Remembers the last 32 sequences received from one sender on one link, so a retransmitted
/// frame whose ack was lost is acked again without being acted on twice.
public struct RecentSequences: Sendable {
    public static let capacity = 32
    private var remembered: [UInt16] = []
    private var oldest = 0

    public init() {}

    /// True when `sequence` was seen among the last 32 (a duplicate); otherwise remembers it.
    public mutating func isDuplicate(_ sequence: UInt16) -> Bool {
        if remembered.contains(sequence) { return true }
        if remembered.count < Self.capacity {
            remembered.append(sequence)
        } else {
            remembered[oldest] = sequence
            oldest = (oldest + 1) % Self.capacity
        }
        return false
    }

    /// Forgets everything: a new hello starts the sequences again.
    public mutating func reset() {
        remembered.removeAll(keepingCapacity: true)
        oldest = 0
    }
}
