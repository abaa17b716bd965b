import DeviceProtocol

/// A device halld knows: who it is, what it is, where it stands, and its pre-shared key.
public struct DeviceCredentials: Sendable, Hashable {
    public var id: String
    public var kind: DeviceKind
    /// The map station (or place) questions from this device are routed from.
    public var station: String
    public var key: [UInt8]

    public init(id: String, kind: DeviceKind, station: String, key: [UInt8]) {
        self.id = id
        self.kind = kind
        self.station = station
        self.key = key
    }
}

/// Every device allowed to connect, by id.
public struct DeviceRoster: Sendable {
    public private(set) var devices: [String: DeviceCredentials] = [:]

    public init(_ devices: [DeviceCredentials]) {
        for device in devices { self.devices[device.id] = device }
    }

    public subscript(id: String) -> DeviceCredentials? { devices[id] }
}
