import DeviceProtocol
import DeviceSessions
import HallConversation
import HallTestKit
import HallTime
import XCTest
import DeviceLinks
import HallAnswers
import HallDaemon
import HallModel

/// Devices and halld's whole device side (link sessions, the hub, the conversation and
/// its executor) in memory through the test kit, on a test clock: deterministic, no
/// sockets, no waiting.
final class InMemoryHallTests: XCTestCase {
    func testARobotGetsTheAnswerALeadAndTheScreensShowTheRoute() throws {
        let hall = try TestHall()
        let west = try hall.screen("screen-west")
        let robot = try hall.robot("robot-north")
        let answer = try robot.ask("请问办护照在哪里")
        XCTAssertEqual(answer.outcome, .route)
        XCTAssertEqual(answer.destination, "exit-entry")
        XCTAssertEqual(answer.lead, .willLead)
        XCTAssertEqual(answer.route.first?.node, "north-inside")
        // The directions, as separate steps or, when the answer would not fit a frame
        // with them (PROTOCOL.md §8), in its text.
        XCTAssertTrue(!answer.steps.isEmpty || answer.text.contains("直走"), answer.text)
        XCTAssertEqual(robot.leads.map(\.destination), ["exit-entry"])
        XCTAssertEqual(robot.leads.first?.route, answer.route)
        XCTAssertEqual(west.displays.map(\.destination), ["exit-entry"])
        XCTAssertEqual(hall.answers.all.map { $0.answer?.destination }, ["exit-entry"])
    }

    func testTheLeadWorkflowReturnsTheRobotToItsStation() throws {
        let hall = try TestHall()
        let robot = try hall.robot("robot-north")
        XCTAssertEqual(try robot.ask("医保在哪办").lead, .willLead)
        let lead = try XCTUnwrap(robot.leads.first)
        XCTAssertEqual(lead.destination, "medical-insurance")
        func state() -> RobotLead? { hall.conversation.robots.first { $0.id == "robot-north" }?.lead }
        guard case .booked? = state() else { return XCTFail("booked until the robot accepts: \(String(describing: state()))") }
        try robot.send(.leadProgress(leadID: lead.leadID, status: .accepted, position: Position(node: "north-inside")))
        guard case .leading? = state() else { return XCTFail("leading once accepted: \(String(describing: state()))") }
        XCTAssertEqual(try robot.ask("厕所").lead, .busy)
        try robot.send(.leadProgress(leadID: lead.leadID, status: .arrived, position: Position(node: lead.route.last!.node)))
        XCTAssertEqual(robot.recalls, ["lead finished"])
        try robot.send(.leadProgress(leadID: lead.leadID, status: .returning, position: Position()))
        try robot.send(.leadProgress(leadID: lead.leadID, status: .docked, position: Position(node: "north-inside")))
        XCTAssertEqual(state(), .idle)
        XCTAssertEqual(hall.conversation.robots.first { $0.id == "robot-north" }?.leadsCompleted, 1)
        XCTAssertEqual(try robot.ask("厕所").lead, .willLead)
    }

    func testPullingThePlugMidConversationAndReconnecting() throws {
        let hall = try TestHall()
        let robot = try hall.robot("robot-north")
        _ = try robot.ask("护照在哪办")
        robot.disconnect()
        XCTAssertFalse(hall.hub.isConnected("robot-north"))
        XCTAssertEqual(hall.conversation.robots.first { $0.id == "robot-north" }?.lead, .offline)
        let again = try hall.robot("robot-north")
        XCTAssertEqual(try again.ask("厕所在哪").outcome, .route)
        XCTAssertTrue(hall.hub.isConnected("robot-north"))
    }

    func testAPeerGoneSilentTimesOut() throws {
        let hall = try TestHall()
        let screen = try hall.screen("screen-west")
        screen.sendsHeartbeats = false
        hall.advance(by: .seconds(14))
        XCTAssertTrue(hall.hub.isConnected("screen-west"))
        hall.advance(by: .seconds(1))
        XCTAssertFalse(hall.hub.isConnected("screen-west"), "three intervals of silence")
        XCTAssertTrue(screen.isClosed)
    }

    /// Liveness both ways: a device that follows PROTOCOL.md §9 hears halld at least every
    /// heartbeat interval on an idle link, and so stays connected.
    func testAnIdleDeviceLinkHearsFromHalldWithinTheInterval() throws {
        let hall = try TestHall()
        let screen = try hall.screen("screen-west")
        hall.advance(by: .seconds(60))
        XCTAssertGreaterThanOrEqual(screen.heartbeatsHeard, 11, "one every 5 s")
        XCTAssertTrue(hall.hub.isConnected("screen-west"))
    }

    func testANewLinkOfTheSameDeviceReplacesTheOld() throws {
        let hall = try TestHall()
        let first = try hall.screen("screen-west")
        let second = hall.device("screen-west", kind: .screen, key: DeviceKey.development(for: "screen-west"))
        try second.connect()
        XCTAssertEqual(try second.ask("厕所").outcome, .route)
        XCTAssertTrue(first.isClosed)
        XCTAssertThrowsError(try first.ask("厕所"))
        XCTAssertTrue(hall.hub.isConnected("screen-west"), "the replaced link's end does not take the new one down")
    }

    /// A reboot: hello again on the same link. The session restarts there.
    func testAHelloOnAnAuthenticatedLinkStartsAgainWithoutClosing() throws {
        let hall = try TestHall()
        let robot = try hall.robot("robot-north")
        _ = try robot.ask("护照在哪办")
        try robot.connect(firmware: "testkit 2")
        XCTAssertFalse(robot.isClosed)
        XCTAssertEqual(try robot.ask("厕所").outcome, .route)
        XCTAssertEqual(hall.hub.statuses.first { $0.id == "robot-north" }?.firmware, "testkit 2")
    }

    func testWrongKeyUnknownDeviceAndReplayedHandshakeAreRefusedWithoutLockingTheOwnerOut() throws {
        let hall = try TestHall()
        let wrong = hall.device("robot-north", kind: .robot, key: Array("not-the-right-key-at-all".utf8))
        XCTAssertThrowsError(try wrong.connect()) { XCTAssertEqual($0 as? TestDeviceError, .refused("wrong proof", .authenticationFailed)) }
        let stranger = hall.device("robot-mars", kind: .robot, key: Array("robot-mars-key-0000".utf8))
        XCTAssertThrowsError(try stranger.connect()) { XCTAssertEqual($0 as? TestDeviceError, .refused("unknown device", .unknownDevice)) }
        let wrongKind = hall.device("robot-north", kind: .screen, key: DeviceKey.development(for: "robot-north"))
        XCTAssertThrowsError(try wrongKind.connect())
        // The real robot, behind the same gateway, still gets in: its challenge may wait,
        // never for more than the penalty cap.
        let started = hall.clock.now()
        let owner = try hall.robot("robot-north")
        XCTAssertLessThanOrEqual(hall.clock.now() - started, .seconds(2))
        XCTAssertEqual(try owner.ask("厕所").outcome, .route)
    }

    func testEveryAnswerIsRecordedWithItsDeviceAndStation() throws {
        let hall = try TestHall()
        _ = try hall.robot("robot-south").ask("社保在哪办")
        _ = try hall.screen("screen-east").ask("where is the toilet")
        let records = hall.answers.all
        XCTAssertEqual(records.map(\.device.id), ["robot-south", "screen-east"])
        XCTAssertEqual(records.map(\.device.station), ["robot-south", "screen-east"])
        XCTAssertEqual(records.map { $0.answer?.language.rawValue }, ["zh", "en"])
    }
}
