import Crypto
import DeviceProtocol
import HallTime

/// halld's side of one link's conversation with one device, as an explicit state machine
/// whose phases carry their data: hello, admission, challenge and proof, then acked
/// delivery with retransmits and duplicate suppression, a query rate limit, liveness both
/// ways. Pure: frames in, frames, events and reports out; time and nonces come from the
/// caller. What it decides about other links (lockouts) it returns as reports and
/// admission requests for the link to carry to the hall's ledger.
public struct DeviceSession: Sendable {
    public enum Phase: Sendable {
        /// No hello yet. The handshake clock runs from `since` (nil on serial until the
        /// first byte: an open port may wait for its device as long as it takes).
        case awaitingHello(since: Instant?)
        /// A configured device said hello; the ledger decides when to challenge it.
        case admitting(Handshake)
        case challenged(Handshake)
        case authenticated(Established)
        case closed(CloseReason)
    }

    /// A hello from a configured device, until its proof is checked.
    public struct Handshake: Sendable {
        public var device: DeviceCredentials
        public var firmware: String
        public var capabilities: Capabilities
        var clientNonce: [UInt8]
        var serverNonce: [UInt8]
        var since: Instant
        /// While admitting: when the challenge may go out.
        var challengeAt: Instant?
    }

    /// An authenticated device.
    public struct Established: Sendable {
        public var device: DeviceCredentials
        public var firmware: String
        public var capabilities: Capabilities
    }

    public private(set) var phase: Phase
    public private(set) var counters = SessionCounters()
    let roster: DeviceRoster
    let timing: SessionTiming
    /// The remote address and port, or the port name: for logs.
    public let peer: String
    /// The remote address alone (or the port name): failures are counted per source.
    public let source: String
    private let nonces: @Sendable () -> [UInt8]
    private var delivery: ReliableDelivery
    /// While authenticated: the query allowance, and when the link last carried a frame each
    /// way. Beside the phase, not in it: they change with every frame, and changing an
    /// enum's payload copies all of it (the credentials' strings and key) out and back.
    private var queries: TokenBucket
    private var lastHeard = Instant.zero
    private var lastSent = Instant.zero

    /// - Parameter nonces: 16 fresh random bytes per call, for each hello's challenge.
    public init(roster: DeviceRoster, timing: SessionTiming, peer: String, source: String? = nil,
                nonces: @escaping @Sendable () -> [UInt8] = { Nonce.make() }, now: Instant) {
        self.roster = roster
        self.timing = timing
        self.peer = peer
        self.source = source ?? peer
        self.nonces = nonces
        delivery = ReliableDelivery(ackTimeout: timing.ackTimeout, maxRetransmits: timing.maxRetransmits, maxPending: timing.maxPending)
        queries = TokenBucket(capacity: timing.queryBurst, refill: timing.queryRefill, now: now)
        phase = .awaitingHello(since: timing.handshakeStartsAtFirstByte ? nil : now)
    }

    // MARK: - What the link may ask

    public var device: DeviceCredentials? {
        switch phase {
        case .admitting(let h), .challenged(let h): h.device
        case .authenticated(let e): e.device
        case .awaitingHello, .closed: nil
        }
    }

    /// The device, once its proof was right.
    public var authenticatedDevice: Established? {
        if case .authenticated(let e) = phase { e } else { nil }
    }

    /// Whether the device's proof was right (cheaper than `authenticatedDevice`, a copy).
    public var isAuthenticated: Bool {
        if case .authenticated = phase { true } else { false }
    }

    public var isClosed: Bool {
        if case .closed = phase { true } else { false }
    }

    public var closeReason: CloseReason? {
        if case .closed(let reason) = phase { reason } else { nil }
    }

    public var pendingCount: Int { delivery.pending.count }

    /// For logs: the device id (once said) and the peer.
    var name: String { device.map { "\(LogText.escaped($0.id)) (\(peer))" } ?? peer }

    // MARK: - Input

    /// Bytes arrived (before they make a frame): on serial this starts the handshake clock.
    public mutating func inputArrived(now: Instant) {
        if case .awaitingHello(since: nil) = phase { phase = .awaitingHello(since: now) }
    }

