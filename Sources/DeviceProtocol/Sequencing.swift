/// Sequence numbers (PROTOCOL.md §7.2).
public enum SequenceNumber {
    /// Reserved for ack and nak frames, which are never acknowledged.
    public static let unacknowledged: UInt16 = 0
    /// The first sequence on a link (and again after 65535).
    public static let first: UInt16 = 1

    /// The sequence after `sequence`: 1, 2, … 65535, 1, … (0 is skipped).
    public static func after(_ sequence: UInt16) -> UInt16 {
        sequence == UInt16.max ? first : sequence + 1
    }
}
