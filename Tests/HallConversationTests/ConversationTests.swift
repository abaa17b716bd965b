import DeviceProtocol
import Foundation
import HallModel
import HallAnswers
import HallConversation
import HallTime
import XCTest

/// The conversation as a pure state: events in, effects out, no sockets, no clock.
final class ConversationTests: XCTestCase {
    let t0 = Instant(nanoseconds: 9_000_000_000_000)
    /// Wednesday 2 December 2026, 10:00 in Changchun: the hall is open.
    let open = Date(timeIntervalSince1970: 1_796_176_800)
    /// Saturday 5 December 2026, 10:00: closed (not a 调休 working day).
    let saturday = Date(timeIntervalSince1970: 1_796_436_000)
    let robot = ConversationDevice(id: "robot-north", kind: .robot, station: "robot-north")
    let screen = ConversationDevice(id: "screen-west", kind: .screen, station: "screen-west")
    let kiosk = ConversationDevice(id: "screen-east", kind: .screen, station: "screen-east")
    let otherRobot = ConversationDevice(id: "robot-south", kind: .robot, station: "robot-south")

    func conversation() throws -> Conversation {
        var c = Conversation(hall: try Hall.builtIn(), devices: [robot, screen, kiosk, otherRobot])
        _ = c.handle(.connected(capabilities: [.lead, .voice]), from: robot, now: t0, date: open)
        _ = c.handle(.connected(capabilities: [.display]), from: screen, now: t0, date: open)
        _ = c.handle(.connected(capabilities: [.display]), from: kiosk, now: t0, date: open)
        // screen-west runs revision 1.0 firmware: it naks the first notice it gets.
        _ = c.handle(.refused(.notice(topic: .hall, dataVersion: ""), code: .unknownType), from: screen, now: t0, date: open)
        return c
    }

    func replies(_ effects: [ConversationEffect]) -> [Message] {
        effects.compactMap { if case .reply(let m) = $0 { m } else { nil } }
    }

    func deliveries(_ effects: [ConversationEffect]) -> [(Message, String)] {
        effects.compactMap { if case let .deliver(m, to) = $0 { (m, to) } else { nil } }
    }

    func testARouteAnswersLeadsDisplaysSpeaksAndRecords() throws {
        var c = try conversation()
        let effects = c.handle(.query(queryID: 7, text: "请问办护照在哪里", language: "", newVisitor: false), from: robot, now: t0, date: open)
        let out = replies(effects)
        guard case .answer(let answer)? = out.first else { return XCTFail("\(effects)") }
        XCTAssertEqual(answer.queryID, 7)
        XCTAssertEqual(answer.destination, "exit-entry")
        XCTAssertEqual(answer.lead, .willLead)
        XCTAssertTrue(answer.text.hasSuffix("请跟我来，我带您过去。"), answer.text)
        guard case let .lead(_, destination, route)? = out.dropFirst().first else { return XCTFail("\(out)") }
        XCTAssertEqual(destination, "exit-entry")
        XCTAssertEqual(route, answer.route)
        // Both screens show it; the asking robot does not get a display.
        let shown = deliveries(effects).filter { if case .display = $0.0 { true } else { false } }.map(\.1)
        XCTAssertEqual(shown, ["screen-east", "screen-west"])
        XCTAssertTrue(effects.contains { if case .speak(let speech, at: robot) = $0 { speech.prompt == "intent/exit-entry" } else { false } })
        XCTAssertTrue(effects.contains { if case .record(let r) = $0 { r.answer?.destination == "exit-entry" } else { false } })
        // Only the screen that takes notices (not the 1.0 one) hears the robot is no longer free.
        let notices = deliveries(effects).filter { if case .notice(.fleet, _) = $0.0 { true } else { false } }.map(\.1)
        XCTAssertEqual(notices, ["screen-east"])
        XCTAssertEqual(c.robots["robot-north"]?.lead.activity, "leading")
    }

    func testABusyRobotSaysSoAndTheScreensStillShowTheRoute() throws {
        var c = try conversation()
        _ = c.handle(.query(queryID: 1, text: "厕所在哪", language: "", newVisitor: false), from: robot, now: t0, date: open)
        let effects = c.handle(.query(queryID: 2, text: "社保在哪办", language: "", newVisitor: false), from: robot, now: t0, date: open)
        guard case .answer(let answer)? = replies(effects).first else { return XCTFail() }
        XCTAssertEqual(answer.lead, .busy)
        XCTAssertTrue(answer.text.contains("我现在不能带您过去"), answer.text)
        XCTAssertFalse(answer.text.contains("请跟我来"))
        XCTAssertEqual(replies(effects).count, 1, "no lead message")
        XCTAssertEqual(deliveries(effects).filter { if case .display = $0.0 { true } else { false } }.count, 2)
    }

    /// A screen's own answer never promises to walk with the visitor.
    func testAScreenIsNotOfferedALead() throws {
        var c = try conversation()
        let effects = c.handle(.query(queryID: 1, text: "厕所在哪", language: "", newVisitor: false), from: screen, now: t0, date: open)
        guard case .answer(let answer)? = replies(effects).first else { return XCTFail() }
        XCTAssertEqual(answer.lead, .notApplicable)
        XCTAssertFalse(answer.text.contains("请跟我来"), answer.text)
        XCTAssertEqual(deliveries(effects).filter { if case .display = $0.0 { true } else { false } }.map(\.1), ["screen-east"])
    }

