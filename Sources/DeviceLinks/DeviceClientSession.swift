import Crypto
import DeviceProtocol

/// The device's side of a link, as firmware would run it: hello, prove the key, then
/// heartbeats, questions and lead progress, with the same acked delivery as halld.
/// Pure; used by hallsim and the tests.
public struct DeviceClientSession: Sendable {
    public enum Event: Sendable, Hashable {
        case authenticated(heartbeatSeconds: UInt16)
        case refused(reason: String)
        case answer(Answer)
        case lead(leadID: UInt32, destination: String, route: [RoutePoint])
        case display(displayID: UInt32, destination: String, title: String, text: String, ttlSeconds: UInt16)
        case recall(reason: String)
        case nak(sequence: UInt16, code: NakCode, detail: String)
        case deliveryFailed(sequence: UInt16)
    }

    public enum Phase: Sendable, Hashable { case connecting, authenticating, ready, refused }

    public let deviceID: String
    public let kind: DeviceKind
    private let key: [UInt8]
    private let clientNonce: [UInt8]
    public private(set) var phase = Phase.connecting
    private var delivery: ReliableDelivery
    private var nextQueryID: UInt32 = 1

    public init(deviceID: String, kind: DeviceKind, key: [UInt8], clientNonce: [UInt8],
                ackTimeoutNanoseconds: UInt64 = 300_000_000) {
        self.deviceID = deviceID
        self.kind = kind
        self.key = key
        self.clientNonce = clientNonce
        delivery = ReliableDelivery(ackTimeoutNanoseconds: ackTimeoutNanoseconds, maxRetransmits: 3, maxPending: 256)
    }

    /// The first frame to send.
    public mutating func hello(firmware: String, capabilities: Capabilities, now: UInt64) throws(MessageEncodeError) -> [UInt8] {
        phase = .authenticating
        return try delivery.frame(.hello(deviceID: deviceID, kind: kind, firmware: firmware, capabilities: capabilities,
                                         clientNonce: clientNonce), now: now).bytes
    }

    /// Frames a message to halld; returns its sequence too.
    public mutating func send(_ message: Message, now: UInt64) throws(MessageEncodeError) -> (bytes: [UInt8], sequence: UInt16) {
        let framed = try delivery.frame(message, now: now)
        return (framed.bytes, framed.sequence)
    }

    /// A question with a fresh query id.
    public mutating func query(_ text: String, language: String = "", confidence: UInt8 = 90,
                               now: UInt64) throws(MessageEncodeError) -> (bytes: [UInt8], queryID: UInt32) {
        let id = nextQueryID
        nextQueryID &+= 1
        return (try send(.query(queryID: id, text: text, language: language, confidence: confidence), now: now).bytes, id)
    }

    public var pendingCount: Int { delivery.pending.count }

    /// Handles one frame from halld: returns frames to write back and what happened.
    public mutating func receive(_ frame: Frame, now: UInt64) -> (writes: [[UInt8]], events: [Event]) {
        var writes: [[UInt8]] = []
        var events: [Event] = []
        guard let message = try? MessageCodec.decode(type: frame.type, payload: frame.payload) else { return ([], []) }
        let wantsAck = frame.flags.contains(.ackRequested)
        if wantsAck {
            let duplicate = delivery.isDuplicate(frame.sequence)
            writes.append(ReliableDelivery.ack(frame.sequence))
            if duplicate { return (writes, events) }
        }
        switch message {
        case .challenge(let serverNonce):
            let input = AuthProof.message(serverNonce: serverNonce, clientNonce: clientNonce, deviceID: deviceID)
            let mac = HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: key))
            if let framed = try? delivery.frame(.authenticate(proof: Array(mac)), now: now) { writes.append(framed.bytes) }
        case let .authResult(accepted, heartbeatSeconds, reason, _):
            phase = accepted ? .ready : .refused
            events.append(accepted ? .authenticated(heartbeatSeconds: heartbeatSeconds) : .refused(reason: reason))
        case .answer(let answer):
            events.append(.answer(answer))
        case let .lead(leadID, destination, route):
            events.append(.lead(leadID: leadID, destination: destination, route: route))
        case let .display(displayID, destination, title, text, _, ttl):
            events.append(.display(displayID: displayID, destination: destination, title: title, text: text, ttlSeconds: ttl))
        case .recall(let reason):
            events.append(.recall(reason: reason))
        case .ack(let sequence):
            delivery.settle(sequence)
        case let .nak(sequence, code, detail):
            delivery.settle(sequence)
            events.append(.nak(sequence: sequence, code: code, detail: detail))
        default:
            break
        }
        return (writes, events)
    }

    /// Retransmits overdue frames.
    public mutating func tick(now: UInt64) -> (writes: [[UInt8]], events: [Event]) {
        let (resend, failed) = delivery.overdue(now: now)
        return (resend, failed.map { .deliveryFailed(sequence: $0.0) })
    }
}
