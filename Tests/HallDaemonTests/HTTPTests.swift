import DeviceProtocol
import DeviceSessions
import DeviceSimulation
import Foundation
import HallDaemon
import XCTest
import DeviceLinks
import HallWeb

/// halld's HTTP face on loopback, for real (Hummingbird, NIO, a WebSocket client): the
/// kiosk API, /metrics moved onto it, the queue feed's POST, the connection caps, and the
/// WebSocket device link under the same session rules as TCP.
final class HTTPTests: XCTestCase {
    var running: RunningDaemon!
    let robotKey = Array("ws-test-key-robot-0123456789".utf8)
    let screenKey = Array("ws-test-key-screen-0123456789".utf8)
    let feedKey = "queue-feed-key-0123456789"

    override func setUp() async throws {
        var config = RunningDaemon.config(devices: [
            .init(id: "robot-north", kind: .robot, station: "robot-north", key: robotKey),
            .init(id: "screen-north", kind: .screen, station: "screen-north", key: screenKey),
        ])
        config.live.queueFeedKey = Array(feedKey.utf8)
        config.http.maxIdleConnections = 64
        running = try await RunningDaemon.start(config)
    }

    override func tearDown() async throws {
        try await running?.stop()
        running = nil
    }

    var port: Int { running.daemon.web!.port! }

