/// `http:` in halld.yaml (README, "The index screens"): where the kiosk app, its API, the
/// WebSocket device link and /metrics are served, and the limits that keep the port ours.
public struct WebSettings: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// The address visitors' phones reach halld by (`https://guide.example.gov.cn`): the QR
    /// code of a route points there. nil: no QR code (a hall address means nothing on a
    /// phone on the mobile network).
    public var publicBaseURL: String?
    /// A kiosk page goes home after this long without a touch.
    public var idleResetSeconds = 90
    /// Open connections in all (WebSocket links included); beyond, the oldest idle one is
    /// closed, or the new one when none is idle.
    public var maxConnections = 1024
    /// Connections with no request in progress; beyond, the oldest is closed.
    public var maxIdleConnections = 256
    /// A connection that sends nothing for this long is closed (WebSocket links excepted:
    /// their heartbeats decide).
    public var idleTimeoutSeconds = 30
    /// All of a request's header lines together (the request line included, as NIO counts).
    public var maxHeaderBytes = 16 * 1024
    /// A request body (only the queue feed's POST has one).
    public var maxBodyBytes = 64 * 1024

    /// A WebSocket text from a device (firmware-protocol/JSON.md §4): fixed by the protocol.
    public static let maxWebSocketMessageBytes = 16 * 1024

    public init(host: String = "127.0.0.1", port: Int = 7780) {
        self.host = host
        self.port = port
    }
}
