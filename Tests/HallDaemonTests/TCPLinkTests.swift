import DeviceLinks
import DeviceProtocol
import DeviceSimulation
import Foundation
import HallDaemon
import Logging
import XCTest

/// halld's device side for real: NIO sockets on loopback, simulated devices speaking the
/// protocol, the default hall answering.
final class TCPLinkTests: XCTestCase {
    var daemon: Daemon!
    var port: Int { daemon.tcpPort! }

    override func setUp() async throws {
        var config = DaemonConfig()
        config.metricsListen = "127.0.0.1:0"
        config.tcpHost = "127.0.0.1"
        config.tcpPort = 0
        config.source = "test"
        config.devices = [
            .init(id: "robot-north", kind: .robot, station: "robot-north", key: key("robot-north"), serial: nil, baudRate: 115_200),
            .init(id: "screen-west", kind: .screen, station: "screen-west", key: key("screen-west"), serial: nil, baudRate: 115_200),
            .init(id: "screen-east", kind: .screen, station: "screen-east", key: key("screen-east"), serial: nil, baudRate: 115_200),
        ]
        config.timing.heartbeatSeconds = 1
        config.timing.missedHeartbeats = 2
        config.timing.queryBurst = 1000
        daemon = try await Daemon.start(config: config, logger: Logger(label: "test"))
    }

    override func tearDown() async throws {
        await daemon.stop()
    }

    func key(_ id: String) -> [UInt8] { Array("test-key-\(id)-0123456789".utf8) }

    func device(_ id: String, _ kind: DeviceKind) throws -> SimulatedDevice {
        let d = SimulatedDevice(id: id, kind: kind, key: key(id), transport: try TCPTransport(host: "127.0.0.1", port: port))
        try d.connect()
        return d
    }

