import DeviceProtocol
import HallTime

/// One lead: halld's id for it, where to, and when it was booked.
public struct Lead: Sendable, Hashable {
    public var id: UInt32
    public var destination: String
    public var since: Instant

    public init(id: UInt32, destination: String, since: Instant) {
        self.id = id
        self.destination = destination
        self.since = since
    }
}

/// What halld believes a robot is doing: the lead workflow as one state, carrying what
/// each state needs (the lead's id, where to, since when). Every transition that a robot's
/// message causes checks the lead id it carries; time comes in as an argument.
public enum RobotLead: Sendable, Hashable {
    case offline
    /// At its station, free to lead.
    case idle
    /// A lead was sent; the robot has not said it started.
    case booked(Lead)
    case leading(Lead)
    /// On its way back to its station, after the lead with this id (nil: on its own).
    case returning(afterLead: UInt32?)
    /// Charging or at fault, by its own heartbeat.
    case charging
    /// Refused a lead as busy, or leading someone halld did not send it to (an operator):
    /// not free until its heartbeat says idle.
    case busy(since: Instant)

    /// The lead whose progress reports are acted on.
    public var leadID: UInt32? {
        switch self {
        case .booked(let lead), .leading(let lead): lead.id
        case .returning(let id): id
        case .offline, .idle, .charging, .busy: nil
        }
    }

    public var destination: String? {
        switch self {
        case .booked(let lead), .leading(let lead): lead.destination
        case .offline, .idle, .returning, .charging, .busy: nil
        }
    }

    /// The name operators see (status socket, metrics).
    public var activity: String {
        switch self {
        case .offline: "offline"
        case .idle: "idle"
        case .booked, .leading: "leading"
        case .returning: "returning"
        case .charging: "charging"
        case .busy: "busy"
        }
    }

    public var isFree: Bool { self == .idle }
}

/// A robot: its lead workflow, last reported battery and position, and lead counts.
public struct RobotRecord: Sendable, Hashable {
    public var id: String
    public var lead: RobotLead = .offline
    public var position = Position()
    public var battery: UInt8 = 255
    public var leadsCompleted = 0
    public var leadsAborted = 0

    public init(id: String) { self.id = id }

    /// What a transition asks of the conversation besides the new state.
    public enum Action: Sendable, Hashable {
        case recall(reason: String)
        case log(ConversationLog)
    }

    public mutating func connected() {
        if lead == .offline { lead = .idle }
    }

    public mutating func disconnected() -> [Action] {
        defer { lead = .offline }
        guard let destination = lead.destination, let id = lead.leadID else { return [] }
        return [.log(.init(.notice, "\(self.id): offline during lead \(id) to \(destination)"))]
    }

    /// The robot's own word on what it does, trusted except right after a lead was sent,
    /// while its heartbeats may not show it yet (the grace period).
    public mutating func heartbeat(_ state: RobotState, battery: UInt8, position: Position, now: Instant,
                                   grace: Duration) -> [Action] {
        self.battery = battery
        self.position = position
        switch (state, lead) {
        case (.charging, _), (.fault, _):
            let dropped = lead.destination.map { [Action.log(.init(.notice, "\(id): \(state) during a lead to \($0)"))] } ?? []
            lead = .charging
            return dropped
        case (.leading, .booked(let booked)):
            lead = .leading(booked)
        case (.leading, .leading):
            break
        case (.leading, _):
            lead = .busy(since: now)
        case (.returning, .booked(let current)), (.returning, .leading(let current)):
            lead = .returning(afterLead: current.id)
        case (.returning, .returning):
            break
        case (.returning, _):
            lead = .returning(afterLead: nil)
        case (.idle, .booked(let current)), (.idle, .leading(let current)):
            guard now - current.since > grace else { break }
            lead = .idle
            return [.log(.init(.notice, "\(id): lead \(current.id) to \(current.destination) ended without a report"))]
        case (.idle, .idle):
            break
        case (.idle, _):
            lead = .idle
        }
        return []
    }

    /// A route was answered at this robot: it leads when it is free.
    public mutating func offer(leadID: UInt32, destination: String, now: Instant) -> LeadOffer {
        switch lead {
        case .idle:
            lead = .booked(Lead(id: leadID, destination: destination, since: now))
            return .willLead
        case .booked, .leading, .returning, .busy:
            return .busy
        case .charging, .offline:
            return .unavailable
        }
    }

    /// A leadProgress report. One for another lead than the current (a late `arrived` of
    /// the lead before) is ignored: it must not recall the robot off its new visitor.
    public mutating func progress(leadID: UInt32, status: LeadStatus, position: Position) -> [Action] {
        self.position = position
        guard let current = lead.leadID, current == leadID else {
            return [.log(.init(.debug, "\(id): ignored \(status) for lead \(leadID), not its current lead (\(lead.leadID.map(String.init) ?? "none"))"))]
        }
        switch (status, lead) {
        case (.accepted, .booked(let booked)):
            lead = .leading(booked)
        case (.accepted, _):
            break
        case (.arrived, .booked), (.arrived, .leading):
            leadsCompleted += 1
            lead = .returning(afterLead: leadID)
            // The robot goes back to its station to greet the next visitor.
            return [.recall(reason: "lead finished")]
        case (.aborted, .booked), (.aborted, .leading), (.blocked, .booked), (.blocked, .leading):
            leadsAborted += 1
            lead = .returning(afterLead: leadID)
            return [.recall(reason: "lead ended: \(status)")]
        case (.arrived, _), (.aborted, _), (.blocked, _):
            break  // a repeat of the report that ended it
        case (.returning, _):
            lead = .returning(afterLead: leadID)
        case (.docked, _):
            lead = .idle
        }
        return []
    }

    /// The robot naked one of our leads.
    public mutating func refusedLead(_ leadID: UInt32, code: NakCode, now: Instant) -> [Action] {
        guard lead.leadID == leadID, lead.destination != nil else { return [] }
        if code == .busy {
            lead = .busy(since: now)
            return [.log(.init(.info, "\(id): busy, refused lead \(leadID)"))]
        }
        lead = .idle
        return [.log(.init(.warning, "\(id): refused lead \(leadID): \(code)"))]
    }

    /// A lead never reached the robot.
    public mutating func leadUndelivered(_ leadID: UInt32) -> [Action] {
        guard case .booked(let booked) = lead, booked.id == leadID else { return [] }
        lead = .idle
        return [.log(.init(.warning, "\(id): lead \(leadID) to \(booked.destination) was never acknowledged"))]
    }

    /// An operator (or a stop) sends the robot back to its station.
    public mutating func recall() {
        switch lead {
        case .booked(let current), .leading(let current): lead = .returning(afterLead: current.id)
        case .offline, .idle, .returning, .charging, .busy: break
        }
    }
}
