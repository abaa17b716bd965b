import DeviceProtocol
import DeviceSessions
import HallTime
import Logging

/// Where a link session's frames go: a binary stream (TCP, serial, an in-memory pipe)
/// or a WebSocket's JSON texts. Called on the link's executor.
public protocol LinkTransport: AnyObject {
    /// Writes the frames, in order, in one go where the transport can.
    func write(_ frames: [OutgoingFrame])
    /// Closes the transport once what was written has gone.
    func close()
}

/// What every transport shares: input → frames → session → events to the hall →
/// replies out, and the handshake reports carried to the hub's ledger. Confined to its
/// link's executor (an event loop, a serial port's thread, a test's thread).
public final class LinkSession {
    public private(set) var session: DeviceSession
    let hub: DeviceHub
    let handler: any DeviceEventHandler
    let logger: Logger
    let clock: any HallClock
    let timing: SessionTiming
    private let transport: any LinkTransport
    private var decoder = FrameDecoder()
    /// The hub's handle on this link, for registration.
    public weak var link: (any DeviceLink)?
    /// The device once registered with the hub.
    private var registered: (credentials: DeviceCredentials, linked: LinkedDevice)?
    /// When bytes last arrived: a partial frame held longer than the timeout is abandoned.
    private var lastBytesAt: Instant
    private var reportedCounters = SessionCounters()
    /// Garbage a link may send before it authenticates; past it the link is closed.
    public static let unauthenticatedNoiseLimit = 64 * 1024

    public init(hub: DeviceHub, handler: any DeviceEventHandler, timing: SessionTiming, peer: String, source: String,
                clock: any HallClock, logger: Logger, transport: any LinkTransport,
                nonces: @escaping @Sendable () -> [UInt8] = { Nonce.make() }) {
        self.hub = hub
        self.handler = handler
        self.logger = logger
        self.clock = clock
        self.timing = timing
        self.transport = transport
        lastBytesAt = clock.now()
        session = DeviceSession(roster: hub.roster, timing: timing, peer: peer, source: source, nonces: nonces, now: clock.now())
    }

    public var deviceID: String? { session.device?.id }

    // MARK: - Input

    /// Bytes from a binary transport.
    public func received(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { received($0) }
    }

    /// Bytes from a binary transport, in memory (a socket's read buffer).
    public func received(_ bytes: UnsafeRawBufferPointer) {
        let now = clock.now()
        lastBytesAt = now
        session.inputArrived(now: now)
        // At most a frame's worth at a time, so the noise limit is checked within a read.
        var rest = bytes[...]
        while !rest.isEmpty, !session.isClosed {
            let chunk = rest.prefix(FrameLayout.maxFrameSize)
            rest = rest.dropFirst(chunk.count)
            decoder.append(UnsafeRawBufferPointer(rebasing: chunk))
            drain()
            if !session.isAuthenticated, !session.isClosed, decoder.counters.resyncBytes > Self.unauthenticatedNoiseLimit {
                apply(session.close(.noise(bytes: decoder.counters.resyncBytes)))
            }
        }
    }

    /// A frame from a transport that frames by itself (a WebSocket message).
    public func received(_ frame: IncomingFrame) {
        let now = clock.now()
        lastBytesAt = now
        session.inputArrived(now: now)
        apply(session.receive(frame, now: now))
    }

    /// A text of the WebSocket device API, read (firmware-protocol/JSON.md §5): a frame goes
    /// to the session as a binary one would; a refused message is the session's to nak
    /// (as an undecodable payload is); another version is naked here, as `drain` does for
    /// binary frames; an unreadable text is counted and dropped, the link staying open.
    public func received(_ event: JSONFrameEvent, sample: [UInt8]) {
        switch event {
        case .frame(let frame):
            received(IncomingFrame(sequence: frame.sequence, flags: frame.flags, type: frame.message.type.rawValue,
                                   message: .success(frame.message)))
        case let .refused(sequence, flags, error):
            received(IncomingFrame(sequence: sequence, flags: flags, type: 0, message: .failure(error)))
        case .unsupportedVersion:
            malformed(reason: "\(event)", sample: sample)
            if let nak = event.nak {
                transport.write([OutgoingFrame(message: nak, sequence: SequenceNumber.unacknowledged, flags: [])])
            }
        case .unreadable(let problem):
            malformed(reason: "\(problem)", sample: sample)
        }
    }

