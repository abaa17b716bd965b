import Foundation
import HallAnswers
import HallModel
import IntentMatching
import XCTest
import Wayfinding

/// The live rules on the built-in hall, each at a moment the test gives (the clock is
/// injected: nothing here reads the time).
final class LiveAnswerTests: XCTestCase {
    static let hall = Result { try Hall.builtIn() }
    var hall: Hall { try! Self.hall.get() }

    /// Monday 2026-12-07, an ordinary working day.
    let monday = "2026-12-07"

    func at(_ text: String) -> Date { HallTimeZone.shanghai.parse(text)! }

    func ask(_ query: String, at time: String, from: String = "robot-north", closures: [Closure] = [],
             queue: QueueSnapshot? = nil) throws -> Answer {
        let now = at(time)
        let plan = closures.isEmpty ? nil : ClosurePlan(hall: hall, closures: HallClosures(closures), at: now)
        var scratch = MatchScratch()
        return try hall.answer(query, from: from, live: LiveConditions(now: now, closures: plan, queue: queue), scratch: &scratch)
    }

    /// The answer's live rule codes, each one of the documented catalogue.
    func codes(_ answer: Answer, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let known = Set(LiveRule.codes.map(\.code))
        for rule in answer.liveRules { XCTAssertTrue(known.contains(rule.code), "undocumented rule \(rule.code)", file: file, line: line) }
        return answer.liveRules.map(\.code)
    }

    // MARK: hours and the calendar

    func testDuringHoursTheAnswerIsOpenAndMayLead() throws {
        let answer = try ask("护照在哪办", at: "\(monday) 10:00")
        XCTAssertEqual(answer.outcome, .route)
        XCTAssertEqual(answer.destination, "exit-entry")
        XCTAssertTrue(answer.open)
        XCTAssertTrue(answer.lead)
        XCTAssertNil(answer.opensAt)
        XCTAssertNil(answer.closedReason)
        XCTAssertEqual(answer.at, "2026-12-07T10:00:00+08:00")
    }

    func testTheLunchBreakClosesTheWindowsButNotTheAtrium() throws {
        let passport = try ask("护照在哪办", at: "\(monday) 12:20")
        XCTAssertEqual(passport.outcome, .route, "still where to go")
        XCTAssertEqual(passport.destination, "exit-entry")
        XCTAssertFalse(passport.open)
        XCTAssertFalse(passport.lead)
        XCTAssertEqual(passport.opensAt, "2026-12-07T13:00:00+08:00")
        XCTAssertEqual(passport.closedReason, "午休时间")
        XCTAssertEqual(codes(passport), ["lunch-break"])
        XCTAssertTrue(passport.answer.contains("午休时间，窗口今天13:00恢复办理"), passport.answer)
        XCTAssertNotNil(passport.route, "the visitor may walk there and wait")
        for facility in ["厕所在哪", "母婴室在哪", "咨询台在哪"] {
            let answer = try ask(facility, at: "\(monday) 12:20")
            XCTAssertTrue(answer.open, "\(facility): \(answer.answer)")
            XCTAssertTrue(answer.lead, facility)
        }
        let english = try ask("where do I apply for a passport", at: "\(monday) 12:20")
        XCTAssertEqual(english.closedReason, "lunch break")
        XCTAssertTrue(english.answer.contains("closed for lunch; open again today at 13:00"), english.answer)
    }

    func testAWeekendClosesTheHallUntilMonday() throws {
        let answer = try ask("护照在哪办", at: "2026-12-05 10:00")   // a Saturday
        XCTAssertEqual(answer.outcome, .route)
        XCTAssertFalse(answer.open)
        XCTAssertFalse(answer.lead)
        XCTAssertEqual(answer.opensAt, "2026-12-07T09:00:00+08:00")
        XCTAssertEqual(answer.closedReason, "周末休息")
        XCTAssertEqual(codes(answer), ["hall-closed"])
        XCTAssertEqual(answer.answer, "出入境业务在西厅1至4号窗口。今天是周六，大厅休息，12月7日（周一）9:00开放。")
        let toilet = try ask("厕所在哪", at: "2026-12-05 10:00")
        XCTAssertFalse(toilet.open, "the building itself is closed")
        XCTAssertTrue(try ask("北门在哪", at: "2026-12-05 10:00").open, "a door is always a way out")
    }

