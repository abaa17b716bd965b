/// The timers and limits of one device session (firmware-protocol/PROTOCOL.md, "Timers").
public struct SessionTiming: Sendable, Hashable {
    public var heartbeatSeconds: UInt16 = 5
    /// Heartbeats missed in a row before the device counts as gone.
    public var missedHeartbeats: UInt64 = 3
    public var ackTimeoutNanoseconds: UInt64 = 300_000_000
    public var maxRetransmits = 3
    /// From connect to an accepted authentication.
    public var handshakeNanoseconds: UInt64 = 10_000_000_000
    /// Query rate limit: a burst, then one question per refill interval.
    public var queryBurst = 5
    public var queryRefillNanoseconds: UInt64 = 2_000_000_000
    /// Unacknowledged messages kept for retransmit; beyond it the oldest is given up.
    public var maxPending = 64

    public init() {}

    /// Serial links are slower to turn around: a longer ack timeout.
    public static var serial: SessionTiming {
        var t = SessionTiming()
        t.ackTimeoutNanoseconds = 500_000_000
        return t
    }

    var silenceLimitNanoseconds: UInt64 { UInt64(heartbeatSeconds) * missedHeartbeats * 1_000_000_000 }
}
