import DeviceProtocol
import HallConversation
import HallTime
import XCTest

/// The robots' lead workflow as one state per robot, driven with instants handed in.
final class LeadWorkflowTests: XCTestCase {
    let t0 = Instant(nanoseconds: 7_000_000_000_000)
    let grace: Duration = .seconds(30)

    func idleRobot() -> RobotRecord {
        var robot = RobotRecord(id: "robot-north")
        robot.connected()
        XCTAssertEqual(robot.lead, .idle)
        return robot
    }

    func booked(_ leadID: UInt32 = 3) -> RobotRecord {
        var robot = idleRobot()
        XCTAssertEqual(robot.offer(leadID: leadID, destination: "exit-entry", now: t0), .willLead)
        return robot
    }

    func testAcceptedThenArrivedRecallsTheRobotAndDockedFreesIt() {
        var robot = booked()
        XCTAssertEqual(robot.lead, .booked(Lead(id: 3, destination: "exit-entry", since: t0)))
        XCTAssertEqual(robot.progress(leadID: 3, status: .accepted, position: Position()), [])
        XCTAssertEqual(robot.lead, .leading(Lead(id: 3, destination: "exit-entry", since: t0)), "accepted moves booked to leading")
        XCTAssertEqual(robot.offer(leadID: 4, destination: "tax", now: t0), .busy)
        XCTAssertEqual(robot.progress(leadID: 3, status: .arrived, position: Position(node: "w1")), [.recall(reason: "lead finished")])
        XCTAssertEqual(robot.lead, .returning(afterLead: 3))
        XCTAssertEqual(robot.leadsCompleted, 1)
        XCTAssertEqual(robot.position.node, "w1")
        _ = robot.progress(leadID: 3, status: .returning, position: Position())
        _ = robot.progress(leadID: 3, status: .docked, position: Position())
        XCTAssertEqual(robot.lead, .idle)
        XCTAssertEqual(robot.offer(leadID: 5, destination: "tax", now: t0), .willLead)
    }

    func testAbortedAndBlockedEndTheLeadWithARecall() {
        for status in [LeadStatus.aborted, .blocked] {
            var robot = booked()
            _ = robot.progress(leadID: 3, status: .accepted, position: Position())
            XCTAssertEqual(robot.progress(leadID: 3, status: status, position: Position()), [.recall(reason: "lead ended: \(status)")])
            XCTAssertEqual(robot.lead, .returning(afterLead: 3))
            XCTAssertEqual(robot.leadsAborted, 1)
            XCTAssertEqual(robot.progress(leadID: 3, status: status, position: Position()), [], "a repeated report does nothing more")
            XCTAssertEqual(robot.leadsAborted, 1)
        }
    }

    /// A late `arrived` of the previous lead must not recall the robot off its new visitor.
    func testAStaleLeadIDIsIgnored() {
        var robot = booked(3)
        _ = robot.progress(leadID: 3, status: .arrived, position: Position())
        _ = robot.progress(leadID: 3, status: .docked, position: Position())
        XCTAssertEqual(robot.offer(leadID: 4, destination: "tax", now: t0), .willLead)
        let actions = robot.progress(leadID: 3, status: .arrived, position: Position())
        XCTAssertFalse(actions.contains { if case .recall = $0 { true } else { false } })
        XCTAssertEqual(robot.lead, .booked(Lead(id: 4, destination: "tax", since: t0)))
        XCTAssertEqual(robot.leadsCompleted, 1)
    }

    /// A robot that naks a lead as busy is not leading it: it is busy until it says idle.
    func testABusyNakMeansNotLeading() {
        var robot = booked(3)
        _ = robot.refusedLead(3, code: .busy, now: t0)
        XCTAssertEqual(robot.lead, .busy(since: t0))
        XCTAssertEqual(robot.offer(leadID: 4, destination: "tax", now: t0), .busy)
        _ = robot.heartbeat(.idle, battery: 80, position: Position(), now: t0 + .seconds(5), grace: grace)
        XCTAssertEqual(robot.lead, .idle, "free again when its heartbeat says idle")
        // A nak for another lead than the current changes nothing.
        var other = booked(7)
        _ = other.refusedLead(3, code: .busy, now: t0)
        XCTAssertEqual(other.lead.leadID, 7)
    }

    /// Right after a lead is sent the robot's heartbeats may still say idle: within the
    /// grace period the lead stands; after it, the robot's word wins.
    func testTheGracePeriod() {
        var robot = booked()
        _ = robot.heartbeat(.idle, battery: 80, position: Position(), now: t0 + .seconds(29), grace: grace)
        XCTAssertEqual(robot.lead.leadID, 3)
        let actions = robot.heartbeat(.idle, battery: 80, position: Position(), now: t0 + .seconds(31), grace: grace)
        XCTAssertEqual(robot.lead, .idle)
        XCTAssertEqual(actions.count, 1, "the lost lead is logged")
        // A heartbeat that says leading starts a booked lead even without `accepted`.
        var walking = booked()
        _ = walking.heartbeat(.leading, battery: 80, position: Position(), now: t0 + .seconds(1), grace: grace)
        XCTAssertEqual(walking.lead, .leading(Lead(id: 3, destination: "exit-entry", since: t0)))
    }

    func testOfflineMidLeadDropsTheLead() {
        var robot = booked()
        _ = robot.progress(leadID: 3, status: .accepted, position: Position())
        XCTAssertEqual(robot.disconnected().count, 1)
        XCTAssertEqual(robot.lead, .offline)
        XCTAssertEqual(robot.offer(leadID: 4, destination: "tax", now: t0), .unavailable)
        _ = robot.progress(leadID: 3, status: .arrived, position: Position())
        XCTAssertEqual(robot.lead, .offline, "a report for the dropped lead does nothing")
        robot.connected()
        XCTAssertEqual(robot.lead, .idle)
    }

    func testChargingAndFaultMakeTheRobotUnavailable() {
        for state in [RobotState.charging, .fault] {
            var robot = booked()
            _ = robot.heartbeat(state, battery: 10, position: Position(), now: t0, grace: grace)
            XCTAssertEqual(robot.lead, .charging)
            XCTAssertEqual(robot.offer(leadID: 9, destination: "tax", now: t0), .unavailable)
            XCTAssertEqual(robot.battery, 10)
        }
    }

    func testALeadThatNeverArrivesFreesTheRobot() {
        var robot = booked(3)
        _ = robot.leadUndelivered(4)
        XCTAssertEqual(robot.lead.leadID, 3, "another lead's failure changes nothing")
        XCTAssertEqual(robot.leadUndelivered(3).count, 1)
        XCTAssertEqual(robot.lead, .idle)
    }
}
