import DeviceProtocol
import Synchronization

/// A live link to one device, whatever its transport. `deliver` may be called from any
/// thread: it hops to the link's own executor.
public protocol DeviceLink: AnyObject, Sendable {
    var peer: String { get }
    var transport: String { get }
    func deliver(_ message: Message)
    func close()
}

/// What the hall does with a device's events. Called on the link's executor; returns the
/// messages to send back to the same device, in order (an answer, then a lead).
public protocol DeviceEventSink: Sendable {
    func handle(_ event: SessionEvent, from device: DeviceCredentials, hub: DeviceHub) -> [Message]
    func deviceDown(_ device: DeviceCredentials, reason: CloseReason, hub: DeviceHub)
}

/// A dropped piece of input, kept for the status socket (like HAProxy's "show errors").
public struct MalformedInput: Sendable, Hashable {
    public var peer: String
    public var device: String?
    public var at: UInt64
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
    public var lastSeen: UInt64?
    public var firmware: String
    public var linkErrors: Int
    public var reconnects: Int
}

/// Every device's current link, the delivery path between them, and link health. Links
/// register here once their device authenticates; a newer link of the same device
/// replaces the older one.
public final class DeviceHub: Sendable {
    struct State {
        var links: [String: any DeviceLink] = [:]
        var status: [String: DeviceLinkStatus] = [:]
        var malformed: [MalformedInput] = []
        var badFrames = 0
        var linkErrorsByPeer: [String: Int] = [:]
    }

    public let roster: DeviceRoster
    public let authGuard: AuthGuard
    let sink: Mutex<(any DeviceEventSink)?>
    private let state = Mutex(State())
    /// How many malformed inputs the status keeps.
    public let malformedHistory: Int

    public init(roster: DeviceRoster, authGuard: AuthGuard = AuthGuard(), malformedHistory: Int = 32) {
        self.roster = roster
        self.authGuard = authGuard
        self.malformedHistory = malformedHistory
        sink = Mutex(nil)
        state.withLock { s in
            for device in roster.devices.values {
                s.status[device.id] = DeviceLinkStatus(id: device.id, kind: device.kind, station: device.station, connected: false,
                                                       transport: "", peer: "", lastSeen: nil, firmware: "", linkErrors: 0, reconnects: 0)
            }
        }
    }

    public func setSink(_ sink: any DeviceEventSink) { self.sink.withLock { $0 = sink } }

    var currentSink: (any DeviceEventSink)? { sink.withLock { $0 } }

    /// Sends to a device if it is connected; false when it is not.
    @discardableResult
    public func deliver(_ message: Message, to deviceID: String) -> Bool {
        guard let link = state.withLock({ $0.links[deviceID] }) else { return false }
        link.deliver(message)
        return true
    }

    public func isConnected(_ deviceID: String) -> Bool { state.withLock { $0.links[deviceID] != nil } }

    public var connectedDevices: [String] { state.withLock { Array($0.links.keys).sorted() } }

    public var statuses: [DeviceLinkStatus] { state.withLock { $0.status.values.sorted { $0.id < $1.id } } }

    public var recentMalformed: [MalformedInput] { state.withLock { $0.malformed } }

    public var badFrameCount: Int { state.withLock { $0.badFrames } }

    // MARK: - Called by links

    func linkUp(_ link: any DeviceLink, device: DeviceCredentials, firmware: String, now: UInt64) {
        let old: (any DeviceLink)? = state.withLock { s in
            let old = s.links[device.id]
            s.links[device.id] = link
            s.status[device.id]?.connected = true
            s.status[device.id]?.transport = link.transport
            s.status[device.id]?.peer = link.peer
            s.status[device.id]?.firmware = firmware
            s.status[device.id]?.lastSeen = now
            s.status[device.id]?.reconnects += old == nil ? 0 : 1
            return old
        }
        if let old, old !== link { old.close() }
    }

    func linkDown(_ link: any DeviceLink, device: DeviceCredentials?, reason: CloseReason) {
        guard let device else { return }
        let wasCurrent = state.withLock { s -> Bool in
            guard let current = s.links[device.id], current === link else { return false }
            s.links[device.id] = nil
            s.status[device.id]?.connected = false
            return true
        }
        if wasCurrent { currentSink?.deviceDown(device, reason: reason, hub: self) }
    }

    func seen(_ deviceID: String, now: UInt64) {
        state.withLock { $0.status[deviceID]?.lastSeen = now }
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