    /// A transport's framing error (a WebSocket text that is no message), for the status.
    public func malformed(reason: String, sample: [UInt8]) {
        hub.recordMalformed(MalformedInput(peer: session.peer, device: session.device?.id, at: clock.now(), reason: reason,
                                           bytes: Array(sample.prefix(64)), offset: 0))
    }

    private func drain() {
        while let event = decoder.next() {
            switch event {
            case .frame(let frame):
                apply(session.receive(IncomingFrame(frame), now: clock.now()))
            case let .discarded(_, reason, sample, offset):
                hub.recordMalformed(MalformedInput(peer: session.peer, device: session.device?.id, at: clock.now(),
                                                   reason: "\(reason)", bytes: sample, offset: offset))
                // A valid frame of another protocol version that asked for an ack gets a nak.
                if case let .unsupportedVersion(_, _, sequence, flags) = reason, flags.contains(.ackRequested) {
                    transport.write([OutgoingFrame(message: .nak(sequence: sequence, code: .unsupportedVersion,
                                                                 detail: "this halld speaks version 1"),
                                                   sequence: SequenceNumber.unacknowledged, flags: [])])
                }
            }
            if session.isClosed { return }
        }
    }

    // MARK: - Output and time

    public func send(_ message: Message) {
        apply(session.send(message, now: clock.now()))
    }

    public func tick() {
        let now = clock.now()
        // Line noise that looked like a header must not hold a real frame back until the
        // next bytes arrive (maybe a heartbeat, seconds later).
        if decoder.bufferedByteCount > 0 && now - lastBytesAt > timing.partialFrameTimeout {
            decoder.abandonPartialFrame()
            drain()
        }
        apply(session.tick(now: now))
        if let device = registered, session.counters != reportedCounters {
            reportedCounters = session.counters
            hub.seen(device.credentials.id, counters: reportedCounters, now: lastBytesAt)
        }
    }

    /// halld is stopping: a robot is told to go back to its station, then the link closes.
    public func shutdown() {
        if registered?.linked.kind == .robot { send(.recall(reason: "halld is stopping")) }
        apply(session.close(.shutdown))
    }

    /// Ends the link for a reason of the hub's (a newer link replaced it).
    public func close(_ reason: CloseReason) {
        if reason == .shutdown { return shutdown() }
        apply(session.close(reason))
    }

    /// The transport is gone (peer closed, port vanished).
    public func transportClosed() {
        apply(session.linkClosed())
    }

    private func apply(_ output: SessionOutput) {
        let now = clock.now()
        for line in output.logs { log(line.level, line.message) }
        var refusalLogged = false
        for report in output.reports {
            guard case let .failed(source, _, reason) = report else {
                _ = hub.record(report, now: now)
                continue
            }
            if case let .log(suppressed) = hub.record(report, now: now) {
                refusalLogged = true
                logger.warning("\(session.peer): refused: \(reason)\(suppressed > 0 ? " (\(suppressed) more from \(source) since the last report)" : "")")
            }
        }
        // Acks and handshake replies first, on their own: the device must not wait for
        // them while the hall thinks about its answer. Except an acceptance: the hall
        // learns the device is here before the device learns it was accepted, so that
        // nothing it or another device asks next misses it.
        let accepted = output.events.contains { if case .authenticated = $0 { true } else { false } }
        var replies = SessionOutput()
        if accepted { for event in output.events { handle(event, now: now, into: &replies) } }
        if !output.writes.isEmpty { transport.write(output.writes) }
        if let request = output.admission {
            apply(session.admit(hub.admit(request, now: now), now: now))
        }
        if !accepted { for event in output.events { handle(event, now: now, into: &replies) } }
        // Undelivered messages and log lines from sending the replies go round once more
        // (what the hall says to those is not sent).
        for line in replies.logs { log(line.level, line.message) }
        if !replies.writes.isEmpty { transport.write(replies.writes) }
        for event in replies.events {
            var unsent = SessionOutput()
            handle(event, now: now, into: &unsent)
        }
        if let reason = output.close {
            if reason.isRefusal {
                if !refusalLogged, case let .log(suppressed) = hub.mayLog(source: session.source, now: now) {
                    logger.info("\(session.peer): closing: \(reason)\(suppressed > 0 ? " (\(suppressed) more from this source kept quiet)" : "")")
                }
            } else {
                logger.info("\(session.peer): closing: \(reason)")
            }
            transport.close()
        }
    }

