import DeviceLinks
import DeviceProtocol
import DeviceSessions
import Foundation
import HallAnswers
import HallTime

/// What the HTTP face needs of the daemon, and nothing else: the hall and its live state to
/// answer screens by, the device hub for WebSocket links, the metrics and the queue feed.
/// halld's HallDaemon provides it; HallWeb does not know the daemon.
public protocol WebBackend: Sendable {
    /// The hall in use (a reload swaps it).
    var hall: Hall { get }
    /// The configured index screens (kiosk pages are served for these only).
    var screens: [WebScreen] { get }
    /// The robots, where they stand and whether each is free to lead now.
    var robots: [WebRobot] { get }
    /// The closures and the queue snapshot as the answers use them, at the wall-clock now.
    func liveConditions() -> LiveConditions

    /// Prometheus' text exposition, refreshed first.
    func metricsExposition() -> String
    /// A POST of the queue feed (the body, its Authorization header, the peer's address):
    /// its status and JSON reply; nil when halld has no queue feed (404).
    func postQueueFeed(body: [UInt8], authorization: String?, peer: String) -> (status: Int, json: String)?

    /// Device links (`/ws/device`) go through the same hub, handler, timers and clock as TCP.
    var hub: DeviceHub { get }
    var deviceHandler: any DeviceEventHandler { get }
    var timing: SessionTiming { get }
    var clock: any HallClock { get }
}

/// An index screen of the configuration.
public struct WebScreen: Sendable, Hashable {
    public var id: String
    /// Where it stands: "you are here".
    public var station: String

    public init(id: String, station: String) {
        self.id = id
        self.station = station
    }
}

/// A robot of the configuration, as a screen's lead card sees it.
public struct WebRobot: Sendable, Hashable {
    public var id: String
    public var station: String
    /// Online, at its station and not leading anyone.
    public var free: Bool

    public init(id: String, station: String, free: Bool) {
        self.id = id
        self.station = station
        self.free = free
    }
}
