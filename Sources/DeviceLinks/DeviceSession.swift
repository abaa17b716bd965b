import Crypto
import DeviceProtocol

/// One link's conversation with one device, as an explicit state machine: handshake,
/// acked delivery with retransmit and duplicate suppression, rate limit, heartbeat
/// timeout. Pure: bytes in, bytes and events out; the caller supplies time and nonces.
public struct DeviceSession: Sendable {
    public enum Phase: Sendable, Hashable {
        case awaitingHello
        case challenged
        case authenticated
        case closed
    }

    public private(set) var phase = Phase.awaitingHello
    public private(set) var deviceID: String?
    public private(set) var device: DeviceCredentials?
    public private(set) var firmware = ""
    public private(set) var capabilities = Capabilities()
    public private(set) var counters = SessionCounters()
    let roster: DeviceRoster
    let authGuard: AuthGuard
    let timing: SessionTiming
    /// The remote address and port, or the port name, for logs.
    let peer: String
    /// The remote address alone (or the port name): repeated unknown ids from it lock it out.
    let address: String
    private let serverNonce: [UInt8]
    private var clientNonce: [UInt8] = []
    private var delivery: ReliableDelivery
    private var queries: TokenBucket
    private var lastHeard: UInt64
    private let started: UInt64

    /// - Parameter serverNonce: 16 fresh random bytes for this link's challenge.
    public init(roster: DeviceRoster, authGuard: AuthGuard, timing: SessionTiming, peer: String, address: String? = nil,
                serverNonce: [UInt8], now: UInt64) {
        self.address = address ?? peer
        self.roster = roster
        self.authGuard = authGuard
        self.timing = timing
        self.peer = peer
        self.serverNonce = serverNonce
        delivery = ReliableDelivery(ackTimeoutNanoseconds: timing.ackTimeoutNanoseconds,
                                    maxRetransmits: timing.maxRetransmits, maxPending: timing.maxPending)
        queries = TokenBucket(capacity: timing.queryBurst, refillNanoseconds: timing.queryRefillNanoseconds, now: now)
        lastHeard = now
        started = now
    }

    public var pendingCount: Int { delivery.pending.count }

    // MARK: - Receiving

    public mutating func receive(_ frame: Frame, now: UInt64) -> SessionOutput {
        var out = SessionOutput()
        guard phase != .closed else { return out }
        lastHeard = now
        counters.framesIn += 1
        let wantsAck = frame.flags.contains(.ackRequested)
        let message: Message
        do {
            message = try MessageCodec.decode(type: frame.type, payload: frame.payload)
        } catch {
            counters.malformed += 1
            out.log(.warning, "\(name): undecodable \(String(format: "0x%02X", frame.type)) frame: \(error)")
            if wantsAck { nak(frame.sequence, error.nakCode, "\(error)", &out) }
            return out
        }
        switch phase {
        case .awaitingHello: receiveHello(message, frame, now, &out)
        case .challenged: receiveProof(message, frame, now, &out)
        case .authenticated: receiveAuthenticated(message, frame, wantsAck, now, &out)
        case .closed: break
        }
        return out
    }

    var name: String { deviceID.map { "\($0) (\(peer))" } ?? peer }

    private mutating func close(_ reason: CloseReason, _ out: inout SessionOutput) {
        phase = .closed
        out.close = reason
    }