    /// Robots with a screen of their own get displays too.
    func testARobotWithAScreenGetsTheDisplay() throws {
        var c = try conversation()
        _ = c.handle(.connected(capabilities: [.lead, .display]), from: otherRobot, now: t0, date: open)
        let effects = c.handle(.query(queryID: 1, text: "厕所在哪", language: "", newVisitor: false), from: robot, now: t0, date: open)
        XCTAssertTrue(deliveries(effects).contains { $0.1 == "robot-south" })
    }

    func testLeadProgressRecallsThroughTheConversation() throws {
        var c = try conversation()
        let effects = c.handle(.query(queryID: 1, text: "医保在哪办", language: "", newVisitor: false), from: robot, now: t0, date: open)
        guard case let .lead(leadID, _, _)? = replies(effects).dropFirst().first else { return XCTFail() }
        _ = c.handle(.leadProgress(leadID: leadID, status: .accepted, position: Position()), from: robot, now: t0, date: open)
        let arrived = c.handle(.leadProgress(leadID: leadID, status: .arrived, position: Position()), from: robot, now: t0, date: open)
        XCTAssertEqual(replies(arrived), [.recall(reason: "lead finished")])
        let docked = c.handle(.leadProgress(leadID: leadID, status: .docked, position: Position()), from: robot, now: t0, date: open)
        XCTAssertEqual(c.robots["robot-north"]?.lead, .idle)
        XCTAssertEqual(deliveries(docked).map(\.1), ["screen-east"], "free again: a fleet notice")
    }

    /// An answer that fails (a station the map lacks stands for any failure) still sends
    /// the device to the desk and is recorded with the reason.
    func testAFailedAnswerGoesToTheDeskAndIsRecorded() throws {
        let lost = ConversationDevice(id: "robot-lost", kind: .robot, station: "nowhere")
        var c = Conversation(hall: try Hall.builtIn(), devices: [lost])
        let effects = c.handle(.query(queryID: 3, text: "厕所在哪，13912345678", language: "", newVisitor: false), from: lost, now: t0, date: open)
        guard case .answer(let answer)? = replies(effects).first else { return XCTFail() }
        XCTAssertEqual(answer.outcome, .fallback)
        guard case .record(let record)? = effects.first(where: { if case .record = $0 { true } else { false } }) else { return XCTFail() }
        XCTAssertNil(record.answer)
        XCTAssertTrue(record.error?.contains("nowhere") == true)
        XCTAssertFalse(record.question.contains("13912345678"), "phone numbers are redacted")
        XCTAssertEqual(c.stats.failed, 1)
    }

    func testAReloadedHallIsUsedFromTheNextQuestionAndScreensAreTold() throws {
        var c = try conversation()
        let before = c.hall
        let effects = c.replaceHall(try Hall.builtIn(), date: open)
        XCTAssertFalse(c.hall === before)
        XCTAssertEqual(deliveries(effects).map(\.1), ["screen-east"])
        guard case .notice(.hall, let version)? = deliveries(effects).first?.0 else { return XCTFail() }
        XCTAssertEqual(version, c.hall.version)
    }

    func testRecallOnlyReachesAnOnlineRobot() throws {
        var c = try conversation()
        XCTAssertNil(c.recall(robot: "robot-south", reason: "x"), "not connected")
        XCTAssertNil(c.recall(robot: "screen-west", reason: "x"), "not a robot")
        let effects = try XCTUnwrap(c.recall(robot: "robot-north", reason: "operator"))
        XCTAssertEqual(deliveries(effects).first?.1, "robot-north")
        _ = c.handle(.disconnected, from: robot, now: t0, date: open)
        XCTAssertNil(c.recall(robot: "robot-north", reason: "x"))
        XCTAssertEqual(c.robots["robot-north"]?.lead, .offline)
    }

    /// Out of hours a robot answers where to go and when it opens, and does not walk there.
    func testAClosedDestinationIsAnsweredButNotLed() throws {
        var c = try conversation()
        let effects = c.handle(.query(queryID: 1, text: "护照在哪办", language: "", newVisitor: false), from: robot, now: t0, date: saturday)
        guard case .answer(let answer)? = replies(effects).first else { return XCTFail() }
        XCTAssertEqual(answer.outcome, .route)
        XCTAssertEqual(answer.destination, "exit-entry")
        XCTAssertEqual(answer.lead, .notApplicable, "no lead to a closed window")
        XCTAssertEqual(replies(effects).count, 1)
        XCTAssertEqual(c.robots["robot-north"]?.lead, .idle)
        guard case .record(let record)? = effects.first(where: { if case .record = $0 { true } else { false } }) else { return XCTFail() }
        XCTAssertEqual(record.answer?.open, false)
        XCTAssertNotNil(record.answer?.opensAt)
    }

    /// Staff close a window: the next answer goes to the zone's open one, and says so.
    func testClosuresSteerTheNextAnswerAndScreensAreTold() throws {
        var c = try conversation()
        let notices = c.setClosures(HallClosures([Closure(target: .window(1), reason: "暂停服务")]), date: open)
        XCTAssertEqual(deliveries(notices).map(\.1), ["screen-east"])
        let effects = c.handle(.query(queryID: 1, text: "1号窗口在哪", language: "", newVisitor: false), from: robot, now: t0, date: open)
        guard case .answer(let answer)? = replies(effects).first else { return XCTFail() }
        XCTAssertEqual(answer.outcome, .route)
        XCTAssertNotEqual(answer.route.last?.node, nil)
        XCTAssertTrue(answer.text.contains("1号窗口暂停服务"), answer.text)
        XCTAssertEqual(answer.lead, .willLead, "the open window is led to")
    }
}
