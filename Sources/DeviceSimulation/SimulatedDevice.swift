import DeviceProtocol
import DeviceSessions
import Foundation
import HallTime

/// A robot or index screen as its firmware would behave: connects, authenticates, sends
/// heartbeats and questions, acks what halld sends, and remembers leads and displays.
public final class SimulatedDevice {
    public let id: String
    public let kind: DeviceKind
    let transport: any ByteTransport
    var session: DeviceClientSession
    private var decoder = FrameDecoder()
    /// Everything halld sent besides answers, in order.
    public private(set) var received: [DeviceClientSession.Event] = []
    /// Answers not yet collected, with when their bytes were read.
    private var answers: [UInt32: (Answer, Instant)] = [:]
    /// When the next heartbeat is due, once authenticated (firmware sends them on a timer).
    private var nextHeartbeat: Instant?
    private var heartbeatInterval: Duration = .seconds(5)
    /// The device's own clock: firmware reads real time.
    let clock: any HallClock
    /// What heartbeats report.
    public var state = RobotState.idle

    public init(id: String, kind: DeviceKind, key: [UInt8], transport: any ByteTransport, clock: any HallClock = SystemClock()) {
        self.id = id
        self.kind = kind
        self.transport = transport
        self.clock = clock
        session = DeviceClientSession(deviceID: id, kind: kind, key: key, clientNonce: Nonce.make())
    }

    /// Hello, challenge, proof: returns once halld accepted (or throws with its reason).
    public func connect(firmware: String = "hallsim 1", timeoutMilliseconds: Int = 3000) throws(SimulationError) {
        let capabilities: Capabilities = kind == .robot ? [.lead, .voice, .audio] : [.display, .voice]
        try write(encoded { () throws(MessageEncodeError) in try session.hello(firmware: firmware, capabilities: capabilities, now: clock.now()) })
        try pump(timeoutMilliseconds: timeoutMilliseconds, waitingFor: "authentication") { [unowned self] () throws(SimulationError) -> Bool in
            if case .refused(let reason, _) = received.last { throw SimulationError.refused(reason) }
            return session.phase == .ready
        }
    }

    /// Asks a question and waits for its answer.
    public func ask(_ text: String, language: String = "", newVisitor: Bool = false,
                    timeoutMilliseconds: Int = 3000) throws(SimulationError) -> Answer {
        try timedAsk(text, language: language, newVisitor: newVisitor, timeoutMilliseconds: timeoutMilliseconds).answer
    }

    /// Asks a question; returns the answer and the monotonic times the query was written
    /// and the answer's bytes were read (before this device's acks go back).
    public func timedAsk(_ text: String, language: String = "", newVisitor: Bool = false,
                         timeoutMilliseconds: Int = 3000) throws(SimulationError) -> (answer: Answer, sentAt: Instant, receivedAt: Instant) {
        let sentAt = clock.now()
        let (bytes, queryID) = try encoded { () throws(MessageEncodeError) in try session.query(text, language: language, newVisitor: newVisitor, now: sentAt) }
        try write(bytes)
        try pump(timeoutMilliseconds: timeoutMilliseconds, waitingFor: "the answer to \(queryID)") { [unowned self] () throws(SimulationError) -> Bool in
            if let nak = received.last, case let .nak(_, code, detail) = nak, code == .rateLimited { throw SimulationError.refused("\(code): \(detail)") }
            return answers[queryID] != nil
        }
        let (answer, receivedAt) = answers.removeValue(forKey: queryID)!
        return (answer, sentAt, receivedAt)
    }

    public func send(_ message: Message) throws(SimulationError) {
        try write(encoded { () throws(MessageEncodeError) in try session.send(message, now: clock.now()).bytes })
    }

    public func heartbeat(state: RobotState = .idle, battery: UInt8 = 90, position: Position = Position()) throws(SimulationError) {
        try send(.heartbeat(state: state, battery: battery, position: position))
    }

    /// Reads and handles frames until `done` holds or the time is up.
    public func pump(timeoutMilliseconds: Int, waitingFor what: String,
                     until done: () throws(SimulationError) -> Bool) throws(SimulationError) {
        let deadline = clock.now() + .milliseconds(timeoutMilliseconds)
        while try !done() {
            let now = clock.now()
            guard now < deadline else { throw .timeout(what) }
            let bytes: [UInt8]
            do {
                bytes = try transport.read(timeoutMilliseconds: Int32(min(50, (deadline - now).nanosecondCount / 1_000_000 + 1)))
            } catch {
                throw .transport(error)
            }
            let readAt = clock.now()
            decoder.append(bytes)
            // Acks for everything in one read leave in one write, as firmware would batch them.
            var replies: [UInt8] = []
            while let event = decoder.next() {
                guard case .frame(let frame) = event else { continue }
                let (writes, events) = session.receive(frame, now: readAt)
                for w in writes { replies += w }
                for e in events {
                    if case .answer(let a) = e { answers[a.queryID] = (a, readAt) } else { received.append(e) }
                    if case .authenticated(let seconds) = e {
                        heartbeatInterval = .seconds(Int(max(1, seconds)))
                        nextHeartbeat = clock.now() + heartbeatInterval
                    }
                }
            }
            if !replies.isEmpty { try write(replies) }
            if let due = nextHeartbeat, clock.now() >= due {
                nextHeartbeat = due + heartbeatInterval
                try heartbeat(state: state)
            }
            let (resend, failed) = session.tick(now: clock.now())
            for w in resend { try write(w) }
            received += failed
        }
    }

    /// Handles whatever arrives for a while (acks, displays, leads).
    public func listen(milliseconds: Int) throws(SimulationError) {
        let end = clock.now() + .milliseconds(milliseconds)
        try pump(timeoutMilliseconds: milliseconds + 1000, waitingFor: "nothing") { clock.now() >= end }
    }

    public func close() { transport.close() }

    private func encoded<T>(_ body: () throws(MessageEncodeError) -> T) throws(SimulationError) -> T {
        do { return try body() } catch { throw .unsendable("\(error)") }
    }

    private func write(_ bytes: [UInt8]) throws(SimulationError) {
        do { try transport.write(bytes) } catch { throw .transport(error) }
    }
}

public enum SimulationError: Error, CustomStringConvertible, Equatable {
    case transport(TransportError)
    case refused(String)
    case timeout(String)
    case unsendable(String)

    public var description: String {
        switch self {
        case .unsendable(let why): "cannot encode: \(why)"
        case .transport(let e): "\(e)"
        case .refused(let why): "refused by halld: \(why)"
        case .timeout(let what): "timed out waiting for \(what)"
        }
    }
}
