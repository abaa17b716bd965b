import Foundation
import HallTestFixtures
import XCTest

/// `hallctl ask --at/--closures/--queue`, `explain` and `validate` on the live hall, as staff run them.
extension HallctlTests {
    func json(_ line: Substring) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    }

    func testAskAtAMomentInTheHallsTime() throws {
        let saturday = try hallctl(["ask", "--json", "--at", "2026-12-05 10:00", "护照在哪办"])
        XCTAssertEqual(saturday.status, 0, saturday.stderr)
        let answer = try json(saturday.stdout.split(separator: "\n")[0])
        XCTAssertEqual(answer["outcome"] as? String, "route")
        XCTAssertEqual(answer["destination"] as? String, "exit-entry")
        XCTAssertEqual(answer["open"] as? Bool, false)
        XCTAssertEqual(answer["lead"] as? Bool, false)
        XCTAssertEqual(answer["opens_at"] as? String, "2026-12-07T09:00:00+08:00")
        XCTAssertEqual(answer["at"] as? String, "2026-12-05T10:00:00+08:00")
        let plain = try hallctl(["ask", "--at", "2026-12-07 12:30", "--from", "robot-south", "护照在哪办"])
        XCTAssertTrue(plain.stdout.hasPrefix("route exit-entry (closed: 午休时间, opens 2026-12-07T13:00:00+08:00): "), plain.stdout)
        let bad = try hallctl(["ask", "--at", "next tuesday", "护照"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--at 'next tuesday'"), bad.stderr)
    }

    func testAskUnderAClosuresFileAndAQueueSnapshot() throws {
        let dir = try temporaryDirectory()
        let closures = dir.appendingPathComponent("closures.json")
        try #"{"format": 1, "closures": [{"window": 1, "reason": "暂停服务"}]}"#.write(to: closures, atomically: true, encoding: .utf8)
        let queue = dir.appendingPathComponent("queue.json")
        try #"{"format": 1, "time": "2026-12-07T09:59:00+08:00", "zones": {"exit-entry": {"waiting": 12}}}"#
            .write(to: queue, atomically: true, encoding: .utf8)
        let run = try hallctl(["ask", "--json", "--at", "2026-12-07 10:00", "--closures", closures.path, "--queue", queue.path, "-"],
                              stdin: "护照在哪办\n1号窗口在哪\n")
        XCTAssertEqual(run.status, 0, run.stderr)
        let answers = try run.stdout.split(separator: "\n").map(json)
        XCTAssertEqual(answers.map { $0["destination"] as? String }, ["exit-entry", "window-2"])
        XCTAssertEqual(answers[0]["waiting"] as? Int, 12)
        XCTAssertTrue((answers[1]["answer"] as! String).hasPrefix("1号窗口暂停服务，请到2号窗口。"))

        try #"{"format": 1, "closures": [{"window": 99}]}"#.write(to: closures, atomically: true, encoding: .utf8)
        let refused = try hallctl(["ask", "--closures", closures.path, "护照"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr, "\(closures.path):1: the hall has no window 99\n")
        let validate = try hallctl(["validate", "--closures", closures.path])
        XCTAssertEqual(validate.status, 1)
        XCTAssertEqual(validate.stderr, "\(closures.path):1: the hall has no window 99\n")
    }

    func testExplainShowsWhichLiveRuleApplied() throws {
        let run = try hallctl(["explain", "--at", "2026-12-07 12:20", "A032号在哪"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix("ticket:     A032 → exit-entry; the matcher sees the rest\n"), run.stdout)
        XCTAssertFalse(run.stdout.contains("window:     32"), run.stdout)
        XCTAssertTrue(run.stdout.contains("as at:      Monday 2026-12-07 12:20 Asia/Shanghai, a working day\n"), run.stdout)
        XCTAssertTrue(run.stdout.contains("  ticket-number: ticket A032: prefix A is issued by exit-entry\n"), run.stdout)
        XCTAssertTrue(run.stdout.contains("  lunch-break: exit-entry: 午休时间, opens 2026-12-07T13:00:00+08:00\n"), run.stdout)
        XCTAssertTrue(run.stdout.contains("answer:     route exit-entry, closed (午休时间), opens 2026-12-07T13:00:00+08:00, lead no\n"), run.stdout)
    }

    func testValidateChecksTheCalendarTheMapNames() throws {
        let dir = try temporaryDirectory()
        XCTAssertEqual(try hallctl(["export-default", dir.path]).status, 0)
        let map = dir.appendingPathComponent("maps/changchun-municipal.yaml").path
        let ok = try hallctl(["validate", "--map", map])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("calendar china.calendar.yaml: 2026, 7 holidays, 6 调休 working days\n"), ok.stdout)

        let calendar = dir.appendingPathComponent("maps/china.calendar.yaml")
        let text = try String(contentsOf: calendar, encoding: .utf8)
        try text.replacingOccurrences(of: "{date: 2026-02-28, for: 春节}", with: "{date: 2026-02-30, for: 春节}")
            .write(to: calendar, atomically: true, encoding: .utf8)
        let line = text.components(separatedBy: "\n").firstIndex { $0.contains("2026-02-28") }! + 1
        let refused = try hallctl(["validate", "--map", map])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.hasPrefix("\(calendar.path):\(line): bad date '2026-02-30' in a working day: expected YYYY-MM-DD"), refused.stderr)
        try FileManager.default.removeItem(at: calendar)
        let missing = try hallctl(["validate", "--map", map])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "\(calendar.path):1: cannot read the file\n")
    }
}