    /// Waits (bounded) for a condition that another thread makes true.
    func eventually(_ what: String, timeout: Double = 5, _ condition: () -> Bool) {
        let end = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > end { return XCTFail("timed out waiting for \(what)") }
            usleep(2000)
        }
    }

    func testARobotGetsTheAnswerALeadAndTheScreensShowTheRoute() throws {
        let west = try device("screen-west", .screen)
        let robot = try device("robot-north", .robot)
        let answer = try robot.ask("请问办护照在哪里")
        XCTAssertEqual(answer.outcome, .route)
        XCTAssertEqual(answer.destination, "exit-entry")
        XCTAssertEqual(answer.lead, .willLead)
        XCTAssertEqual(answer.route.first?.node, "north-inside")
        XCTAssertFalse(answer.steps.isEmpty)
        XCTAssertEqual(answer.prompt, "intent/exit-entry")
        try robot.pump(timeoutMilliseconds: 2000, waitingFor: "the lead") {
            robot.received.contains { if case .lead = $0 { true } else { false } }
        }
        try west.pump(timeoutMilliseconds: 2000, waitingFor: "the display") {
            west.received.contains { if case .display(_, "exit-entry", _, _, 60) = $0 { true } else { false } }
        }
    }

    func testPrometheusEndpointCountsQuestionsByOutcomeAndIntent() throws {
        let robot = try device("robot-north", .robot)
        _ = try robot.ask("护照在哪办")
        _ = try robot.ask("保险")
        let port = try XCTUnwrap(daemon.metricsPort)
        let http = try TCPTransport(host: "127.0.0.1", port: port)
        try http.write(Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
        var text = ""
        while let chunk = try? http.read(timeoutMilliseconds: 2000), !chunk.isEmpty { text += String(decoding: chunk, as: UTF8.self) }
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 200"), text)
        XCTAssertTrue(text.contains(#"hallguide_questions_total{outcome="route",intent="exit-entry"} 1"#), text)
        XCTAssertTrue(text.contains(#"hallguide_questions_total{outcome="clarify",intent="none"} 1"#), text)
        XCTAssertTrue(text.contains("hallguide_answer_duration_seconds_bucket"), text)
        XCTAssertTrue(text.contains("hallguide_devices_up 1"), text)
    }

    func testABusyRobotSaysSoAndTheScreensStillShowTheRoute() throws {
        let east = try device("screen-east", .screen)
        let robot = try device("robot-north", .robot)
        XCTAssertEqual(try robot.ask("厕所在哪").lead, .willLead)
        let second = try robot.ask("社保在哪办")
        XCTAssertEqual(second.lead, .busy)
        try east.pump(timeoutMilliseconds: 2000, waitingFor: "two displays") {
            east.received.filter { if case .display = $0 { true } else { false } }.count == 2
        }
    }

    func testTheLeadWorkflowReturnsTheRobotToItsStation() throws {
        let robot = try device("robot-north", .robot)
        XCTAssertEqual(try robot.ask("医保在哪办").lead, .willLead)
        try robot.pump(timeoutMilliseconds: 2000, waitingFor: "the lead") {
            robot.received.contains { if case .lead = $0 { true } else { false } }
        }
        guard case let .lead(leadID, destination, route) = robot.received.first(where: { if case .lead = $0 { true } else { false } })! else { return }
        XCTAssertEqual(destination, "medical-insurance")
        XCTAssertGreaterThan(route.count, 2)
        try robot.send(.leadProgress(leadID: leadID, status: .accepted, position: Position(node: "north-inside")))
        XCTAssertEqual(daemon.service.fleet.record("robot-north")?.activity, .leading)
        try robot.send(.leadProgress(leadID: leadID, status: .arrived, position: Position(node: route.last!.node)))
        try robot.pump(timeoutMilliseconds: 2000, waitingFor: "the recall") {
            robot.received.contains { if case .recall = $0 { true } else { false } }
        }
        try robot.send(.leadProgress(leadID: leadID, status: .returning, position: Position()))
        try robot.send(.leadProgress(leadID: leadID, status: .docked, position: Position(node: "north-inside")))
        eventually("the robot idle") { daemon.service.fleet.record("robot-north")?.activity == .idle }
        XCTAssertEqual(daemon.service.fleet.record("robot-north")?.leadsCompleted, 1)
        XCTAssertEqual(try robot.ask("厕所").lead, .willLead)
    }

    func testPullingThePlugMidConversationAndReconnecting() throws {
        let robot = try device("robot-north", .robot)
        eventually("connected") { daemon.hub.isConnected("robot-north") }
        // Send a question and drop the connection before the answer.
        try robot.send(.query(queryID: 42, text: "护照在哪办", language: "", confidence: 90))
        robot.close()
        eventually("offline") { !daemon.hub.isConnected("robot-north") }
        // The hub drops the link first, then tells the fleet: wait for both.
        eventually("the robot offline") { daemon.service.fleet.record("robot-north")?.activity == .offline }
        // The same device comes back on a new connection, no restart.
        let again = try device("robot-north", .robot)
        XCTAssertEqual(try again.ask("厕所在哪").outcome, .route)
        XCTAssertTrue(daemon.hub.isConnected("robot-north"))
    }

    func testAPeerGoneSilentTimesOut() throws {
        let screen = try device("screen-west", .screen)
        eventually("connected") { daemon.hub.isConnected("screen-west") }
        // No heartbeats: 2 missed at 1 s. The socket stays open on our side.
        eventually("timed out", timeout: 6) { !daemon.hub.isConnected("screen-west") }
        screen.close()
    }

    func testANewLinkOfTheSameDeviceReplacesTheOld() throws {
        let first = try device("screen-west", .screen)
        let second = try device("screen-west", .screen)
        XCTAssertEqual(try second.ask("厕所").outcome, .route)
        XCTAssertThrowsError(try first.ask("厕所", timeoutMilliseconds: 1000))
    }

    func testWrongKeyUnknownDeviceAndReplayedHandshakeAreRefused() throws {
        let wrong = SimulatedDevice(id: "robot-north", kind: .robot, key: Array("not-the-right-key-at-all".utf8),
                                    transport: try TCPTransport(host: "127.0.0.1", port: port))
        XCTAssertThrowsError(try wrong.connect()) { XCTAssertEqual($0 as? SimulationError, .refused("refused")) }
        // Record a real device's first bytes (hello and proof), replay them on a new connection.
        let recorder = RecordingTransport(try TCPTransport(host: "127.0.0.1", port: port))
        let real = SimulatedDevice(id: "screen-east", kind: .screen, key: key("screen-east"), transport: recorder)
        try real.connect()
        let replay = try TCPTransport(host: "127.0.0.1", port: port)
        for chunk in recorder.written { try replay.write(chunk) }
        var decoder = FrameDecoder()
        var results: [Message] = []
        let end = Date().addingTimeInterval(3)
        while Date() < end, !results.contains(where: { if case .authResult = $0 { true } else { false } }) {
            decoder.append((try? replay.read(timeoutMilliseconds: 100)) ?? [])
            while let e = decoder.next() {
                if case .frame(let f) = e, let m = try? MessageCodec.decode(type: f.type, payload: f.payload) { results.append(m) }
            }
        }
        XCTAssertTrue(results.contains { if case .authResult(false, _, _, _) = $0 { true } else { false } }, "\(results)")
        XCTAssertEqual(try real.ask("厕所").outcome, .route, "the real device is unaffected")
        // An unknown id is refused, and the address that guessed it waits before trying again.
        let stranger = SimulatedDevice(id: "robot-mars", kind: .robot, key: key("robot-mars"),
                                       transport: try TCPTransport(host: "127.0.0.1", port: port))
        XCTAssertThrowsError(try stranger.connect())
        let retry = SimulatedDevice(id: "robot-north", kind: .robot, key: key("robot-north"),
                                    transport: try TCPTransport(host: "127.0.0.1", port: port))
        XCTAssertThrowsError(try retry.connect(), "locked out right after the guess")
    }
}

/// Passes bytes through and keeps what was written.
final class RecordingTransport: ByteTransport {
    let inner: any ByteTransport
    var written: [[UInt8]] = []
    init(_ inner: any ByteTransport) { self.inner = inner }
    func write(_ bytes: [UInt8]) throws(TransportError) {
        written.append(bytes)
        try inner.write(bytes)
    }
    func read(timeoutMilliseconds: Int32) throws(TransportError) -> [UInt8] { try inner.read(timeoutMilliseconds: timeoutMilliseconds) }
    func close() { inner.close() }
}