    /// One event to the hall; the hall's replies are sent, their output added to `out`.
    private func handle(_ event: SessionEvent, now: Instant, into out: inout SessionOutput) {
        switch event {
        case let .authenticated(credentials, firmware, capabilities):
            let linked = LinkedDevice(id: credentials.id, kind: credentials.kind, station: credentials.station, capabilities: capabilities)
            registered = (credentials, linked)
            reportedCounters = session.counters
            if let link { hub.linkUp(link, device: credentials, firmware: firmware, now: now) }
            for reply in handler.handle(event, from: linked, now: now) { session.send(reply, now: now, into: &out) }
        case .ended:
            guard let device = registered else { return }
            registered = nil
            // A link that was replaced by a newer one of the same device goes quietly.
            if let link, hub.linkDown(link, device: device.credentials, counters: session.counters) {
                _ = handler.handle(event, from: device.linked, now: now)
            }
        default:
            guard let device = registered else { return }
            for reply in handler.handle(event, from: device.linked, now: now) { session.send(reply, now: now, into: &out) }
        }
    }

    private func log(_ level: SessionLog.Level, _ message: String) {
        switch level {
        case .debug: logger.debug("\(message)")
        case .info: logger.info("\(message)")
        case .notice: logger.notice("\(message)")
        case .warning: logger.warning("\(message)")
        }
    }
}

/// The JSON form of outgoing frames, for WebSocket transports (firmware-protocol/JSON.md):
/// one text a frame.
public enum JSONFraming {
    /// Each frame's text; one that cannot be encoded (it was validated when it got its
    /// sequence, so this does not happen) is left out.
    public static func texts(_ frames: [OutgoingFrame]) -> [String] {
        frames.compactMap { try? JSONFrameCodec.encode($0.message, sequence: $0.sequence, flags: $0.flags) }
    }
}

/// The binary form of outgoing frames, for stream transports.
public enum BinaryFraming {
    /// The frames' bytes back to back; a frame that cannot be encoded (it was validated
    /// when it got its sequence, so this does not happen) is left out. Sized first, then
    /// each frame built in place: one buffer for the whole write.
    public static func bytes(_ frames: [OutgoingFrame]) -> [UInt8] {
        if frames.count == 1 { return (try? frames[0].binary()) ?? [] }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: frames.count) { sizes in
            var total = 0
            for (index, frame) in frames.enumerated() {
                let size = (try? frame.checkedSize()) ?? -1
                sizes[index] = size
                if size >= 0 { total += FrameLayout.headerSize + size + FrameLayout.trailerSize }
            }
            return [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
                var offset = 0
                for (index, frame) in frames.enumerated() where sizes[index] >= 0 {
                    MessageCodec.writeFrame(validated: frame.message, payloadSize: sizes[index], sequence: frame.sequence,
                                            flags: frame.flags, into: buffer.baseAddress! + offset)
                    offset += FrameLayout.headerSize + sizes[index] + FrameLayout.trailerSize
                }
                count = offset
            }
        }
    }
}