    public mutating func receive(_ frame: IncomingFrame, now: Instant) -> SessionOutput {
        var out = SessionOutput()
        counters.framesIn += 1
        switch phase {
        case .closed:
            break
        case .awaitingHello(let since):
            receiveHello(frame, handshakeSince: since ?? now, now, &out)
        case .admitting(let handshake):
            // A device that heard nothing for a while may say hello again: start over.
            if case .success(.hello) = frame.message {
                receiveHello(frame, handshakeSince: handshake.since, now, &out)
            } else {
                refuseBeforeAuthentication(frame, expected: "the challenge", &out)
            }
        case .challenged(let handshake):
            receiveProof(frame, handshake, now, &out)
        case .authenticated:
            lastHeard = now
            receiveAuthenticated(frame, now, &out)
        }
        return out
    }

    /// The ledger's decision on `output.admission`.
    public mutating func admit(_ admission: Admission, now: Instant) -> SessionOutput {
        var out = SessionOutput()
        guard case .admitting(var handshake) = phase else { return out }
        switch admission {
        case .challenge:
            challenge(handshake, now, &out)
        case .challengeAt(let at) where at <= now:
            challenge(handshake, now, &out)
        case .challengeAt(let at):
            handshake.challengeAt = at
            phase = .admitting(handshake)
            out.log(.debug, "\(name): hello from a source with recent failures; challenge in \(at - now)")
        }
        return out
    }

    private mutating func receiveHello(_ frame: IncomingFrame, handshakeSince: Instant, _ now: Instant, _ out: inout SessionOutput) {
        guard case let .success(.hello(id, kind, firmware, capabilities, nonce)) = frame.message else {
            return refuseBeforeAuthentication(frame, expected: "hello", &out)
        }
        guard let known = roster[id] else {
            return refuse(.unknownDevice(id), code: .unknownDevice, deviceID: nil, reason: "unknown device", &out)
        }
        guard known.kind == kind else {
            return refuse(.wrongKind(id), code: .unknownDevice, deviceID: nil, reason: "not configured as a \(kind)", &out)
        }
        phase = .admitting(Handshake(device: known, firmware: firmware, capabilities: capabilities, clientNonce: nonce,
                                     serverNonce: nonces(), since: handshakeSince, challengeAt: nil))
        out.admission = AdmissionRequest(deviceID: id, source: source)
    }

    private mutating func challenge(_ handshake: Handshake, _ now: Instant, _ out: inout SessionOutput) {
        var handshake = handshake
        handshake.challengeAt = nil
        phase = .challenged(handshake)
        emit(.challenge(serverNonce: handshake.serverNonce), now, &out)
    }

    private mutating func receiveProof(_ frame: IncomingFrame, _ handshake: Handshake, _ now: Instant, _ out: inout SessionOutput) {
        if case .success(.hello) = frame.message {
            // The device restarted before it saw our challenge.
            return receiveHello(frame, handshakeSince: handshake.since, now, &out)
        }
        guard case let .success(.authenticate(proof)) = frame.message else {
            return refuseBeforeAuthentication(frame, expected: "authenticate", &out)
        }
        let device = handshake.device
        let input = AuthProof.message(serverNonce: handshake.serverNonce, clientNonce: handshake.clientNonce, deviceID: device.id)
        guard HMAC<SHA256>.isValidAuthenticationCode(proof, authenticating: input, using: SymmetricKey(data: device.key)) else {
            return refuse(.authenticationFailed(device.id), code: .authenticationFailed, deviceID: device.id, reason: "wrong proof", &out)
        }
        phase = .authenticated(Established(device: device, firmware: handshake.firmware, capabilities: handshake.capabilities))
        queries = TokenBucket(capacity: timing.queryBurst, refill: timing.queryRefill, now: now)
        lastHeard = now
        lastSent = now
        emit(.authResult(accepted: true, heartbeatSeconds: timing.heartbeatSeconds, reason: "", code: nil), now, &out)
        out.reports.append(.succeeded(source: source, deviceID: device.id))
        out.events.append(.authenticated(device, firmware: handshake.firmware, capabilities: handshake.capabilities))
        out.log(.info, "\(name): authenticated (\(device.kind), firmware \(handshake.firmware.isEmpty ? "?" : LogText.escaped(handshake.firmware)))")
    }

    /// Before authentication halld acts on nothing but hello and authenticate; anything
    /// else (an unknown type too) closes the link, after a nak when it asked for an ack.
    private mutating func refuseBeforeAuthentication(_ frame: IncomingFrame, expected: String, _ out: inout SessionOutput) {
        let what: String
        switch frame.message {
        case .success(let message): what = message.typeName
        case .failure(let error): what = "an undecodable frame (\(error))"
        }
        if frame.wantsAck { nak(frame.sequence, .notAuthenticated, "\(expected) first", &out) }
        close(.protocolViolation("\(what) instead of \(expected)"), &out)
    }

