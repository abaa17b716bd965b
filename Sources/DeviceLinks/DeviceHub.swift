import DeviceProtocol
import DeviceSessions
import HallTime
import Synchronization

/// A live link to one device, whatever its transport. `deliver` and `close` may be
/// called from any thread: they hop to the link's own executor.
public protocol DeviceLink: AnyObject, Sendable {
    var peer: String { get }
    var transport: String { get }
    func deliver(_ message: Message)
    /// Ends the link; on `.shutdown` a robot is recalled to its station first.
    func close(_ reason: CloseReason)
}

/// An authenticated device as the hall sees it on its link.
public struct LinkedDevice: Sendable, Hashable {
    public var id: String
    public var kind: DeviceKind
    public var station: String
    public var capabilities: Capabilities

    public init(id: String, kind: DeviceKind, station: String, capabilities: Capabilities) {
        self.id = id
        self.kind = kind
        self.station = station
        self.capabilities = capabilities
    }
}

/// What the hall does with a device's events. Called on the link's executor; returns the
/// messages to send back to the same device, in order (an answer, then a lead).
public protocol DeviceEventHandler: Sendable {
    func handle(_ event: SessionEvent, from device: LinkedDevice, now: Instant) -> [Message]
}

/// A dropped piece of input, kept for the status socket (like HAProxy's "show errors").
public struct MalformedInput: Sendable, Hashable {
    public var peer: String
    public var device: String?
    public var at: Instant
    public var reason: String
    /// Up to 64 bytes around the problem.
    public var bytes: [UInt8]
    /// Where in `bytes` the problem was found.
    public var offset: Int
}

/// What operators see of one device.
public struct DeviceLinkStatus: Sendable, Hashable {
    public var id: String
    public var kind: DeviceKind
    public var station: String
    public var connected: Bool
    public var transport: String
    public var peer: String
    public var lastSeen: Instant?
    public var firmware: String
    public var linkErrors: Int
    public var reconnects: Int
    /// The session counters of every link this device had, the current one included.
    public var counters: SessionCounters
}

/// Every device's current link, the delivery path between them, link health, and the
/// ledger of failed handshakes. Links register here once their device authenticates; a
/// newer link of the same device replaces the older one. It knows nothing of the hall:
/// links carry events to their `DeviceEventHandler`, which delivers through here.
public final class DeviceHub: Sendable {
    struct State {
        var links: [String: any DeviceLink] = [:]
        var status: [String: DeviceLinkStatus] = [:]
        /// Counters of links that ended, per device; the live link's are added on read.
        var ended: [String: SessionCounters] = [:]
        var live: [String: SessionCounters] = [:]
        var malformed: [MalformedInput] = []
        var badFrames = 0
    }

    public let roster: DeviceRoster
    private let state = Mutex(State())
    private let ledger: Mutex<AuthLedger>
    /// How many malformed inputs the status keeps.
    public let malformedHistory: Int

    public init(roster: DeviceRoster, ledger: AuthLedger = AuthLedger(), malformedHistory: Int = 32) {
        self.roster = roster
        self.ledger = Mutex(ledger)
        self.malformedHistory = malformedHistory
        state.withLock { s in
            for device in roster.devices.values {
                s.status[device.id] = DeviceLinkStatus(
                    id: device.id, kind: device.kind, station: device.station, connected: false, transport: "", peer: "",
                    lastSeen: nil, firmware: "", linkErrors: 0, reconnects: 0, counters: SessionCounters())
            }
        }
    }

    /// Sends to a device if it is connected; false when it is not.
    @discardableResult
    public func deliver(_ message: Message, to deviceID: String) -> Bool {
        guard let link = state.withLock({ $0.links[deviceID] }) else { return false }
        link.deliver(message)
        return true
    }

    public func isConnected(_ deviceID: String) -> Bool { state.withLock { $0.links[deviceID] != nil } }

    public var connectedDevices: [String] { state.withLock { Array($0.links.keys).sorted() } }

    public var statuses: [DeviceLinkStatus] {
        state.withLock { s in
            s.status.values.map { status in
                var status = status
                status.counters = (s.ended[status.id] ?? SessionCounters()) + (s.live[status.id] ?? SessionCounters())
                return status
            }.sorted { $0.id < $1.id }
        }
    }

    public var recentMalformed: [MalformedInput] { state.withLock { $0.malformed } }

    public var badFrameCount: Int { state.withLock { $0.badFrames } }

    /// Closes every device link (robots are recalled first); for a graceful stop.
    public func closeAll(_ reason: CloseReason) {
        for link in state.withLock({ Array($0.links.values) }) { link.close(reason) }
    }

    // MARK: - The ledger of failed handshakes

    public func admit(_ request: AdmissionRequest, now: Instant) -> Admission {
        ledger.withLock { $0.admit(request, now: now) }
    }

    public func record(_ report: AuthReport, now: Instant) -> AuthLedger.LogDecision {
        ledger.withLock { $0.record(report, now: now) }
    }

    public func mayLog(source: String, now: Instant) -> AuthLedger.LogDecision {
        ledger.withLock { $0.mayLog(source: source, now: now) }
    }

    // MARK: - Called by links

    func linkUp(_ link: any DeviceLink, device: DeviceCredentials, firmware: String, now: Instant) {
        let old: (any DeviceLink)? = state.withLock { s in
            let old = s.links[device.id]
            s.links[device.id] = link
            s.status[device.id]?.connected = true
            s.status[device.id]?.transport = link.transport
            s.status[device.id]?.peer = link.peer
            // The device's own text: kept escaped, so a status table cannot be made to
            // print control characters on an operator's terminal.
            s.status[device.id]?.firmware = LogText.escaped(firmware, limit: 64)
            s.status[device.id]?.lastSeen = now
            s.status[device.id]?.reconnects += old == nil ? 0 : 1
            return old
        }
        if let old, old !== link { old.close(.replaced) }
    }

    /// Unregisters the link; true when it was the device's current one (a link that was
    /// replaced goes quietly).
    func linkDown(_ link: any DeviceLink, device: DeviceCredentials, counters: SessionCounters) -> Bool {
        state.withLock { s in
            s.ended[device.id, default: SessionCounters()] = (s.ended[device.id] ?? SessionCounters()) + counters
            guard let current = s.links[device.id], current === link else { return false }
            s.links[device.id] = nil
            s.live[device.id] = nil
            s.status[device.id]?.connected = false
            return true
        }
    }

    func seen(_ deviceID: String, counters: SessionCounters, now: Instant) {
        state.withLock { s in
            s.status[deviceID]?.lastSeen = now
            s.live[deviceID] = counters
        }
    }

    func recordMalformed(_ input: MalformedInput) {
        state.withLock { s in
            s.badFrames += 1
            if let device = input.device { s.status[device]?.linkErrors += 1 }
            s.malformed.append(input)
            if s.malformed.count > malformedHistory { s.malformed.removeFirst(s.malformed.count - malformedHistory) }
        }
    }
}