    func testAnAdjustedSaturdayIsAWorkingDay() throws {
        let answer = try ask("护照在哪办", at: "2026-02-14 10:00")   // 调休: a Saturday worked for the Spring Festival
        XCTAssertTrue(answer.open, answer.answer)
        XCTAssertTrue(answer.lead)
        XCTAssertEqual(codes(answer).first, "adjusted-workday")
        XCTAssertFalse(try ask("护照在哪办", at: "2026-02-21 10:00").open, "the Saturday after is in the holiday")
    }

    func testAPublicHolidaySaysWhichAndWhenTheHallOpens() throws {
        let answer = try ask("护照在哪办", at: "2026-10-02 10:00")
        XCTAssertFalse(answer.open)
        XCTAssertEqual(answer.closedReason, "国庆节放假")
        XCTAssertEqual(answer.opensAt, "2026-10-08T09:00:00+08:00")
        XCTAssertTrue(answer.answer.contains("今天是国庆节假期，大厅休息，10月8日（周四）9:00开放。"), answer.answer)
        let english = try ask("where is the toilet", at: "2026-10-02 10:00")
        XCTAssertTrue(english.answer.contains("The hall is closed today for National Day; it opens on Thursday 8 October at 9:00."), english.answer)
    }

    func testAfterHoursTheHallOpensTomorrow() throws {
        let answer = try ask("社保在哪办", at: "\(monday) 18:30")
        XCTAssertEqual(answer.outcome, .route)
        XCTAssertEqual(answer.destination, "social-insurance")
        XCTAssertFalse(answer.open)
        XCTAssertEqual(answer.opensAt, "2026-12-08T09:00:00+08:00")
        XCTAssertTrue(answer.answer.hasSuffix("今天的办公时间已结束，大厅明天（12月8日）9:00开放。"), answer.answer)
        XCTAssertFalse(answer.answer.contains("直走"), "no walk is said while the hall is shut")
        let early = try ask("社保在哪办", at: "\(monday) 08:10")
        XCTAssertEqual(early.opensAt, "2026-12-07T09:00:00+08:00")
        XCTAssertEqual(early.closedReason, "未到办公时间")
        // A fallback sends the visitor to the desk, which keeps the building's hours.
        let fallback = try ask("今天天气怎么样", at: "\(monday) 18:30")
        XCTAssertEqual(fallback.outcome, .fallback)
        XCTAssertFalse(fallback.open)
        XCTAssertFalse(fallback.lead)
    }

    // MARK: closures

    func testTheNearestOpenWindowOfTheZone() throws {
        let closed = [Closure(target: .window(1), reason: "暂停服务")]
        let zone = try ask("护照在哪办", at: "\(monday) 10:00", closures: closed)
        XCTAssertEqual(zone.destination, "exit-entry")
        XCTAssertEqual(zone.route?.window, 2)
        XCTAssertTrue(zone.answer.hasPrefix("1号窗口暂停服务，请到2号窗口。"), zone.answer)
        XCTAssertEqual(codes(zone).first, "nearest-open-window")
        XCTAssertTrue(zone.open)

        let named = try ask("1号窗口在哪", at: "\(monday) 10:00", closures: closed)
        XCTAssertEqual(named.destination, "window-2")
        XCTAssertEqual(named.route?.window, 2)
        XCTAssertTrue(named.answer.hasPrefix("1号窗口暂停服务，请到2号窗口。2号窗口属于公安出入境"), named.answer)
        XCTAssertEqual(codes(named), ["window-closed"])
        XCTAssertTrue(named.lead)

        // The closed window's neighbour, wherever the visitor asks from.
        for from in ["robot-north", "robot-south", "screen-west", "west-waiting"] {
            let sixteen = try ask("15号窗口在哪", at: "\(monday) 10:00", from: from, closures: [Closure(target: .window(15))])
            XCTAssertTrue(sixteen.answer.hasPrefix("15号窗口暂停服务，请到16号窗口。"), "\(from): \(sixteen.answer)")
        }
        let english = try ask("where is window 1", at: "\(monday) 10:00",
                              closures: [Closure(target: .window(1), reason: "系统维护", reasonEnglish: "system maintenance")])
        XCTAssertTrue(english.answer.hasPrefix("Window 1 is closed (system maintenance); please go to window 2."), english.answer)
    }

