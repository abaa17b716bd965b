import DeviceProtocol
import DeviceSimulation
import Foundation
import HallDaemon
import XCTest
import DeviceSessions

/// The thin integration layer for TCP: halld's ServiceGroup in this process with real NIO
/// sockets on loopback, simulated devices speaking the protocol. Behaviour in detail is
/// tested in memory (InMemoryHallTests); here, that it holds over a real socket.
final class TCPLinkTests: XCTestCase {
    var running: RunningDaemon!

    override func setUp() async throws {
        running = try await RunningDaemon.start(RunningDaemon.config(devices: [
            .init(id: "robot-north", kind: .robot, station: "robot-north", key: key("robot-north")),
            .init(id: "screen-west", kind: .screen, station: "screen-west", key: key("screen-west")),
        ]))
    }

    override func tearDown() async throws {
        try await running?.stop()
    }

    func key(_ id: String) -> [UInt8] { Array("test-key-\(id)-0123456789".utf8) }

    func device(_ id: String, _ kind: DeviceKind) throws -> SimulatedDevice {
        let d = SimulatedDevice(id: id, kind: kind, key: key(id), transport: try TCPTransport(host: "127.0.0.1", port: running.tcpPort))
        try d.connect()
        return d
    }

    func testARobotGetsTheAnswerALeadAndTheScreenShowsTheRoute() throws {
        let west = try device("screen-west", .screen)
        let robot = try device("robot-north", .robot)
        let answer = try robot.ask("请问办护照在哪里")
        XCTAssertEqual(answer.destination, "exit-entry")
        XCTAssertEqual(answer.lead, .willLead)
        try robot.pump(timeoutMilliseconds: 2000, waitingFor: "the lead") {
            robot.received.contains { if case .lead = $0 { true } else { false } }
        }
        try west.pump(timeoutMilliseconds: 2000, waitingFor: "the display") {
            west.received.contains { if case .display(_, "exit-entry", _, _, _, 60) = $0 { true } else { false } }
        }
    }

    func testPrometheusEndpointCountsQuestionsByOutcomeAndIntent() throws {
        let robot = try device("robot-north", .robot)
        _ = try robot.ask("护照在哪办")
        _ = try robot.ask("保险")
        let port = try XCTUnwrap(running.daemon.metricsEndpoint?.port)
        let http = try TCPTransport(host: "127.0.0.1", port: port)
        try http.write(Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
        var text = ""
        while let chunk = try? http.read(timeoutMilliseconds: 2000), !chunk.isEmpty { text += String(decoding: chunk, as: UTF8.self) }
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 200"), text)
        XCTAssertTrue(text.contains(#"hallguide_questions_total{outcome="route",intent="exit-entry"} 1"#), text)
        XCTAssertTrue(text.contains(#"hallguide_questions_total{outcome="clarify",intent="none"} 1"#), text)
        XCTAssertTrue(text.contains("hallguide_devices_up 1"), text)
    }

    /// A graceful stop recalls a robot before its link closes, and the stop returns only
    /// once the link is closed.
    func testAStopRecallsTheRobotsAndClosesTheirLinks() async throws {
        let robot = try device("robot-north", .robot)
        _ = try robot.ask("厕所在哪")
        let stopped = running!
        let stopping = Task { try await stopped.stop() }
        try robot.pump(timeoutMilliseconds: 3000, waitingFor: "the recall and the close") {
            robot.received.contains(.recall(reason: "halld is stopping"))
        }
        try await stopping.value
        running = nil
        // Closed (a reset when the robot's last ack was still unread: either way, gone).
        XCTAssertThrowsError(try robot.listen(milliseconds: 500), "the link is closed") {
            guard case .transport? = $0 as? SimulationError else { return XCTFail("\($0)") }
        }
    }
}