    private mutating func receiveHello(_ message: Message, _ frame: Frame, _ now: UInt64, _ out: inout SessionOutput) {
        guard case let .hello(id, kind, firmware, capabilities, nonce) = message else {
            if frame.flags.contains(.ackRequested) { nak(frame.sequence, .notAuthenticated, "hello first", &out) }
            out.log(.warning, "\(name): \(message.typeName) before hello")
            return close(.protocolViolation("\(message.typeName) before hello"), &out)
        }
        // A device id that failed its proof, or an address that guessed unknown ids, waits.
        for key in ["device:" + id, "address:" + address] where authGuard.isLockedOut(key, now: now) {
            send(.authResult(accepted: false, heartbeatSeconds: 0, reason: "locked out, retry later"), now: now, into: &out)
            return close(.lockedOut(key), &out)
        }
        guard let known = roster[id], known.kind == kind else {
            refuse("address:" + address, reason: "unknown device '\(id)'", now, &out)
            return close(.unknownDevice(id), &out)
        }
        deviceID = id
        device = known
        self.firmware = firmware
        self.capabilities = capabilities
        clientNonce = nonce
        phase = .challenged
        send(.challenge(serverNonce: serverNonce), now: now, into: &out)
    }

    private mutating func receiveProof(_ message: Message, _ frame: Frame, _ now: UInt64, _ out: inout SessionOutput) {
        guard case let .authenticate(proof) = message, let device else {
            out.log(.warning, "\(name): \(message.typeName) instead of authenticate")
            return close(.protocolViolation("\(message.typeName) instead of authenticate"), &out)
        }
        let input = AuthProof.message(serverNonce: serverNonce, clientNonce: clientNonce, deviceID: device.id)
        let valid = HMAC<SHA256>.isValidAuthenticationCode(proof, authenticating: input, using: SymmetricKey(data: device.key))
        guard valid else {
            refuse("device:" + device.id, reason: "bad proof from '\(device.id)'", now, &out)
            return close(.authenticationFailed(device.id), &out)
        }
        authGuard.recordSuccess("device:" + device.id)
        phase = .authenticated
        send(.authResult(accepted: true, heartbeatSeconds: timing.heartbeatSeconds, reason: ""), now: now, into: &out)
        out.events.append(.authenticated(deviceID: device.id, kind: device.kind, firmware: firmware, capabilities: capabilities))
        out.log(.info, "\(name): authenticated (\(device.kind), firmware \(firmware.isEmpty ? "?" : firmware))")
    }

    /// A refusal is answered on the wire every time but logged at a limited rate.
    private mutating func refuse(_ key: String, reason: String, _ now: UInt64, _ out: inout SessionOutput) {
        counters.authFailures += 1
        let report = authGuard.recordFailure(key, now: now)
        if report > 0 {
            out.log(.warning, "\(peer): refused: \(reason)\(report > 1 ? " (\(report - 1) more since the last report)" : "")")
        }
        send(.authResult(accepted: false, heartbeatSeconds: 0, reason: "refused"), now: now, into: &out)
    }

    private mutating func receiveAuthenticated(_ message: Message, _ frame: Frame, _ wantsAck: Bool, _ now: UInt64,
                                               _ out: inout SessionOutput) {
        let id = deviceID ?? ""
        switch message {
        case .ack(let sequence):
            delivery.settle(sequence)
            return
        case let .nak(sequence, code, detail):
            delivery.settle(sequence)
            out.events.append(.refused(deviceID: id, sequence: sequence, code: code, detail: detail))
            return
        default:
            break
        }
        if wantsAck {
            if delivery.isDuplicate(frame.sequence) {
                counters.duplicates += 1
                ack(frame.sequence, &out)
                return
            }
        }
        switch message {
        case let .heartbeat(state, battery, position):
            out.events.append(.heartbeat(deviceID: id, state: state, battery: battery, position: position))
        case let .query(queryID, text, language, confidence, _):
            guard queries.take(now: now) else {
                counters.rateLimited += 1
                delivery.forget(frame.sequence)  // a retransmit is judged again, not re-acked
                nak(frame.sequence, .rateLimited, "too many questions", &out)
                return
            }
            if wantsAck { ack(frame.sequence, &out) }
            out.events.append(.query(deviceID: id, queryID: queryID, text: text, language: language, confidence: confidence))
            return
        case let .leadProgress(leadID, status, position):
            out.events.append(.leadProgress(deviceID: id, leadID: leadID, status: status, position: position))
        case .hello, .authenticate:
            out.log(.warning, "\(name): \(message.typeName) on an authenticated link")
            return close(.protocolViolation("\(message.typeName) after authentication"), &out)
        default:
            // halld's own messages coming back: not for a device to send.
            if wantsAck { nak(frame.sequence, .unknownType, "\(message.typeName) is sent by halld, not devices", &out) }
            return
        }
        if wantsAck { ack(frame.sequence, &out) }
    }

