/// The timers and limits of one device session (firmware-protocol/PROTOCOL.md §8, §9).
public struct SessionTiming: Sendable, Hashable {
    /// The interval devices send heartbeats at (authResult's heartbeatSeconds); halld
    /// sends one too on a link it has sent nothing on for this long.
    public var heartbeatInterval: Duration = .seconds(5)
    /// Heartbeat intervals without a word from the device before it counts as gone.
    public var missedHeartbeats = 3
    public var ackTimeout: Duration = .milliseconds(300)
    public var maxRetransmits = 3
    /// From the handshake clock's start to an accepted authentication.
    public var handshakeTimeout: Duration = .seconds(10)
    /// Serial: the handshake clock starts at the first byte, so that an open port with no
    /// device yet stays open (TCP: at connect).
    public var handshakeStartsAtFirstByte = false
    /// Query rate limit: a burst, then one question per refill interval.
    public var queryBurst = 5
    public var queryRefill: Duration = .seconds(2)
    /// Unacknowledged messages kept for retransmit; beyond it the oldest is given up.
    public var maxPending = 64
    /// A partial frame held this long with no new byte is abandoned (PROTOCOL.md §2.4).
    public var partialFrameTimeout: Duration = .milliseconds(100)

    public init() {}

    /// Serial links turn around slower and wait for their device: a longer ack timeout,
    /// and the handshake clock starts at the first byte.
    public static var serial: SessionTiming {
        var t = SessionTiming()
        t.ackTimeout = .milliseconds(500)
        t.handshakeStartsAtFirstByte = true
        return t
    }

    /// Nothing heard for this long: the device is gone.
    public var silenceLimit: Duration { heartbeatInterval * missedHeartbeats }

    /// authResult's heartbeatSeconds.
    public var heartbeatSeconds: UInt16 {
        UInt16(clamping: max(1, heartbeatInterval.components.seconds))
    }
}
