import DeviceProtocol
import Foundation
import HallAnswers
import HallConversation
import HallTime
import XCTest

/// The visitor context in the device conversation: it belongs to one device and one
/// visitor, and ends on the robot's new-visitor signal, after the idle time, on a disconnect.
final class VisitorContextTests: XCTestCase {
    let t0 = Instant(nanoseconds: 9_000_000_000_000)
    /// Wednesday 2 December 2026, 10:00 in Changchun: the hall is open.
    let open = Date(timeIntervalSince1970: 1_796_176_800)
    let robot = ConversationDevice(id: "robot-north", kind: .robot, station: "robot-north")
    let otherRobot = ConversationDevice(id: "robot-south", kind: .robot, station: "robot-south")
    let screen = ConversationDevice(id: "screen-west", kind: .screen, station: "screen-west")

    func conversation(idle: Duration = .seconds(60)) throws -> Conversation {
        var settings = ConversationSettings()
        settings.visitorIdle = idle
        var c = Conversation(hall: try Hall.builtIn(), devices: [robot, otherRobot, screen], settings: settings)
        for device in [robot, otherRobot] { _ = c.handle(.connected(capabilities: [.lead, .voice]), from: device, now: t0, date: open) }
        _ = c.handle(.connected(capabilities: [.display]), from: screen, now: t0, date: open)
        return c
    }

    /// The answer to one question, and its query-log record.
    func ask(_ c: inout Conversation, _ text: String, at device: ConversationDevice, after seconds: Int = 0,
             newVisitor: Bool = false) -> (DeviceProtocol.Answer, HallAnswers.Answer?) {
        let effects = c.handle(.query(queryID: 1, text: text, language: "", newVisitor: newVisitor), from: device,
                               now: t0 + .seconds(seconds), date: open.addingTimeInterval(Double(seconds)))
        let answer = effects.compactMap { if case .reply(.answer(let a)) = $0 { a } else { nil } }.first!
        let recorded = effects.compactMap { if case .record(let r) = $0 { r.answer } else { nil } }.first
        return (answer, recorded)
    }

    func testAReplyToTheOfferIsUnderstoodInContextAndLogged() throws {
        var c = try conversation()
        let (asked, _) = ask(&c, "交保险", at: robot)
        XCTAssertEqual(asked.outcome, .clarify)
        let (picked, record) = ask(&c, "第二个", at: robot, after: 5)
        XCTAssertEqual(picked.outcome, .route)
        XCTAssertEqual(picked.destination, asked.candidates[1])
        XCTAssertEqual(record?.contextRule, "picked-by-ordinal")
        XCTAssertEqual(record?.contextOffer, asked.candidates)
        XCTAssertEqual(picked.lead, .willLead, "a context-decided route is led like any other")
    }

    func testContextNeverLeaksToTheNextVisitor() throws {
        var c = try conversation()
        _ = ask(&c, "交保险", at: robot)
        // The robot says a new person is asking: "第二个" means nothing to them.
        let (fresh, record) = ask(&c, "第二个", at: robot, after: 5, newVisitor: true)
        XCTAssertEqual(fresh.outcome, .fallback)
        XCTAssertNil(record?.contextRule)
        XCTAssertEqual(record?.contextOffer, [])
    }

    func testContextEndsAfterTheIdleTime() throws {
        var c = try conversation(idle: .seconds(30))
        _ = ask(&c, "交保险", at: robot)
        XCTAssertEqual(ask(&c, "第一个", at: robot, after: 29).0.outcome, .route, "within the idle time: the same visitor")
        _ = ask(&c, "交保险", at: robot, after: 40)
        XCTAssertEqual(ask(&c, "第一个", at: robot, after: 71).0.outcome, .fallback, "31 s later: a new visitor")
    }

    func testEachDeviceHasItsOwnVisitor() throws {
        var c = try conversation()
        _ = ask(&c, "交保险", at: robot)
        XCTAssertEqual(ask(&c, "第一个", at: otherRobot, after: 1).0.outcome, .fallback, "the other robot's visitor was not asked")
        XCTAssertEqual(ask(&c, "第一个", at: robot, after: 2).0.outcome, .route)
    }

    func testADisconnectEndsTheVisitor() throws {
        var c = try conversation()
        _ = ask(&c, "交保险", at: robot)
        _ = c.handle(.disconnected, from: robot, now: t0 + .seconds(1), date: open)
        _ = c.handle(.connected(capabilities: [.lead, .voice]), from: robot, now: t0 + .seconds(2), date: open)
        XCTAssertEqual(ask(&c, "第一个", at: robot, after: 3).0.outcome, .fallback)
    }

    func testAFollowUpIsAboutTheSameDestinationAndLiveRulesStillApply() throws {
        var c = try conversation()
        _ = ask(&c, "社保在哪办", at: screen)
        let (again, record) = ask(&c, "几号窗口", at: screen, after: 3)
        XCTAssertEqual(again.destination, "social-insurance")
        XCTAssertEqual(record?.contextRule, "same-destination")
        XCTAssertEqual(record?.open, true)
        // At 12:30 the same follow-up is answered by the lunch break, as any question is.
        let lunch = open.addingTimeInterval(2.5 * 3600)
        _ = c.handle(.query(queryID: 2, text: "社保在哪办", language: "", newVisitor: true), from: screen, now: t0 + .seconds(10), date: lunch)
        let effects = c.handle(.query(queryID: 3, text: "怎么走", language: "", newVisitor: false), from: screen, now: t0 + .seconds(12), date: lunch)
        let recorded = effects.compactMap { if case .record(let r) = $0 { r.answer } else { nil } }.first
        XCTAssertEqual(recorded?.contextRule, "same-destination")
        XCTAssertEqual(recorded?.open, false, "a context-decided answer is still a live answer")
        XCTAssertTrue(recorded?.liveRules.contains { $0.code == "lunch-break" } ?? false, "\(recorded?.liveRules ?? [])")
    }
}