    func testAWholeZoneClosedSaysWhyAndWhenAndDoesNotLead() throws {
        let closed = [Closure(target: .zone("tax"), reason: "系统升级", until: at("\(monday) 14:00"))]
        let answer = try ask("交税在哪", at: "\(monday) 10:00", closures: closed)
        XCTAssertEqual(answer.outcome, .route)
        XCTAssertEqual(answer.destination, "tax")
        XCTAssertFalse(answer.open)
        XCTAssertFalse(answer.lead)
        XCTAssertEqual(answer.closedReason, "系统升级")
        XCTAssertEqual(answer.opensAt, "2026-12-07T14:00:00+08:00")
        XCTAssertEqual(codes(answer), ["zone-closed"])
        XCTAssertTrue(answer.answer.contains("税费缴纳窗口暂停服务（系统升级），预计今天14:00恢复。"), answer.answer)
        // Ending in the lunch break, it serves again when the break ends.
        let lunch = try ask("交税在哪", at: "\(monday) 10:00", closures: [Closure(target: .zone("tax"), until: at("\(monday) 12:30"))])
        XCTAssertEqual(lunch.opensAt, "2026-12-07T13:00:00+08:00")
        // No end time: the desk knows.
        let open = try ask("交税在哪", at: "\(monday) 10:00", closures: [Closure(target: .zone("tax"))])
        XCTAssertNil(open.opensAt)
        XCTAssertEqual(open.closedReason, "暂停服务")
        XCTAssertTrue(open.answer.contains("恢复时间请咨询咨询导服台"), open.answer)
        // Past its end it no longer applies.
        XCTAssertTrue(try ask("交税在哪", at: "\(monday) 14:00", closures: closed).open)
        // Every window closed one by one is the zone closed, reopening with the first.
        let oneByOne = (38...41).map { Closure(target: .window($0), until: $0 == 40 ? at("\(monday) 11:00") : nil) }
        let each = try ask("交税在哪", at: "\(monday) 10:00", closures: oneByOne)
        XCTAssertFalse(each.open)
        XCTAssertEqual(each.opensAt, "2026-12-07T11:00:00+08:00")
    }

    func testAClosedEdgeNeverAppearsInALiveRoute() throws {
        let edge = Closure(target: .edgeBetween("west-cross-aisle-1", "west-corridor-1"), reason: "地面维修")
        for question in ["护照在哪办", "1号窗口在哪", "4号窗口在哪", "公安车管在哪", "医保在哪"] {
            for from in ["robot-north", "robot-south", "screen-west", "screen-east"] {
                let answer = try ask(question, at: "\(monday) 10:00", from: from, closures: [edge])
                let nodes = try XCTUnwrap(answer.route?.nodes, question)
                for (a, b) in zip(nodes, nodes.dropFirst()) {
                    XCTAssertFalse(Set([a, b]) == ["west-cross-aisle-1", "west-corridor-1"], "\(question) from \(from): \(nodes)")
                }
                XCTAssertTrue(answer.open)
            }
        }
        let around = try ask("1号窗口在哪", at: "\(monday) 10:00", from: "screen-west", closures: [edge])
        XCTAssertEqual(codes(around), ["route-around-closure"])
    }

    func testAClosedAreaShutsWhatIsInIt() throws {
        let answer = try ask("交税在哪", at: "\(monday) 10:00", closures: [Closure(target: .area("east-hall"), reason: "装修")])
        XCTAssertFalse(answer.open)
        XCTAssertEqual(answer.closedReason, "装修")
        let toilet = try ask("厕所在哪", at: "\(monday) 10:00", from: "screen-east", closures: [Closure(target: .area("east-hall"))])
        XCTAssertTrue(toilet.open)
        XCTAssertEqual(toilet.route?.nodes.last, "west-restroom", "the west one, the east hall being shut")
    }

    // MARK: tickets

    func testAZoneThatNeedsATicketGoesByTheTicketMachine() throws {
        let answer = try ask("护照在哪办", at: "\(monday) 10:00")
        let route = try XCTUnwrap(answer.route)
        XCTAssertEqual(route.via, "ticket-machine")
        XCTAssertTrue(route.nodes.contains { ["north-tickets", "south-tickets", "desk-tickets"].contains($0) }, "\(route.nodes)")
        XCTAssertEqual(route.nodes.last, "w-stand-1")
        XCTAssertTrue(answer.answer.contains("请先在自助取号机取号。"), answer.answer)
        XCTAssertTrue(answer.answer.contains("取号后，"), answer.answer)
        XCTAssertEqual(codes(answer), ["ticket-machine"])
        XCTAssertTrue(route.steps.contains { $0.text.contains("自助取号机") })
        // The detour is the shortest by any machine: no machine gives a shorter walk.
        XCTAssertLessThan(route.metres, 80)
        // No ticket needed (certificate issuance), a window named, or a ticket in hand: straight there.
        XCTAssertNil(try ask("制证出证在哪", at: "\(monday) 10:00").route?.via)
        XCTAssertNil(try ask("3号窗口在哪", at: "\(monday) 10:00").route?.via)
        XCTAssertNil(try ask("我的号是A032", at: "\(monday) 10:00").route?.via)
        XCTAssertTrue(try ask("where do I apply for a passport", at: "\(monday) 10:00").answer.contains("Please take a ticket at the ticket machine first."))
        // A closed machine is passed over for the next.
        let closedMachine = Closure(target: .place("ticket-machine", node: "north-tickets"))
        XCTAssertFalse(try ask("护照在哪办", at: "\(monday) 10:00", closures: [closedMachine]).route!.nodes.contains("north-tickets"))
    }

