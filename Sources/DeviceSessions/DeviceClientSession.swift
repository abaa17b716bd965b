import Crypto
import DeviceProtocol
import HallTime

/// The device's side of a link, as firmware would run it: hello, prove the key, then
/// heartbeats, questions and lead progress, with the same acked delivery as halld.
/// Pure; used by hallsim, the simulated devices and the test kit.
public struct DeviceClientSession: Sendable {
    public enum Event: Sendable, Hashable {
        case authenticated(heartbeatSeconds: UInt16)
        case refused(reason: String, code: NakCode?)
        case answer(Answer)
        case lead(leadID: UInt32, destination: String, route: [RoutePoint])
        case display(displayID: UInt32, destination: String, title: String, text: String, route: [RoutePoint], ttlSeconds: UInt16)
        case notice(topic: NoticeTopic, dataVersion: String)
        case recall(reason: String)
        /// halld's own heartbeat on an otherwise idle link.
        case heartbeat
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
                ackTimeout: Duration = .milliseconds(300)) {
        self.deviceID = deviceID
        self.kind = kind
        self.key = key
        self.clientNonce = clientNonce
        delivery = ReliableDelivery(ackTimeout: ackTimeout, maxRetransmits: 3, maxPending: 256)
    }

    /// The first frame to send; on a link already used, sequences start again at 1.
    public mutating func hello(firmware: String, capabilities: Capabilities, now: Instant) throws(MessageEncodeError) -> [UInt8] {
        phase = .authenticating
        delivery.reset()
        return try send(.hello(deviceID: deviceID, kind: kind, firmware: firmware, capabilities: capabilities,
                               clientNonce: clientNonce), now: now).bytes
    }

    /// Frames a message to halld; returns its sequence too.
    public mutating func send(_ message: Message, now: Instant) throws(MessageEncodeError) -> (bytes: [UInt8], sequence: UInt16) {
        let (frame, _) = try delivery.frame(message, now: now)
        return (try Self.encode(frame), frame.sequence)
    }

    /// A question with a fresh query id.
    public mutating func query(_ text: String, language: String = "", confidence: UInt8 = 90, newVisitor: Bool = false,
                               now: Instant) throws(MessageEncodeError) -> (bytes: [UInt8], queryID: UInt32) {
        let id = nextQueryID
        nextQueryID &+= 1
        let message = Message.query(queryID: id, text: text, language: language, confidence: confidence, newVisitor: newVisitor)
        return (try send(message, now: now).bytes, id)
    }

    public var pendingCount: Int { delivery.pending.count }

    /// Handles one frame from halld: returns frames to write back and what happened.
    public mutating func receive(_ frame: Frame, now: Instant) -> (writes: [[UInt8]], events: [Event]) {
        var writes: [[UInt8]] = []
        var events: [Event] = []
        guard let message = try? MessageCodec.decode(type: frame.type, payload: frame.payload) else { return ([], []) }
        if frame.flags.contains(.ackRequested) {
            let duplicate = delivery.isDuplicate(frame.sequence)
            if let ack = try? Self.encode(.ack(frame.sequence)) { writes.append(ack) }
            if duplicate { return (writes, events) }
        }
        switch message {
        case .challenge(let serverNonce):
            let input = AuthProof.message(serverNonce: serverNonce, clientNonce: clientNonce, deviceID: deviceID)
            let mac = HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: key))
            if let framed = try? send(.authenticate(proof: Array(mac)), now: now) { writes.append(framed.bytes) }
        case let .authResult(accepted, heartbeatSeconds, reason, code):
            phase = accepted ? .ready : .refused
            events.append(accepted ? .authenticated(heartbeatSeconds: heartbeatSeconds) : .refused(reason: reason, code: code))
        case .answer(let answer):
            events.append(.answer(answer))
        case let .lead(leadID, destination, route):
            events.append(.lead(leadID: leadID, destination: destination, route: route))
        case let .display(displayID, destination, title, text, route, ttl):
            events.append(.display(displayID: displayID, destination: destination, title: title, text: text, route: route, ttlSeconds: ttl))
        case let .notice(topic, dataVersion):
            events.append(.notice(topic: topic, dataVersion: dataVersion))
        case .recall(let reason):
            events.append(.recall(reason: reason))
        case .heartbeat:
            events.append(.heartbeat)
        case .ack(let sequence):
            delivery.settle(sequence)
        case let .nak(sequence, code, detail):
            delivery.settle(sequence)
            events.append(.nak(sequence: sequence, code: code, detail: detail))
        case .hello, .authenticate, .query, .leadProgress:
            break
        }
        return (writes, events)
    }

    /// Retransmits overdue frames.
    public mutating func tick(now: Instant) -> (writes: [[UInt8]], events: [Event]) {
        let (resend, failed) = delivery.overdue(now: now)
        return (resend.compactMap { try? Self.encode($0) }, failed.map { .deliveryFailed(sequence: $0.0) })
    }

    static func encode(_ frame: OutgoingFrame) throws(MessageEncodeError) -> [UInt8] { try frame.binary() }
}