    /// One request on its own connection; the whole reply.
    func request(_ head: String, body: [UInt8] = [], port: Int? = nil) throws -> (status: Int, text: String) {
        let http = try TCPTransport(host: "127.0.0.1", port: port ?? self.port)
        try http.write(Array(head.utf8) + body)
        var bytes: [UInt8] = []
        while let chunk = try? http.read(timeoutMilliseconds: 3000), !chunk.isEmpty { bytes += chunk }
        let text = String(decoding: bytes, as: UTF8.self)
        let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, text)
    }

    func get(_ path: String, port: Int? = nil) throws -> (status: Int, text: String) {
        try request("GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", port: port)
    }

    func testMetricsAreOnTheHTTPListenerAndThePrometheusPort() throws {
        let robot = SimulatedDevice(id: "robot-north", kind: .robot, key: robotKey,
                                    transport: try TCPTransport(host: "127.0.0.1", port: running.tcpPort))
        try robot.connect()
        _ = try robot.ask("护照在哪办")
        for port in [port, running.daemon.metricsEndpoint!.port!] {
            let (status, text) = try get("/metrics", port: port)
            XCTAssertEqual(status, 200, text)
            XCTAssertTrue(text.contains(#"hallguide_questions_total{outcome="route",intent="exit-entry"} 1"#), text)
            // refreshMetrics ran before the exposition: the robot is counted up.
            XCTAssertTrue(text.contains("hallguide_devices_up 1"), text)
        }
        // The Prometheus port serves nothing else.
        XCTAssertEqual(try get("/api/v1/index", port: running.daemon.metricsEndpoint!.port!).status, 404)
    }

    func testTheKioskAPIAnswersFromTheScreensStation() throws {
        let screen = try get("/api/v1/screens/screen-north")
        XCTAssertEqual(screen.status, 200, screen.text)
        XCTAssertTrue(screen.text.contains(#""station":"screen-north""#), screen.text)
        XCTAssertEqual(try get("/api/v1/screens/robot-north").status, 404, "a robot has no kiosk page")
        XCTAssertEqual(try get("/screens/nobody").status, 404)
        let page = try get("/screens/screen-north")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("/kiosk/app.js"), "the embedded index.html")
        let search = try get("/api/v1/search?q=hz&from=screen-north")
        XCTAssertTrue(search.text.contains(#""destination":"exit-entry""#), search.text)
        let route = try get("/api/v1/route?from=screen-north&to=exit-entry")
        XCTAssertEqual(route.status, 200, route.text)
        XCTAssertTrue(route.text.contains(#""windows":[1,2,3,4]"#), route.text)
        XCTAssertTrue(route.text.contains(#""qr_svg":null"#), "no QR code without a public base URL")
        let map = try get("/api/v1/map.svg?from=screen-north&to=exit-entry")
        XCTAssertTrue(map.text.contains(#"id="route-path""#) && map.text.contains(#"id="you-are-here""#))
        XCTAssertEqual(try get("/api/v1/route?from=nowhere&to=exit-entry").status, 400)
    }

    func testTheQueueFeedPOSTNeedsItsKey() throws {
        func post(_ authorization: String?) throws -> Int {
            let body = Array("{}".utf8)
            let auth = authorization.map { "Authorization: \($0)\r\n" } ?? ""
            return try request("POST /api/v1/queue HTTP/1.1\r\nHost: localhost\r\n\(auth)Content-Length: \(body.count)\r\nConnection: close\r\n\r\n",
                               body: body).status
        }
        XCTAssertEqual(try post(nil), 401)
        XCTAssertEqual(try post("Bearer not-the-key"), 403)
        XCTAssertEqual(try post("Bearer \(feedKey)"), 400, "the right key, a body that is no snapshot")
        let big = [UInt8](repeating: 0x20, count: 70_000)
        XCTAssertEqual(try request("POST /api/v1/queue HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(feedKey)\r\nContent-Length: \(big.count)\r\nConnection: close\r\n\r\n",
                                   body: big).status, 413)
    }

    /// 1,010 connections that never send a byte: the port keeps at most its idle cap of
    /// them (the oldest make room), and a scrape still gets its metrics.
    func testIdleConnectionsCannotHoldTheHTTPPort() throws {
        var idle: [TCPTransport] = []
        for _ in 0..<1010 { idle.append(try TCPTransport(host: "127.0.0.1", port: port)) }
        defer { for connection in idle { connection.close() } }
        let (status, text) = try get("/metrics")
        XCTAssertEqual(status, 200, text)
        let connections = running.daemon.web!.server.connections
        XCTAssertLessThanOrEqual(connections.idleCount, 64)
        XCTAssertGreaterThanOrEqual(connections.evictedCount, 1010 - 64)
    }

    func testAHeadOverTheLimitIsRefused() throws {
        let long = String(repeating: "a", count: 20_000)
        let (status, _) = try request("GET / HTTP/1.1\r\nHost: localhost\r\nX-Long: \(long)\r\nConnection: close\r\n\r\n")
        XCTAssertNotEqual(status, 200)
    }

    /// A robot over /ws/device: the same handshake, answers and acks as over TCP.
    func testARobotOverWebSocketIsAnsweredAsOverTCP() throws {
        let robot = SimulatedDevice(id: "robot-north", kind: .robot, key: robotKey, transport: try WebSocketTransport(host: "127.0.0.1", port: port))
        try robot.connect()
        let answer = try robot.ask("护照在哪办")
        XCTAssertEqual(answer.outcome, .route)
        XCTAssertEqual(answer.destination, "exit-entry")
        XCTAssertEqual(running.daemon.hub.statuses.first { $0.id == "robot-north" }?.transport, "websocket")
    }

    func testAWrongKeyOverWebSocketIsRefused() throws {
        let screen = SimulatedDevice(id: "screen-north", kind: .screen, key: Array("not-the-key-of-this-screen".utf8),
                                     transport: try WebSocketTransport(host: "127.0.0.1", port: port))
        XCTAssertThrowsError(try screen.connect()) { error in
            guard case SimulationError.refused = error else { return XCTFail("\(error)") }
        }
        XCTAssertFalse(running.daemon.hub.isConnected("screen-north"))
    }

    /// A screen on /ws/device gets the route a robot was asked, as a display.
    func testAScreenOverWebSocketGetsTheRobotsDisplay() throws {
        let screen = SimulatedDevice(id: "screen-north", kind: .screen, key: screenKey, transport: try WebSocketTransport(host: "127.0.0.1", port: port))
        try screen.connect()
        let robot = SimulatedDevice(id: "robot-north", kind: .robot, key: robotKey,
                                    transport: try TCPTransport(host: "127.0.0.1", port: running.tcpPort))
        try robot.connect()
        _ = try robot.ask("护照在哪办")
        try screen.pump(timeoutMilliseconds: 3000, waitingFor: "the display") {
            screen.received.contains { if case .display(_, "exit-entry", _, _, _, _) = $0 { true } else { false } }
        }
    }
}