    /// A refusal is answered on the wire every time (with its code) and reported to the
    /// ledger, which decides what gets logged.
    private mutating func refuse(_ reason: CloseReason, code: NakCode, deviceID: String?, reason why: String, _ out: inout SessionOutput) {
        counters.authFailures += 1
        out.reports.append(.failed(source: source, deviceID: deviceID, reason: reason.description))
        // The refusal does not say more than the device knows: not whether an id exists.
        emit(.authResult(accepted: false, heartbeatSeconds: 0, reason: why, code: code), nil, &out)
        close(reason, &out)
    }

    // MARK: - Authenticated

    private mutating func receiveAuthenticated(_ frame: IncomingFrame, _ now: Instant, _ out: inout SessionOutput) {
        let message: Message
        switch frame.message {
        case .failure(let error):
            counters.malformed += 1
            out.log(.warning, "\(name): undecodable frame of type 0x\(String(frame.type, radix: 16)): \(error)")
            if frame.wantsAck { nak(frame.sequence, error.nakCode, "\(error)", &out) }
            return
        case .success(let decoded):
            message = decoded
        }
        switch message {
        case .ack(let sequence):
            delivery.settle(sequence)
            return
        case let .nak(sequence, code, detail):
            if let refused = delivery.settle(sequence) { out.events.append(.refused(refused, code: code, detail: detail)) }
            return
        case .hello:
            // The device started again without closing the link (a serial device that
            // rebooted): end this session and begin the next one with this hello.
            out.log(.info, "\(name): hello on an authenticated link: the device restarted")
            end(.restarted, &out)
            delivery.reset()
            phase = .awaitingHello(since: now)
            return receiveHello(frame, handshakeSince: now, now, &out)
        case .authenticate:
            return close(.protocolViolation("authenticate on an authenticated link"), &out)
        default:
            break
        }
        if frame.wantsAck {
            // 0 belongs to acks and naks; a frame that asks for an ack with it could never
            // be told apart from its own retransmits.
            if frame.sequence == SequenceNumber.unacknowledged {
                return nak(frame.sequence, .malformedPayload, "sequence 0 is reserved for ack and nak", &out)
            }
            if delivery.isDuplicate(frame.sequence) {
                counters.duplicates += 1
                return ack(frame.sequence, &out)
            }
        }
        switch message {
        case let .heartbeat(state, battery, position):
            if frame.wantsAck { ack(frame.sequence, &out) }
            out.events.append(.heartbeat(state: state, battery: battery, position: position))
        case let .query(queryID, text, language, confidence, newVisitor):
            guard takeQueryToken(now) else {
                counters.rateLimited += 1
                delivery.forget(frame.sequence)  // a retransmit is judged again, not re-acked
                return nak(frame.sequence, .rateLimited, "too many questions", &out)
            }
            // Acked on receipt, before it is answered: the answer may take longer than the
            // device waits for its ack.
            if frame.wantsAck { ack(frame.sequence, &out) }
            out.events.append(.query(queryID: queryID, text: text, language: language, confidence: confidence, newVisitor: newVisitor))
        case let .leadProgress(leadID, status, position):
            if frame.wantsAck { ack(frame.sequence, &out) }
            out.events.append(.leadProgress(leadID: leadID, status: status, position: position))
        default:
            // halld's own messages coming back: not for a device to send (§3).
            if frame.wantsAck {
                delivery.forget(frame.sequence)
                nak(frame.sequence, .unknownType, "\(message.typeName) is sent by halld, not devices", &out)
            }
        }
    }

    private mutating func takeQueryToken(_ now: Instant) -> Bool {
        guard isAuthenticated else { return false }
        return queries.take(now: now)
    }

    // MARK: - Output

    private mutating func ack(_ sequence: UInt16, _ out: inout SessionOutput) {
        out.writes.append(.ack(sequence))
    }

    private mutating func nak(_ sequence: UInt16, _ code: NakCode, _ detail: String, _ out: inout SessionOutput) {
        counters.naksSent += 1
        out.writes.append(.nak(sequence, code, detail))
    }

