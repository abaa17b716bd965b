import DeviceProtocol

/// What a device session tells the hall.
public enum SessionEvent: Sendable, Hashable {
    case authenticated(deviceID: String, kind: DeviceKind, firmware: String, capabilities: Capabilities)
    case heartbeat(deviceID: String, state: RobotState, battery: UInt8, position: Position)
    case query(deviceID: String, queryID: UInt32, text: String, language: String, confidence: UInt8)
    case leadProgress(deviceID: String, leadID: UInt32, status: LeadStatus, position: Position)
    /// An acked message was not acknowledged after every retransmit.
    case deliveryFailed(deviceID: String, sequence: UInt16)
    /// The device answered one of our messages with a nak.
    case refused(deviceID: String, sequence: UInt16, code: NakCode, detail: String)
}

/// Why a session ended.
public enum CloseReason: Sendable, Hashable, CustomStringConvertible {
    case unknownDevice(String)
    case authenticationFailed(String)
    case lockedOut(String)
    case handshakeTimeout
    case heartbeatTimeout
    case protocolViolation(String)
    case linkClosed
    case replaced

    public var description: String {
        switch self {
        case .unknownDevice(let id): "unknown device '\(id)'"
        case .authenticationFailed(let id): "authentication failed for '\(id)'"
        case .lockedOut(let key): "locked out after repeated failures: \(key)"
        case .handshakeTimeout: "no hello and authentication in time"
        case .heartbeatTimeout: "heartbeats stopped"
        case .protocolViolation(let what): "protocol violation: \(what)"
        case .linkClosed: "link closed"
        case .replaced: "replaced by a newer link of the same device"
        }
    }
}

/// A line for the log; sessions decide what to say, the edge decides where it goes.
public struct SessionLog: Sendable, Hashable {
    public enum Level: Sendable, Hashable { case debug, info, warning }
    public var level: Level
    public var message: String
}

/// What one step of a session produced: bytes to write, events for the hall, log lines,
/// and whether to close the link after writing.
public struct SessionOutput: Sendable {
    public var writes: [[UInt8]] = []
    public var events: [SessionEvent] = []
    public var logs: [SessionLog] = []
    public var close: CloseReason?

    public init() {}

    mutating func log(_ level: SessionLog.Level, _ message: String) {
        logs.append(SessionLog(level: level, message: message))
    }
}
