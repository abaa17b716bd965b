import DeviceLinks
import DeviceProtocol
import DeviceSessions
import Foundation
import HallTime
import Synchronization

/// A robot or screen of a `TestHall`, as its firmware would behave, on an in-memory link:
/// what it writes reaches halld's link session at once, and what halld writes is read
/// when the device next looks, with its acks going straight back. No threads, no sockets.
public final class TestDevice {
    public let id: String
    public let kind: DeviceKind
    private var session: DeviceClientSession
    private let link: InMemoryLink
    private var decoder = FrameDecoder()
    unowned let hall: TestHall
    /// Everything halld sent besides answers, in order (read as the device reads: what
    /// halld wrote since is taken first).
    public var received: [DeviceClientSession.Event] {
        pump()
        return heard
    }
    private var heard: [DeviceClientSession.Event] = []
    private var answers: [UInt32: Answer] = [:]
    /// Whether the device sends heartbeats on its own, as firmware does.
    public var sendsHeartbeats = true
    /// What its heartbeats report.
    public var state = RobotState.idle
    public var capabilities: Capabilities
    private var nextHeartbeat: Instant?
    private var heartbeatInterval: Duration = .seconds(5)
    /// Time spent in halld's side of the link (decode, session, conversation, encode),
    /// measured on the system's clock: the benchmark's figure.
    public private(set) var halldTime: Duration = .zero

    init(id: String, kind: DeviceKind, key: [UInt8], source: String, hall: TestHall) {
        self.id = id
        self.kind = kind
        self.hall = hall
        capabilities = kind == .robot ? [.lead, .voice, .audio] : [.display, .voice]
        session = DeviceClientSession(deviceID: id, kind: kind, key: key, clientNonce: Nonce.make())
        link = InMemoryLink(peer: "\(source):\(UInt16.random(in: 1024...65535))", source: source, hall: hall)
    }

    public var isReady: Bool { session.phase == .ready && !link.closed }
    public var isClosed: Bool { link.closed }

    // MARK: - What firmware does

    /// Hello, challenge, proof; throws with halld's reason when refused.
    public func connect(firmware: String = "testkit 1") throws(TestDeviceError) {
        let bytes: [UInt8]
        do { bytes = try session.hello(firmware: firmware, capabilities: capabilities, now: hall.clock.now()) } catch { throw .unsendable("\(error)") }
        write(bytes)
        // A penalised source is challenged after a pause: let the clock run until it is.
        var waited: Duration = .zero
        while session.phase == .authenticating, !link.closed, waited < hall.timing.handshakeTimeout {
            hall.advance(by: .milliseconds(100))
            waited += .milliseconds(100)
        }
        if case let .refused(reason, code)? = heard.last(where: { if case .refused = $0 { true } else { false } }) {
            throw .refused(reason, code)
        }
        guard session.phase == .ready else { throw link.closed ? .disconnected : .noAnswer("hello") }
    }

    /// Asks and returns halld's answer (which in memory comes at once).
    public func ask(_ text: String, language: String = "", newVisitor: Bool = false) throws(TestDeviceError) -> Answer {
        guard !link.closed else { throw .disconnected }
        let query: (bytes: [UInt8], queryID: UInt32)
        do { query = try session.query(text, language: language, newVisitor: newVisitor, now: hall.clock.now()) } catch { throw .unsendable("\(error)") }
        write(query.bytes)
        if let answer = answers.removeValue(forKey: query.queryID) { return answer }
        if case let .nak(_, code, detail)? = heard.last { throw .refused(detail, code) }
        throw .noAnswer("'\(text)'")
    }

    public func send(_ message: Message) throws(TestDeviceError) {
        guard !link.closed else { throw .disconnected }
        do { write(try session.send(message, now: hall.clock.now()).bytes) } catch { throw .unsendable("\(error)") }
    }

    /// Raw bytes on the link, as a broken or hostile device would send them.
    public func sendBytes(_ bytes: [UInt8]) { write(bytes) }

    public func heartbeat(battery: UInt8 = 90, position: Position = Position()) throws(TestDeviceError) {
        try send(.heartbeat(state: state, battery: battery, position: position))
    }

    /// The device goes away (a pulled plug).
    public func disconnect() { link.transportClosed() }

    // MARK: - What halld sent

