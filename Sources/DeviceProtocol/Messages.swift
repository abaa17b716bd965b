/// The messages robots, index screens and `halld` exchange (firmware-protocol/PROTOCOL.md).
/// Pure values: the codec turns them into frames and back; sessions and links act on them.

/// What kind of device is speaking.
public enum DeviceKind: UInt8, Sendable, Hashable, CaseIterable {
    case robot = 1
    case screen = 2
}

/// What a device can do, announced in hello.
public struct Capabilities: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Can walk a visitor to a destination.
    public static let lead = Capabilities(rawValue: 1 << 0)
    /// Has a screen that can show a route.
    public static let display = Capabilities(rawValue: 1 << 1)
    /// Has a speaker of its own.
    public static let audio = Capabilities(rawValue: 1 << 2)
    /// Recognises speech and sends queries.
    public static let voice = Capabilities(rawValue: 1 << 3)
}

/// A robot's own state, reported in heartbeats.
public enum RobotState: UInt8, Sendable, Hashable, CaseIterable {
    case idle = 0
    case leading = 1
    case returning = 2
    case charging = 3
    case fault = 4
}

/// A position on the floor map: a node id when the device knows it, and coordinates in
/// centimetres (x east, y north) on a level.
public struct Position: Sendable, Hashable {
    public var node: String
    public var xCentimetres: Int32
    public var yCentimetres: Int32
    public var level: String

    public init(node: String = "", xCentimetres: Int32 = 0, yCentimetres: Int32 = 0, level: String = "") {
        self.node = node
        self.xCentimetres = xCentimetres
        self.yCentimetres = yCentimetres
        self.level = level
    }
}

public enum Outcome: UInt8, Sendable, Hashable, CaseIterable {
    case route = 1
    case clarify = 2
    case fallback = 3
}

/// Whether the asking robot will lead the visitor, carried in an answer.
public enum LeadOffer: UInt8, Sendable, Hashable, CaseIterable {
    /// Not a robot, or no route: nothing to lead.
    case notApplicable = 0
    /// A lead message follows.
    case willLead = 1
    /// The robot is busy leading someone else; the screens show the route.
    case busy = 2
    /// The robot is offline, charging or faulty; the screens show the route.
    case unavailable = 3
}

public struct RoutePoint: Sendable, Hashable {
    public var node: String
    public var xCentimetres: Int32
    public var yCentimetres: Int32
    public var level: String

    public init(node: String, xCentimetres: Int32, yCentimetres: Int32, level: String) {
        self.node = node
        self.xCentimetres = xCentimetres
        self.yCentimetres = yCentimetres
        self.level = level
    }
}

public struct Answer: Sendable, Hashable {
    public var queryID: UInt32
    public var outcome: Outcome
    /// Destination id with `route`, else empty.
    public var destination: String
    /// Destination ids offered with `clarify`, best first.
    public var candidates: [String]
    /// The sentence to say or show, in `language`.
    public var text: String
    public var language: String
    /// Recorded prompt id ("intent/exit-entry", "window/12", "clarify", "fallback").
    public var prompt: String
    public var route: [RoutePoint]
    /// Turn-by-turn steps, one sentence each.
    public var steps: [String]
    public var decimetres: UInt32
    public var seconds: UInt16
    public var lead: LeadOffer

    public init(queryID: UInt32, outcome: Outcome, destination: String = "", candidates: [String] = [], text: String,
                language: String, prompt: String, route: [RoutePoint] = [], steps: [String] = [],
                decimetres: UInt32 = 0, seconds: UInt16 = 0, lead: LeadOffer = .notApplicable) {
        self.queryID = queryID
        self.outcome = outcome
        self.destination = destination
        self.candidates = candidates
        self.text = text
        self.language = language
        self.prompt = prompt
        self.route = route
        self.steps = steps
        self.decimetres = decimetres
        self.seconds = seconds
        self.lead = lead
    }
}

public enum LeadStatus: UInt8, Sendable, Hashable, CaseIterable {
    case accepted = 1
    case arrived = 2
    case aborted = 3
    case blocked = 4
    case returning = 5
    /// Back at its station.
    case docked = 6
}

/// What a notice says changed.
public enum NoticeTopic: UInt8, Sendable, Hashable, CaseIterable {
    /// The hall data was reloaded: the index and routes may differ.
    case hall = 1
    /// A robot started or finished leading: whether a robot can lead changed.
    case fleet = 2
    /// Windows or places closed or opened, or the opening hours turned.
    case live = 3
}

/// Why a frame was refused.
public enum NakCode: UInt8, Sendable, Hashable, CaseIterable {
    case unknownType = 1
    case malformedPayload = 2
    case notAuthenticated = 3
    case rateLimited = 4
    case busy = 5
    case unsupportedVersion = 6
    case tooLarge = 7
    case authenticationFailed = 8
    case unknownDevice = 9
    case internalError = 10
}

/// Every message of protocol version 1.
public enum Message: Sendable, Hashable {
    /// Device → halld, first frame on a link.
    case hello(deviceID: String, kind: DeviceKind, firmware: String, capabilities: Capabilities, clientNonce: [UInt8])
    /// halld → device: prove you hold the key. Nonce is 16 random bytes, fresh per link.
    case challenge(serverNonce: [UInt8])
    /// Device → halld: HMAC-SHA256(key, "hallguide-auth-v1" ‖ serverNonce ‖ clientNonce ‖ deviceID).
    case authenticate(proof: [UInt8])
    /// halld → device: the outcome; heartbeat interval in seconds; with a refusal, why as
    /// a nak code (unknownDevice, authenticationFailed), nil when accepted.
    case authResult(accepted: Bool, heartbeatSeconds: UInt16, reason: String, code: NakCode? = nil)
    /// Both ways: the device every heartbeat interval (battery in percent, 255 when
    /// unknown); halld on a link it has sent nothing on for that long, so that the device
    /// hears it is alive (PROTOCOL.md §9).
    case heartbeat(state: RobotState, battery: UInt8, position: Position)
    /// Device → halld: what a visitor asked. Confidence 0...100 from the recogniser;
    /// `newVisitor` when the robot knows a new person is asking (nothing carries over).
    case query(queryID: UInt32, text: String, language: String, confidence: UInt8, newVisitor: Bool = false)
    /// halld → device.
    case answer(Answer)
    /// halld → robot: walk the visitor along the route.
    case lead(leadID: UInt32, destination: String, route: [RoutePoint])
    /// Robot → halld.
    case leadProgress(leadID: UInt32, status: LeadStatus, position: Position)
    /// halld → robot: go back to the station (after a lead, or on shutdown).
    case recall(reason: String)
    /// halld → screen: show a route; ttl in seconds, 0 to clear.
    case display(displayID: UInt32, destination: String, title: String, text: String, route: [RoutePoint], ttlSeconds: UInt16)
    /// halld → screen (and robots with a screen): something the screen shows changed.
    case notice(topic: NoticeTopic, dataVersion: String)
    /// Receipt of the frame with `sequence`.
    case ack(sequence: UInt16)
    /// Refusal of the frame with `sequence`.
    case nak(sequence: UInt16, code: NakCode, detail: String)
}
