import DeviceProtocol
import Foundation
import HallAnswers
import HallConversation
@testable import HallDaemon
import HallModel
import HallTestKit
import HallTime
import StatusProtocol
import XCTest

/// The closures service on a test clock, with the real conversation and devices of a
/// TestHall (Wednesday 2 December 2026, 10:00 in the hall): persisting across a restart,
/// ending by itself, reaching the screens, and the commands' checks.
final class ClosuresServiceTests: XCTestCase {
    var directory: URL!
    var path: String { directory.appendingPathComponent("closures.json").path }

    override func setUpWithError() throws {
        directory = URL(fileURLWithPath: "/tmp/hgc-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func service(_ hall: TestHall, log: CapturedLog? = nil) -> ClosuresService {
        ClosuresService(path: path, conversation: hall.conversation, clock: hall.clock, logger: log?.logger ?? quietLogger)
    }

    func close(_ service: ClosuresService, _ target: String, until: String? = nil, reason: String? = nil,
               file: StaticString = #filePath, line: UInt = #line) throws -> StatusResults.ClosureChange {
        switch service.close(target: target, until: until, reason: reason, reasonEnglish: nil, by: "uid 0 gid 0 pid 1") {
        case .success(let change): return change
        case .failure(let refusal):
            XCTFail("refused: \(refusal)", file: file, line: line)
            throw refusal
        }
    }

    func testClosuresPersistAcrossARestartAndOneThatEndedMeanwhileIsGone() throws {
        let first = try TestHall()
        let closures = service(first)
        XCTAssertTrue(try close(closures, "window-16", until: "11:00", reason: "系统维护").saved)
        _ = try close(closures, "tax", reason: "系统升级")
        _ = try close(closures, "edge:west-corridor-4,west-corridor-3", reason: "地面维修")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(text, """
            {"format": 1, "closures": [
              {"window": 16, "reason": "系统维护", "until": "2026-12-02T11:00:00+08:00", "since": "2026-12-02T10:00:00+08:00"},
              {"zone": "tax", "reason": "系统升级", "since": "2026-12-02T10:00:00+08:00"},
              {"edge": ["west-corridor-3", "west-corridor-4"], "reason": "地面维修", "since": "2026-12-02T10:00:00+08:00"}
            ]}

            """)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".tmp"), "written by rename")

        // halld restarts at once: a new service (and conversation) finds the same closures.
        let again = try TestHall(clock: TestClock(wall: first.clock.wallClock()))
        let restarted = service(again)
        XCTAssertEqual(restarted.closures, closures.closures)
        XCTAssertEqual(again.conversation.closures, closures.closures)
        XCTAssertNotNil(again.conversation.live.plan, "the plan is built at start")
        XCTAssertEqual(try again.robot("robot-north").ask("16号窗口在哪").destination, "window-15")