    /// Sends a message to the authenticated device; acked ones are kept for retransmit.
    public mutating func send(_ message: Message, now: Instant) -> SessionOutput {
        var out = SessionOutput()
        send(message, now: now, into: &out)
        return out
    }

    /// `send`, adding to output already under way (a link sending several replies in a row
    /// builds one output for them, not one each).
    public mutating func send(_ message: Message, now: Instant, into out: inout SessionOutput) {
        guard case .authenticated = phase else {
            out.log(.debug, "\(name): dropped \(message.typeName): not authenticated")
            return
        }
        // A newer route on a screen makes the older one pointless: stop retransmitting it,
        // so a busy hall's displays never fill the window and crowd out what matters.
        switch message {
        case .display: delivery.withdraw { if case .display = $0 { true } else { false } }
        case .notice(let topic, _): delivery.withdraw { if case .notice(topic, _) = $0 { true } else { false } }
        default: break
        }
        emit(message, now, &out)
    }

    /// Frames a message (`now` nil: no acked message is sent then).
    private mutating func emit(_ message: Message, _ now: Instant?, _ out: inout SessionOutput) {
        do {
            let (framed, dropped) = try delivery.frame(message, now: now ?? .zero)
            counters.framesOut += 1
            out.writes.append(framed)
            if let now, isAuthenticated { lastSent = now }
            if let dropped {
                out.events.append(.undelivered(dropped, .windowFull))
                out.log(.notice, "\(name): gave up \(dropped.typeName): \(timing.maxPending) messages wait for acks")
            }
        } catch {
            counters.unsendable += 1
            out.log(.warning, "\(name): cannot send \(message.typeName): \(error)")
        }
    }

    // MARK: - Time

    /// Retransmits what is overdue, sends the challenge an admission delayed, keeps the
    /// link alive both ways, and ends sessions gone silent or handshakes too slow.
    public mutating func tick(now: Instant) -> SessionOutput {
        var out = SessionOutput()
        switch phase {
        case .closed:
            break
        case .awaitingHello(let since):
            if let since, now >= since + timing.handshakeTimeout { close(.handshakeTimeout, &out) }
        case .admitting(let handshake):
            if now >= handshake.since + timing.handshakeTimeout {
                close(.handshakeTimeout, &out)
            } else if let at = handshake.challengeAt, now >= at {
                challenge(handshake, now, &out)
            }
        case .challenged(let handshake):
            if now >= handshake.since + timing.handshakeTimeout { close(.handshakeTimeout, &out) }
        case .authenticated:
            if now >= lastHeard + timing.silenceLimit {
                out.log(.warning, "\(name): nothing heard for \(timing.silenceLimit)")
                return closing(.heartbeatTimeout, out)
            }
            let (resend, failed) = delivery.overdue(now: now)
            counters.retransmits += resend.count
            out.writes += resend
            for (sequence, message) in failed {
                out.events.append(.undelivered(message, .notAcknowledged))
                out.log(.warning, "\(name): \(message.typeName) #\(sequence) not acknowledged after \(timing.maxRetransmits) retransmits")
            }
            // Liveness the other way (PROTOCOL.md §9): a device that hears nothing for
            // three intervals reconnects, so an idle link gets a heartbeat from us.
            if now >= lastSent + timing.heartbeatInterval {
                emit(.heartbeat(state: .idle, battery: 255, position: Position()), now, &out)
            }
        }
        return out
    }

    private mutating func closing(_ reason: CloseReason, _ out: SessionOutput) -> SessionOutput {
        var out = out
        close(reason, &out)
        return out
    }

    // MARK: - Ending

    /// Ends the session and asks the link to close (after writing what is in `out`).
    public mutating func close(_ reason: CloseReason) -> SessionOutput {
        var out = SessionOutput()
        close(reason, &out)
        return out
    }

    /// The transport went away.
    public mutating func linkClosed() -> SessionOutput {
        var out = SessionOutput()
        if !isClosed {
            end(.linkClosed, &out)
            phase = .closed(.linkClosed)
        }
        return out
    }

    private mutating func close(_ reason: CloseReason, _ out: inout SessionOutput) {
        guard !isClosed else { return }
        end(reason, &out)
        phase = .closed(reason)
        out.close = reason
    }

    /// Tells the hall an authenticated device's session is over.
    private func end(_ reason: CloseReason, _ out: inout SessionOutput) {
        if case .authenticated = phase { out.events.append(.ended(reason)) }
    }
}
