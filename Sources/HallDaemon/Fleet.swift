import DeviceLinks
import DeviceProtocol
import Synchronization

/// What halld believes each robot is doing, for the lead workflow and the status socket.
public enum RobotActivity: String, Sendable, Hashable {
    case idle, leading, returning, charging, offline
}

public struct RobotRecord: Sendable, Hashable {
    public var id: String
    public var activity: RobotActivity = .offline
    public var position = Position()
    public var battery: UInt8 = 255
    /// The lead in progress, if any.
    public var leadID: UInt32?
    public var leadDestination: String?
    /// When the current lead was booked (monotonic nanoseconds).
    public var leadSince: UInt64 = 0
    public var leadsCompleted = 0
    public var leadsAborted = 0
}

/// Robot states shared by every link (each on its own executor).
public final class Fleet: Sendable {
    private let robots: Mutex<[String: RobotRecord]>
    private let nextLead = Mutex<UInt32>(1)

    public init(robotIDs: [String]) {
        robots = Mutex(Dictionary(uniqueKeysWithValues: robotIDs.map { ($0, RobotRecord(id: $0)) }))
    }

    public var records: [RobotRecord] { robots.withLock { $0.values.sorted { $0.id < $1.id } } }

    public func record(_ id: String) -> RobotRecord? { robots.withLock { $0[id] } }

    func update(_ id: String, _ change: (inout RobotRecord) -> Void) {
        robots.withLock { if $0[id] != nil { change(&$0[id]!) } }
    }

    /// Decides whether the robot can lead now and, when it can, books it for this lead.
    func offerLead(robot id: String, destination: String) -> (LeadOffer, UInt32?) {
        robots.withLock { all -> (LeadOffer, UInt32?) in
            guard var r = all[id] else { return (.notApplicable, nil) }
            switch r.activity {
            case .leading, .returning: return (.busy, nil)
            case .charging, .offline: return (.unavailable, nil)
            case .idle:
                let lead = nextLead.withLock { n -> UInt32 in defer { n &+= 1 }; return n }
                r.activity = .leading
                r.leadID = lead
                r.leadDestination = destination
                r.leadSince = MonotonicClock.now()
                all[id] = r
                return (.willLead, lead)
            }
        }
    }
}