    public var leads: [(leadID: UInt32, destination: String, route: [RoutePoint])] {
        received.compactMap { if case let .lead(id, destination, route) = $0 { (id, destination, route) } else { nil } }
    }

    public var displays: [(displayID: UInt32, destination: String, title: String, route: [RoutePoint])] {
        received.compactMap { if case let .display(id, destination, title, _, route, _) = $0 { (id, destination, title, route) } else { nil } }
    }

    public var recalls: [String] { received.compactMap { if case .recall(let reason) = $0 { reason } else { nil } } }

    public var notices: [NoticeTopic] { received.compactMap { if case .notice(let topic, _) = $0 { topic } else { nil } } }

    /// halld's heartbeats heard on this link.
    public var heartbeatsHeard: Int { received.filter { $0 == .heartbeat }.count }

    public func forgetReceived() { heard.removeAll() }

    // MARK: - The link

    private func write(_ bytes: [UInt8]) {
        let started = Instant.monotonicNow()
        link.fromDevice(bytes)
        halldTime += Instant.monotonicNow() - started
        pump()
    }

    /// Reads what halld wrote and answers it (acks, the proof), until there is nothing more.
    func pump() {
        while true {
            let bytes = link.takeToDevice()
            guard !bytes.isEmpty else { return }
            decoder.append(bytes)
            var replies: [UInt8] = []
            while let event = decoder.next() {
                guard case .frame(let frame) = event else { continue }
                let (writes, events) = session.receive(frame, now: hall.clock.now())
                for w in writes { replies += w }
                for e in events {
                    if case .answer(let a) = e { answers[a.queryID] = a } else { heard.append(e) }
                    if case .authenticated(let seconds) = e {
                        heartbeatInterval = .seconds(Int(max(1, seconds)))
                        nextHeartbeat = hall.clock.now() + heartbeatInterval
                    }
                }
            }
            if !replies.isEmpty {
                let started = Instant.monotonicNow()
                link.fromDevice(replies)
                halldTime += Instant.monotonicNow() - started
            }
        }
    }

    /// One step of the clock: halld's link ticks, then the device does what is due.
    func tick() {
        link.tick()
        pump()
        let now = hall.clock.now()
        if sendsHeartbeats, !link.closed, session.phase == .ready, let due = nextHeartbeat, now >= due {
            nextHeartbeat = due + heartbeatInterval
            try? heartbeat()
        }
        let (resend, failed) = session.tick(now: now)
        for w in resend { write(w) }
        heard += failed
    }

    public func resetHalldTime() { halldTime = .zero }
}

/// halld's end of an in-memory link: a real link session whose transport is a buffer the
/// device reads. Used from one thread only (the test's), which it checks.
final class InMemoryLink: DeviceLink, LinkTransport, @unchecked Sendable {
    let peer: String
    let transport = "memory"
    private(set) var closed = false
    private var toDevice: [UInt8] = []
    private var session: LinkSession!
    private let thread = pthread_self()

    init(peer: String, source: String, hall: TestHall) {
        self.peer = peer
        session = LinkSession(hub: hall.hub, handler: hall.conversation, timing: hall.timing, peer: peer, source: source,
                              clock: hall.clock, logger: hall.logger, transport: self)
        session.link = self
    }

    private func confined() {
        precondition(pthread_equal(thread, pthread_self()) != 0, "a TestHall is used from one thread only")
    }

    func fromDevice(_ bytes: [UInt8]) {
        confined()
        guard !closed else { return }
        session.received(bytes)
    }

    func takeToDevice() -> [UInt8] {
        defer { toDevice.removeAll(keepingCapacity: true) }
        return toDevice
    }

    func tick() {
        guard !closed else { return }
        session.tick()
    }

    func transportClosed() {
        guard !closed else { return }
        closed = true
        session.transportClosed()
    }

    // MARK: DeviceLink: the hub delivers here (another device's answer made a display).

    func deliver(_ message: Message) {
        confined()
        guard !closed else { return }
        session.send(message)
    }

    func close(_ reason: CloseReason) {
        confined()
        guard !closed else { return }
        session.close(reason)
    }

    // MARK: LinkTransport

    func write(_ frames: [OutgoingFrame]) { toDevice += BinaryFraming.bytes(frames) }

    func close() {
        guard !closed else { return }
        closed = true
        session.transportClosed()
    }
}
