import DeviceProtocol
import HallTime

/// A message as it leaves a session: the link's codec turns it into bytes (a binary
/// frame) or a JSON text (WebSocket).
public struct OutgoingFrame: Sendable, Hashable {
    public var message: Message
    public var sequence: UInt16
    public var flags: FrameFlags
    /// The binary payload's size, once the message was checked against the protocol's
    /// limits (nil: not checked yet, the codec checks it).
    public var checkedPayloadSize: Int?

    public init(message: Message, sequence: UInt16, flags: FrameFlags, checkedPayloadSize: Int? = nil) {
        self.message = message
        self.sequence = sequence
        self.flags = flags
        self.checkedPayloadSize = checkedPayloadSize
    }

    static func ack(_ sequence: UInt16) -> OutgoingFrame {
        OutgoingFrame(message: .ack(sequence: sequence), sequence: SequenceNumber.unacknowledged, flags: [])
    }

    static func nak(_ sequence: UInt16, _ code: NakCode, _ detail: String) -> OutgoingFrame {
        OutgoingFrame(message: .nak(sequence: sequence, code: code, detail: String(detail.prefix(120))),
                      sequence: SequenceNumber.unacknowledged, flags: [])
    }

    /// The binary frame: checked once, when it got its sequence.
    public func binary() throws(MessageEncodeError) -> [UInt8] {
        MessageCodec.frame(validated: message, payloadSize: try checkedSize(), sequence: sequence, flags: flags)
    }

    /// The binary payload's size, checked against the protocol's limits (already, when
    /// the frame got its sequence; acks and naks, here).
    public func checkedSize() throws(MessageEncodeError) -> Int {
        if let checkedPayloadSize { return checkedPayloadSize }
        return try MessageCodec.checkedPayloadSize(message)
    }
}

/// A frame as it arrives, whatever the transport: its header and what its payload decoded
/// to (or why it did not).
public struct IncomingFrame: Sendable {
    public var sequence: UInt16
    public var flags: FrameFlags
    public var type: UInt8
    public var message: Result<Message, MessageDecodeError>

    public init(sequence: UInt16, flags: FrameFlags, type: UInt8, message: Result<Message, MessageDecodeError>) {
        self.sequence = sequence
        self.flags = flags
        self.type = type
        self.message = message
    }

    /// A binary frame, its payload decoded.
    public init(_ frame: Frame) {
        self.init(sequence: frame.sequence, flags: frame.flags, type: frame.type,
                  message: Result { () throws(MessageDecodeError) in try MessageCodec.decode(type: frame.type, payload: frame.payload) })
    }

    public var wantsAck: Bool { flags.contains(.ackRequested) }
}

/// The acked-delivery half of a link, shared by halld's sessions and the device side
/// (hallsim): sequence numbers, retransmits with the same sequence, duplicate
/// suppression of what arrives, a bound on what waits for an ack.
struct ReliableDelivery: Sendable {
    struct Pending: Sendable {
        var message: Message
        var payloadSize: Int
        var attempts: Int
        var deadline: Instant
    }

    let ackTimeout: Duration
    let maxRetransmits: Int
    let maxPending: Int
    private(set) var pending: [UInt16: Pending] = [:]
    private var nextSequence: UInt16 = 1
    private var seen = DuplicateFilter()

    init(ackTimeout: Duration, maxRetransmits: Int, maxPending: Int) {
        self.ackTimeout = ackTimeout
        self.maxRetransmits = maxRetransmits
        self.maxPending = maxPending
    }

    /// Both directions start again at 1 (a new hello on the link).
    mutating func reset() {
        self = ReliableDelivery(ackTimeout: ackTimeout, maxRetransmits: maxRetransmits, maxPending: maxPending)
    }

    /// Gives the message the next sequence (1...65535, then 1 again) after checking it
    /// against the protocol's limits; messages that need an ack are kept. Returns the frame
    /// and the message given up, if any, to stay within `maxPending`.
    mutating func frame(_ message: Message, now: Instant) throws(MessageEncodeError) -> (frame: OutgoingFrame, dropped: Message?) {
        let size = try MessageCodec.checkedPayloadSize(message)
        let sequence = nextSequence
        nextSequence = SequenceNumber.after(sequence)
        let frame = OutgoingFrame(message: message, sequence: sequence, flags: message.requiresAck ? [.ackRequested] : [],
                                  checkedPayloadSize: size)
        guard message.requiresAck else { return (frame, nil) }
        var dropped: Message?
        if pending.count >= maxPending, let oldest = pending.min(by: { $0.value.deadline < $1.value.deadline })?.key {
            dropped = pending.removeValue(forKey: oldest)?.message
        }
        pending[sequence] = Pending(message: message, payloadSize: size, attempts: 0, deadline: now + ackTimeout)
        return (frame, dropped)
    }

    /// An ack or nak arrived for `sequence`; returns the message it settles.
    @discardableResult
    mutating func settle(_ sequence: UInt16) -> Message? {
        pending.removeValue(forKey: sequence)?.message
    }

    /// Stops retransmitting the messages a newer one makes pointless (an older display
    /// once a new route is on its way to the same screen).
    mutating func withdraw(where superseded: (Message) -> Bool) {
        for (sequence, item) in pending where superseded(item.message) { pending[sequence] = nil }
    }

    /// Retransmits what is overdue and gives up on what has been retransmitted enough.
    mutating func overdue(now: Instant) -> (resend: [OutgoingFrame], failed: [(UInt16, Message)]) {
        var resend: [OutgoingFrame] = []
        var failed: [(UInt16, Message)] = []
        for (sequence, item) in pending where now >= item.deadline {
            if item.attempts >= maxRetransmits {
                pending[sequence] = nil
                failed.append((sequence, item.message))
            } else {
                pending[sequence]!.attempts += 1
                pending[sequence]!.deadline = now + ackTimeout
                resend.append(OutgoingFrame(message: item.message, sequence: sequence, flags: [.ackRequested, .retransmit],
                                            checkedPayloadSize: item.payloadSize))
            }
        }
        return (resend.sorted { $0.sequence < $1.sequence }, failed)
    }

    /// True when an acked frame with this sequence was already acted on.
    mutating func isDuplicate(_ sequence: UInt16) -> Bool { seen.isDuplicate(sequence) }

    /// Lets a refused frame's retransmit be judged again.
    mutating func forget(_ sequence: UInt16) { seen.forget(sequence) }
}