    func testATicketNumberRoutesToItsZoneAndIsNeverAWindowNumber() throws {
        for question in ["我的号是A032", "A032号在哪", "a032在哪里办", "请问Ａ０３２去哪", "我的号是A零三二"] {
            let answer = try ask(question, at: "\(monday) 10:00")
            XCTAssertEqual(answer.destination, "exit-entry", question)
            XCTAssertNotEqual(answer.route?.window, 32, question)
            XCTAssertEqual(answer.ticket, "A032", question)
            XCTAssertEqual(answer.rule, "ticket A032: prefix A is issued by exit-entry", question)
            XCTAssertTrue(answer.answer.hasPrefix("您的号A032属于公安出入境。"), answer.answer)
        }
        XCTAssertEqual(try ask("my ticket is E105", at: "\(monday) 10:00").destination, "social-insurance")
        XCTAssertEqual(try ask("M007号在哪个窗口", at: "\(monday) 10:00").destination, "tax")
        // A prefix the hall does not issue goes to the desk; a question about something else keeps its subject.
        let unknown = try ask("我的号是Z032", at: "\(monday) 10:00")
        XCTAssertEqual(unknown.outcome, .fallback)
        XCTAssertEqual(unknown.ticket, "Z032")
        XCTAssertTrue(unknown.answer.hasPrefix("Z032不是本大厅的号。"), unknown.answer)
        XCTAssertEqual(codes(unknown), ["ticket-unknown"])
        XCTAssertEqual(try ask("我的号是A032，厕所在哪", at: "\(monday) 10:00").destination, "restroom")
        // Not tickets: licence classes, paper sizes, window numbers.
        XCTAssertNil(try ask("C1驾照在哪考", at: "\(monday) 10:00").ticket)
        XCTAssertNil(try ask("A4纸在哪打印", at: "\(monday) 10:00").ticket)
        XCTAssertEqual(try ask("32号窗口在哪", at: "\(monday) 10:00").destination, "window-32")
        // The plain answer (no live conditions) reads tickets the same way.
        XCTAssertEqual(try hall.answer("A032号在哪").destination, "exit-entry")
    }

    // MARK: the queue feed

    func snapshot(taken: String) -> QueueSnapshot {
        QueueSnapshot(time: at(taken), waiting: ["exit-entry": 12, "social-insurance": 0], calling: [3: "A029"])
    }

    func testAFreshSnapshotGivesTheWait() throws {
        let answer = try ask("护照在哪办", at: "\(monday) 10:00", queue: snapshot(taken: "\(monday) 09:59"))
        XCTAssertEqual(answer.waiting, 12)
        XCTAssertTrue(answer.answer.contains("现在约12人等候。"), answer.answer)
        XCTAssertTrue(codes(answer).contains("queue-wait"))
        XCTAssertEqual(try ask("社保在哪办", at: "\(monday) 10:00", queue: snapshot(taken: "\(monday) 09:59")).waiting, 0)
        // The ticket being called: to the window calling it.
        let called = try ask("A029号在哪", at: "\(monday) 10:00", queue: snapshot(taken: "\(monday) 09:59"))
        XCTAssertEqual(called.destination, "window-3")
        XCTAssertTrue(called.answer.hasPrefix("您的号A029正在3号窗口叫号，请到3号窗口。"), called.answer)
        XCTAssertEqual(codes(called), ["ticket-called"])
    }

    func testAStaleSnapshotIsIgnored() throws {
        let stale = snapshot(taken: "\(monday) 09:50")
        let answer = try ask("护照在哪办", at: "\(monday) 10:00", queue: stale)
        XCTAssertNil(answer.waiting)
        XCTAssertFalse(answer.answer.contains("等候"), answer.answer)
        XCTAssertEqual(codes(answer).first, "queue-stale")
        XCTAssertEqual(try ask("A029号在哪", at: "\(monday) 10:00", queue: stale).destination, "exit-entry", "not called as far as we know")
        var scratch = MatchScratch()
        let longer = try hall.answer("护照在哪办", from: "robot-north",
                                     live: LiveConditions(now: at("\(monday) 10:00"), queue: stale, queueMaxAge: 900), scratch: &scratch)
        XCTAssertEqual(longer.waiting, 12, "fresh enough under a longer limit")
    }