        // halld restarts after 11:00: window 16 reopened while it was stopped.
        let later = try TestHall(clock: TestClock(wall: first.clock.wallClock().addingTimeInterval(2 * 3600)))
        let log = CapturedLog()
        let afterEnd = service(later, log: log)
        XCTAssertEqual(afterEnd.closures.closures.map(\.target.description), ["tax", "edge:west-corridor-3,west-corridor-4"])
        XCTAssertTrue(log.text.contains("closures: window-16 ended at 2026-12-02T11:00:00+08:00 while halld was stopped"), log.text)
        XCTAssertFalse(try String(contentsOfFile: path, encoding: .utf8).contains("window"), "the file no longer has it")
        XCTAssertEqual(try later.robot("robot-north").ask("16号窗口在哪").destination, "window-16")
    }

    func testAFileWithBadEntriesKeepsTheGoodOnesAndSaysWhichLinesWereLeftOut() throws {
        let original = """
            {"format": 1, "closures": [
              {"window": 3, "reason": "设备维修"},
              {"window": 99},
              {"zone": "tax", "untill": "2026-12-02T12:00:00+08:00"}
            ]}
            """
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        let log = CapturedLog()
        let closures = service(try TestHall(), log: log)
        XCTAssertEqual(closures.closures.closures.map(\.target), [.window(3)])
        XCTAssertTrue(log.text.contains("warning closures: \(path):3: the hall has no window 99: left out"), log.text)
        XCTAssertTrue(log.text.contains("warning closures: \(path):4: unknown key 'untill'"), log.text)
        XCTAssertEqual(try String(contentsOfFile: path + ".rejected", encoding: .utf8), original, "kept for staff to look at")
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8),
                       "{\"format\": 1, \"closures\": [\n  {\"window\": 3, \"reason\": \"设备维修\"}\n]}\n")
    }

    /// The timer on the daemon's clock reopens a window when its closure ends: the plan is
    /// rebuilt and the file rewritten before anyone asks, and the next answer goes there.
    func testAClosureEndingByItselfRebuildsThePlan() throws {
        let hall = try TestHall()
        let robot = try hall.robot("robot-north")
        let closures = service(hall)
        let running = Task { try await closures.run() }
        defer { running.cancel() }
        _ = try close(closures, "window-15", until: "+1m", reason: "暂停服务")
        let asked = try robot.ask("15号窗口在哪")
        XCTAssertEqual(asked.destination, "window-16")
        XCTAssertTrue(asked.text.hasPrefix("15号窗口暂停服务，请到16号窗口。"), asked.text)
        block("the timer") { [clock = hall.clock] in await clock.waitForSleepers(1) }
        XCTAssertEqual(hall.clock.sleeperCount, 1, "one timer, for the one end")

        let changes = closures.changes.count
        hall.advance(by: .seconds(61))
        block("the closure's end") { await closures.changes.wait(until: changes + 1) }
        XCTAssertNil(hall.conversation.live.plan, "rebuilt without the closure before any question")
        XCTAssertTrue(hall.conversation.closures.isEmpty)
        XCTAssertFalse(try String(contentsOfFile: path, encoding: .utf8).contains("window"))
        let after = try robot.ask("15号窗口在哪")
        XCTAssertEqual(after.destination, "window-15")
        XCTAssertFalse(after.text.contains("暂停服务"), after.text)
        XCTAssertEqual(hall.clock.sleeperCount, 0, "nothing left to end")
    }

    /// The screens are told (`live`) when staff close something and when it ends by
    /// itself, and (`hall`) after a reload, whose new plan keeps the closures.
    func testAClosureItsEndAndAReloadReachTheScreens() throws {
        let hall = try TestHall()
        let screen = try hall.screen("screen-west")
        screen.forgetReceived()
        let closures = service(hall)
        _ = try close(closures, "window-3", until: "+1m")
        XCTAssertEqual(screen.notices, [.live])
        hall.advance(by: .seconds(61))
        closures.expireDue()
        XCTAssertEqual(screen.notices, [.live, .live])

        _ = try close(closures, "social-insurance", reason: "系统升级")
        let reloaded = try Hall.builtIn()
        hall.conversation.replaceHall(reloaded)
        closures.hallReplaced()
        XCTAssertEqual(screen.notices, [.live, .live, .live, .hall])
        XCTAssertTrue(hall.conversation.live.plan?.hall === reloaded, "the plan is for the new hall")
        XCTAssertEqual(closures.closures.closures.map(\.target), [.zone("social-insurance")], "still fits the map: kept")
        let answer = try hall.robot("robot-north").ask("社保在哪办")
        XCTAssertEqual(answer.lead, .notApplicable, "no lead to a closed zone")
        XCTAssertTrue(answer.text.contains("暂停服务（系统升级）"), answer.text)
    }

    func testTheCommandsCheckTimesTargetsAndReasons() throws {
        let map = try Hall.builtIn().map
        let zone = HallTimeZone.shanghai
        let now = try XCTUnwrap(HallTimeZone.parseISO8601("2026-12-02T10:00:00+08:00"))
        func until(_ text: String) -> String {
            switch ClosureCommands.until(text, now: now, timeZone: zone) {
            case .success(let date): zone.iso8601(date)
            case .failure(let refusal): "refused: \(refusal)"
            }
        }
        XCTAssertEqual(until("13:30"), "2026-12-02T13:30:00+08:00")
        XCTAssertEqual(until("09:30"), "refused: until 09:30 today has passed (it is 10:00 now in Asia/Shanghai); for tomorrow give the date: '2026-12-03 09:30'")
        XCTAssertEqual(until("2026-12-03 09:30"), "2026-12-03T09:30:00+08:00")
        XCTAssertEqual(until("2026-12-03T01:30:00Z"), "2026-12-03T09:30:00+08:00")
        XCTAssertEqual(until("+30m"), "2026-12-02T10:30:00+08:00")
        XCTAssertEqual(until("+1h30m"), "2026-12-02T11:30:00+08:00")
        XCTAssertEqual(ClosureCommands.until("+90s", now: now.addingTimeInterval(7), timeZone: zone).map(zone.iso8601),
                       .success("2026-12-02T10:02:00+08:00"), "to the next whole minute")
        XCTAssertEqual(until("2026-12-01 09:00"), "refused: until 2026-12-01T09:00:00+08:00 is already past (it is 2026-12-02T10:00:00+08:00 now)")
        XCTAssertTrue(until("2062-12-03 09:30").hasSuffix("is more than a year ahead: leave until out to close until reopened"))
        XCTAssertTrue(until("+soon").hasPrefix("refused: until '+soon': a time from now is +30m"))
        XCTAssertTrue(until("tomorrow\u{1b}[2J").hasPrefix("refused: until 'tomorrow\\u{1b}[2J': expected HH:MM (today)"), until("tomorrow\u{1b}[2J"))

        func target(_ text: String) -> String {
            switch ClosureCommands.target(text, command: "close", in: map) {
            case .success(let target): target.description
            case .failure(let refusal): refusal.message
            }
        }
        XCTAssertEqual(target(" window-16 "), "window-16")
        XCTAssertEqual(target("restroom@west-restroom"), "restroom@west-restroom")
        XCTAssertEqual(target("window-99"), "window-99: the hall has no window 99")
        XCTAssertEqual(target("passport"), "unknown target 'passport': \(ClosureCommands.targetForms)")
        XCTAssertEqual(target("tax@tax-1"), "tax@tax-1: close one window of a zone as window-N")
        XCTAssertEqual(target("edge:west-corridor-3,nowhere"), "edge:west-corridor-3,nowhere: unknown node 'nowhere'")
        XCTAssertEqual(target("area:nowhere"), "area:nowhere: unknown area 'nowhere'")
        XCTAssertEqual(target(""), "close needs \"target\": \(ClosureCommands.targetForms)")

        let refused = { (reason: String) -> String? in
            guard case .failure(let r) = ClosureCommands.reason(reason, key: "reason", limit: 40) else { return nil }
            return r.message
        }
        XCTAssertNil(refused("  系统维护 "))
        XCTAssertEqual(refused(String(repeating: "修", count: 41)), "reason has 41 characters; at most 40 (it is said to visitors)")
        XCTAssertEqual(refused("维修\u{202E}中"), "reason '维修\\u{202e}中' has a control or formatting character")

        var closed = HallClosures([Closure(target: .zone("social-insurance"))])
        func reopen(_ text: String) -> String {
            switch ClosureCommands.reopen(text, in: closed, map: map) {
            case .success(let closure): "reopens \(closure.target)"
            case .failure(let refusal): refusal.message
            }
        }
        XCTAssertEqual(reopen("social-insurance"), "reopens social-insurance")
        XCTAssertEqual(reopen("window-16"), "window-16 is closed with its zone social-insurance: reopen the zone (hallctl open social-insurance), then close the windows that stay closed")
        XCTAssertEqual(reopen("window-3"), "window-3 is not closed; closed now: social-insurance")
        closed = HallClosures()
        XCTAssertEqual(reopen("window-3"), "window-3 is not closed; nothing is closed")
    }
}