    // MARK: - Sending

    private mutating func ack(_ sequence: UInt16, _ out: inout SessionOutput) {
        out.writes.append(ReliableDelivery.ack(sequence))
    }

    private mutating func nak(_ sequence: UInt16, _ code: NakCode, _ detail: String, _ out: inout SessionOutput) {
        counters.naksSent += 1
        out.writes.append(ReliableDelivery.nak(sequence, code, detail))
    }

    /// Sends a message to the device; messages that need an ack are kept for retransmit.
    public mutating func send(_ message: Message, now: UInt64) -> SessionOutput {
        var out = SessionOutput()
        guard phase == .authenticated else {
            out.log(.debug, "\(name): dropped \(message.typeName): not authenticated")
            return out
        }
        send(message, now: now, into: &out)
        return out
    }

    private mutating func send(_ message: Message, now: UInt64, into out: inout SessionOutput) {
        do {
            let framed = try delivery.frame(message, now: now)
            counters.framesOut += 1
            if let dropped = framed.dropped { out.events.append(.deliveryFailed(deviceID: deviceID ?? "", sequence: dropped)) }
            out.writes.append(framed.bytes)
        } catch {
            counters.unsendable += 1
            out.log(.warning, "\(name): cannot send \(message.typeName): \(error)")
        }
    }

    // MARK: - Time

    /// Retransmits overdue messages and ends sessions gone silent.
    public mutating func tick(now: UInt64) -> SessionOutput {
        var out = SessionOutput()
        switch phase {
        case .closed:
            return out
        case .awaitingHello, .challenged:
            if now >= started + timing.handshakeNanoseconds { close(.handshakeTimeout, &out) }
            return out
        case .authenticated:
            if now >= lastHeard + timing.silenceLimitNanoseconds {
                out.log(.warning, "\(name): no heartbeat for \(timing.silenceLimitNanoseconds / 1_000_000_000) s")
                close(.heartbeatTimeout, &out)
                return out
            }
        }
        let (resend, failed) = delivery.overdue(now: now)
        counters.retransmits += resend.count
        out.writes += resend
        for (sequence, message) in failed {
            out.events.append(.deliveryFailed(deviceID: deviceID ?? "", sequence: sequence))
            out.log(.warning, "\(name): \(message.typeName) #\(sequence) not acknowledged after \(timing.maxRetransmits) retransmits")
        }
        return out
    }

    /// The transport went away.
    public mutating func linkClosed() {
        phase = .closed
    }
}

/// Per-session counts for the status socket and metrics.
public struct SessionCounters: Sendable, Hashable {
    public var framesIn = 0
    public var framesOut = 0
    public var malformed = 0
    public var naksSent = 0
    public var duplicates = 0
    public var retransmits = 0
    public var rateLimited = 0
    public var authFailures = 0
    /// Messages halld could not encode within the protocol's limits.
    public var unsendable = 0
}

extension Message {
    /// A short name for logs.
    public var typeName: String {
        switch self {
        case .hello: "hello"
        case .challenge: "challenge"
        case .authenticate: "authenticate"
        case .authResult: "authResult"
        case .heartbeat: "heartbeat"
        case .query: "query"
        case .answer: "answer"
        case .lead: "lead"
        case .leadProgress: "leadProgress"
        case .recall: "recall"
        case .display: "display"
        case .notice: "notice"
        case .ack: "ack"
        case .nak: "nak"
        }
    }
}
