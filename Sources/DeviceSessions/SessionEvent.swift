import DeviceProtocol
import HallTime

/// What an authenticated device session tells the hall. The device is known to the link,
/// so events do not repeat it.
public enum SessionEvent: Sendable, Hashable {
    /// The proof was right: the device is on this link.
    case authenticated(DeviceCredentials, firmware: String, capabilities: Capabilities)
    case heartbeat(state: RobotState, battery: UInt8, position: Position)
    case query(queryID: UInt32, text: String, language: String, confidence: UInt8, newVisitor: Bool)
    case leadProgress(leadID: UInt32, status: LeadStatus, position: Position)
    /// The device refused one of our messages with a nak.
    case refused(Message, code: NakCode, detail: String)
    /// One of our acked messages was given up: never acknowledged, or pushed out of the window.
    case undelivered(Message, UndeliveredReason)
    /// The device's session is over: the link is closing, or the device started again
    /// with a new hello on the same link.
    case ended(CloseReason)
}

public enum UndeliveredReason: Sendable, Hashable {
    case notAcknowledged
    case windowFull
}

/// Why a session ended. Kept by the session once closed.
public enum CloseReason: Sendable, Hashable, CustomStringConvertible {
    case unknownDevice(String)
    case wrongKind(String)
    case authenticationFailed(String)
    case handshakeTimeout
    case heartbeatTimeout
    case protocolViolation(String)
    case linkClosed
    /// A newer link of the same device took over.
    case replaced
    /// The device sent hello again on this link (it restarted).
    case restarted
    /// halld is stopping.
    case shutdown
    /// The link's input was noise past the limit before it authenticated.
    case noise(bytes: Int)
    /// Too many connections were waiting in their handshake; this, the oldest, made room.
    case evicted

    public var description: String {
        switch self {
        case .unknownDevice(let id): "unknown device '\(LogText.escaped(id))'"
        case .wrongKind(let id): "device '\(LogText.escaped(id))' said hello as the wrong kind"
        case .authenticationFailed(let id): "authentication failed for '\(LogText.escaped(id))'"
        case .handshakeTimeout: "no hello and authentication in time"
        case .heartbeatTimeout: "heartbeats stopped"
        case .protocolViolation(let what): "protocol violation: \(what)"
        case .linkClosed: "link closed"
        case .replaced: "replaced by a newer link of the same device"
        case .restarted: "the device said hello again (restarted)"
        case .shutdown: "halld is stopping"
        case .noise(let bytes): "\(bytes) bytes of noise before authenticating"
        case .evicted: "too many connections waiting to authenticate: the oldest made room"
        }
    }

    /// A close that says something about the peer (to be rate-limited per source in the
    /// log) rather than about the hall.
    public var isRefusal: Bool {
        switch self {
        case .unknownDevice, .wrongKind, .authenticationFailed, .handshakeTimeout, .protocolViolation, .noise, .evicted: true
        case .heartbeatTimeout, .linkClosed, .replaced, .restarted, .shutdown: false
        }
    }
}

/// A line for the log; sessions decide what to say, the edge decides where it goes.
public struct SessionLog: Sendable, Hashable {
    public enum Level: Sendable, Hashable { case debug, info, notice, warning }
    public var level: Level
    public var message: String
}

/// A hello arrived: before it is challenged, the link asks the hall's ledger of failures
/// whether this source must wait (`DeviceSession.admit`).
public struct AdmissionRequest: Sendable, Hashable {
    public var deviceID: String
    /// The remote address (or serial port) the hello came from.
    public var source: String

    public init(deviceID: String, source: String) {
        self.deviceID = deviceID
        self.source = source
    }
}

/// The ledger's answer: challenge now, or after a pause that slows a guessing source
/// down without ever refusing the key's holder.
public enum Admission: Sendable, Hashable {
    case challenge
    case challengeAt(Instant)
}

/// What the ledger of failures needs to hear about one handshake.
public enum AuthReport: Sendable, Hashable {
    /// A refusal from `source`; `deviceID` when the id was configured (a wrong proof).
    case failed(source: String, deviceID: String?, reason: String)
    case succeeded(source: String, deviceID: String)
}

/// What one step of a session produced: frames to write (in order, before anything the
/// hall replies), events for the hall, log lines, handshake reports for the ledger, an
/// admission to decide, and whether to close the link after writing.
public struct SessionOutput: Sendable {
    public var writes: [OutgoingFrame] = []
    public var events: [SessionEvent] = []
    public var logs: [SessionLog] = []
    public var reports: [AuthReport] = []
    public var admission: AdmissionRequest?
    public var close: CloseReason?

    public init() {}

    mutating func log(_ level: SessionLog.Level, _ message: String) {
        logs.append(SessionLog(level: level, message: message))
    }

    /// Appends another step's output (it happened after this one).
    public mutating func append(_ other: SessionOutput) {
        writes += other.writes
        events += other.events
        logs += other.logs
        reports += other.reports
        admission = other.admission ?? admission
        close = other.close ?? close
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

    public init() {}

    public static func + (a: SessionCounters, b: SessionCounters) -> SessionCounters {
        var c = a
        c.framesIn += b.framesIn; c.framesOut += b.framesOut; c.malformed += b.malformed; c.naksSent += b.naksSent
        c.duplicates += b.duplicates; c.retransmits += b.retransmits; c.rateLimited += b.rateLimited
        c.authFailures += b.authFailures; c.unsendable += b.unsendable
        return c
    }
}