    func testTheStatusOfAPlaceFollowsTheSameRules() throws {
        let ten = at("\(monday) 10:00")
        let plan = ClosurePlan(hall: hall, closures: HallClosures([Closure(target: .window(16), reason: "系统维护", until: at("\(monday) 11:00"))]), at: ten)
        let window = try XCTUnwrap(hall.status(of: "window-16", at: ten, closures: plan))
        XCTAssertFalse(window.open)
        XCTAssertEqual(window.closedReason, "系统维护")
        XCTAssertEqual(window.opensAt, at("\(monday) 11:00"))
        XCTAssertEqual(hall.status(of: "social-insurance", at: ten, closures: plan)?.open, true, "its other windows serve")
        XCTAssertEqual(hall.status(of: "window-16", at: at("\(monday) 12:10"))?.opensAt, at("\(monday) 13:00"))
        XCTAssertEqual(hall.status(of: "restroom", at: at("\(monday) 12:10"), language: .en)?.open, true)
        XCTAssertEqual(hall.status(of: "restroom", at: at("2026-12-06 12:10"), language: .en)?.closedReason, "weekend")
        XCTAssertNil(hall.status(of: "canteen", at: ten))
    }

    // MARK: the contract and the plan

    func testTheContractCarriesOpenOpensAtClosedReasonAndLead() throws {
        let encoder = JSONEncoder()
        let closed = try JSONSerialization.jsonObject(with: encoder.encode(ask("护照在哪办", at: "\(monday) 12:20"))) as! [String: Any]
        XCTAssertEqual(closed["open"] as? Bool, false)
        XCTAssertEqual(closed["opens_at"] as? String, "2026-12-07T13:00:00+08:00")
        XCTAssertEqual(closed["closed_reason"] as? String, "午休时间")
        XCTAssertEqual(closed["lead"] as? Bool, false)
        XCTAssertEqual(closed["live_rules"] as? [String], ["lunch-break"])
        let open = try JSONSerialization.jsonObject(with: encoder.encode(ask("厕所在哪", at: "\(monday) 10:00"))) as! [String: Any]
        XCTAssertEqual(open["open"] as? Bool, true)
        XCTAssertTrue(open["opens_at"] is NSNull)
        XCTAssertTrue(open["closed_reason"] is NSNull)
        // An answer without live conditions: open, no moment.
        let plain = try hall.answer("护照在哪办")
        XCTAssertTrue(plain.open)
        XCTAssertNil(plain.at)
        XCTAssertNil(plain.route?.via)
    }

    func testAnswersUnderAPlanAreTheSameWordedAfreshOrRemembered() throws {
        let closures = HallClosures([Closure(target: .window(15)), Closure(target: .edgeBetween("west-corridor-3", "west-corridor-4"))])
        let now = at("\(monday) 10:00")
        let plan = ClosurePlan(hall: hall, closures: closures, at: now)
        XCTAssertTrue(plan.closesWalkways)
        var scratch = MatchScratch()
        for question in ["社保在哪办", "15号窗口在哪", "厕所在哪", "护照在哪办", "where is the toilet"] {
            for from in ["robot-north", "screen-west", "west-waiting"] {
                let first = try hall.answer(question, from: from, live: LiveConditions(now: now, closures: plan), scratch: &scratch)
                let again = try hall.answer(question, from: from, live: LiveConditions(now: now, closures: plan), scratch: &scratch)
                XCTAssertEqual(first, again, "\(question) from \(from)")
                // A plan built for another load of the hall is rebuilt, not misapplied.
                let other = try Hall.builtIn()
                let elsewhere = try other.answer(question, from: from, live: LiveConditions(now: now, closures: plan), scratch: &scratch)
                XCTAssertEqual(elsewhere.answer, first.answer, "\(question) from \(from)")
            }
        }
        XCTAssertEqual(plan.validUntil, nil)
        let ending = ClosurePlan(hall: hall, closures: HallClosures([Closure(target: .window(15), until: at("\(monday) 11:00"))]), at: now)
        XCTAssertEqual(ending.validUntil, at("\(monday) 11:00"))
        XCTAssertTrue(ending.isStale(at: at("\(monday) 11:00")))
    }
}
