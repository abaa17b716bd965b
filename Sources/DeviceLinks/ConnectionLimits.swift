/// How many device connections may wait in their handshake. Authenticated links need no
/// cap of their own: each configured device has at most one (a newer replaces an older).
/// A connection over the cap does not wait: the oldest one still handshaking (from its
/// address first) is closed to make room, one that has sent nothing before one that has
/// said hello, so someone opening idle connections can neither hold the port and the
/// descriptors the devices need, nor push out a device in the middle of its handshake.
public struct ConnectionLimits: Sendable, Hashable {
    /// Connections not yet authenticated, in all.
    public var pendingHandshakes = 256
    /// Connections not yet authenticated from one address (devices behind one gateway
    /// share it, and say hello within milliseconds).
    public var pendingPerAddress = 32

    public init() {}
}
