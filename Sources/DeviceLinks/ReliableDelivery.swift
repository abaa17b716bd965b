import DeviceProtocol

/// The acked-delivery half of a link, shared by halld's sessions and the device side
/// (hallsim): sequence numbers, retransmits with the same sequence, duplicate
/// suppression of what arrives, a bound on what waits for an ack.
struct ReliableDelivery: Sendable {
    struct Pending: Sendable {
        var message: Message
        var attempts: Int
        var deadline: UInt64
    }

    let ackTimeoutNanoseconds: UInt64
    let maxRetransmits: Int
    let maxPending: Int
    private(set) var pending: [UInt16: Pending] = [:]
    private var nextSequence: UInt16 = 1
    private var seen = DuplicateFilter()
    private(set) var retransmits = 0

    init(ackTimeoutNanoseconds: UInt64, maxRetransmits: Int, maxPending: Int) {
        self.ackTimeoutNanoseconds = ackTimeoutNanoseconds
        self.maxRetransmits = maxRetransmits
        self.maxPending = maxPending
    }

    /// Frames a message with the next sequence (1...65535, then 1 again); messages that
    /// need an ack are kept. Returns the bytes and any sequence given up to stay bounded.
    /// A message beyond the protocol's limits is refused before it takes a sequence.
    mutating func frame(_ message: Message, now: UInt64) throws(MessageEncodeError) -> (bytes: [UInt8], sequence: UInt16, dropped: UInt16?) {
        let sequence = nextSequence
        let bytes = try MessageCodec.frame(message, sequence: sequence, flags: message.requiresAck ? [.ackRequested] : [])
        nextSequence = SequenceNumber.after(sequence)
        guard message.requiresAck else { return (bytes, sequence, nil) }
        var dropped: UInt16?
        if pending.count >= maxPending, let oldest = pending.min(by: { $0.value.deadline < $1.value.deadline })?.key {
            pending[oldest] = nil
            dropped = oldest
        }
        pending[sequence] = Pending(message: message, attempts: 0, deadline: now + ackTimeoutNanoseconds)
        return (bytes, sequence, dropped)
    }

    /// An ack or nak arrived for `sequence`; returns the message it settles.
    @discardableResult
    mutating func settle(_ sequence: UInt16) -> Message? {
        pending.removeValue(forKey: sequence)?.message
    }

    /// Retransmits what is overdue and gives up on what has been retransmitted enough.
    mutating func overdue(now: UInt64) -> (resend: [[UInt8]], failed: [(UInt16, Message)]) {
        var resend: [[UInt8]] = []
        var failed: [(UInt16, Message)] = []
        for (sequence, item) in pending where now >= item.deadline {
            if item.attempts >= maxRetransmits {
                pending[sequence] = nil
                failed.append((sequence, item.message))
            } else {
                pending[sequence]!.attempts += 1
                pending[sequence]!.deadline = now + ackTimeoutNanoseconds
                retransmits += 1
                // It was framed once already, so it fits.
                if let bytes = try? MessageCodec.frame(item.message, sequence: sequence, flags: [.ackRequested, .retransmit]) {
                    resend.append(bytes)
                }
            }
        }
        return (resend, failed)
    }

    /// True when an acked frame with this sequence was already acted on.
    mutating func isDuplicate(_ sequence: UInt16) -> Bool { seen.isDuplicate(sequence) }

    /// Lets a refused frame's retransmit be judged again.
    mutating func forget(_ sequence: UInt16) { seen.forget(sequence) }

    static func ack(_ sequence: UInt16) -> [UInt8] {
        (try? MessageCodec.frame(.ack(sequence: sequence), sequence: SequenceNumber.unacknowledged)) ?? []
    }

    static func nak(_ sequence: UInt16, _ code: NakCode, _ detail: String) -> [UInt8] {
        let message = Message.nak(sequence: sequence, code: code, detail: String(detail.prefix(120)))
        return (try? MessageCodec.frame(message, sequence: SequenceNumber.unacknowledged)) ?? []
    }
}
