import DeviceProtocol
import Logging

/// The part both transports share: bytes in → frames → session → events to the hall →
/// replies out. Confined to its link's executor (an event loop, or a serial port thread).
final class SessionDriver {
    private var decoder = FrameDecoder()
    private(set) var session: DeviceSession
    let hub: DeviceHub
    let logger: Logger
    private let clock: @Sendable () -> UInt64
    /// Writes encoded frames to the transport.
    private let write: ([[UInt8]]) -> Void
    /// Closes the transport.
    private let close: () -> Void
    weak var link: (any DeviceLink)?
    private var registered = false
    /// When bytes last arrived: a partial frame older than 100 ms is abandoned.
    private var lastBytesAt: UInt64 = 0
    /// Garbage a link may send before it authenticates; past it the link is closed.
    static let unauthenticatedGarbageLimit = 64 * 1024

    init(hub: DeviceHub, timing: SessionTiming, peer: String, address: String, nonce: [UInt8], logger: Logger,
         clock: @escaping @Sendable () -> UInt64, write: @escaping ([[UInt8]]) -> Void, close: @escaping () -> Void) {
        self.hub = hub
        self.logger = logger
        self.clock = clock
        self.write = write
        self.close = close
        session = DeviceSession(roster: hub.roster, authGuard: hub.authGuard, timing: timing, peer: peer, address: address,
                                serverNonce: nonce, now: clock())
    }

    var deviceID: String? { session.deviceID }

    func received(_ bytes: some Sequence<UInt8>) {
        lastBytesAt = clock()
        decoder.append(bytes)
        drain()
        // A stranger sending only noise costs CRC work for nothing: hang up on it.
        if session.phase != .authenticated && session.phase != .closed
            && decoder.counters.resyncBytes > Self.unauthenticatedGarbageLimit {
            logger.warning("\(session.peer): closing: \(decoder.counters.resyncBytes) bytes of noise before authenticating")
            session.linkClosed()
            close()
        }
    }

    private func drain() {
        while let event = decoder.next() {
            switch event {
            case .frame(let frame):
                apply(session.receive(frame, now: clock()))
            case let .discarded(_, reason, sample, offset):
                hub.recordMalformed(MalformedInput(peer: session.peer, device: session.deviceID, at: clock(),
                                                   reason: "\(reason)", bytes: sample, offset: offset))
                // A valid frame of another protocol version that asked for an ack gets a nak.
                if case let .unsupportedVersion(_, _, sequence, flags) = reason, flags.contains(.ackRequested) {
                    write([(try? MessageCodec.frame(.nak(sequence: sequence, code: .unsupportedVersion, detail: "this halld speaks version 1"),
                                                    sequence: SequenceNumber.unacknowledged)) ?? []])
                }
            }
            if session.phase == .closed { return }
        }
    }

    func send(_ message: Message) {
        apply(session.send(message, now: clock()))
    }

    func tick() {
        // Line noise that looked like a header must not hold a real frame back until the
        // next bytes arrive (maybe a heartbeat, seconds later).
        if decoder.bufferedByteCount > 0 && clock() - lastBytesAt > 100_000_000 {
            decoder.abandonPartialFrame()
            drain()
        }
        apply(session.tick(now: clock()))
    }

    /// The transport is gone (peer closed, port vanished).
    func transportClosed() {
        guard session.phase != .closed || registered else { return }
        session.linkClosed()
        finish(.linkClosed)
    }

    private func finish(_ reason: CloseReason) {
        if let link, registered {
            registered = false
            hub.linkDown(link, device: session.device, reason: reason)
        }
    }

    private func apply(_ output: SessionOutput) {
        for line in output.logs {
            switch line.level {
            case .debug: logger.debug("\(line.message)")
            case .info: logger.info("\(line.message)")
            case .warning: logger.warning("\(line.message)")
            }
        }
        var writes = output.writes
        var replies: [Message] = []
        if let device = session.device {
            if !output.events.isEmpty { hub.seen(device.id, now: clock()) }
            for event in output.events {
                if case let .authenticated(_, _, firmware, _) = event, let link {
                    registered = true
                    hub.linkUp(link, device: device, firmware: firmware, now: clock())
                }
                if let sink = hub.currentSink { replies += sink.handle(event, from: device, hub: hub) }
            }
        }
        // The ack, the answer and a lead leave in one write: one syscall, one segment.
        for reply in replies { writes += session.send(reply, now: clock()).writes }
        if !writes.isEmpty { write(writes) }
        if let reason = output.close {
            logger.info("\(session.peer): closing: \(reason)")
            finish(reason)
            close()
        }
    }
}
