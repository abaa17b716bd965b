import Foundation
import GRDB
import HallAnswers
import HallTime
import IntentMatching
@testable import QueryLog
import XCTest

/// The conversation's context in the log: stored and read back (schema v2, also over a
/// v1 log), and the report of what visitors picked after each offer and which fallbacks
/// are worth labelling.
final class ContextLogTests: XCTestCase {
    var directory: URL!
    var path: String { directory.appendingPathComponent("queries.sqlite").path }
    let t0 = Date(timeIntervalSince1970: 1_796_176_800)

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("contextlog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func turn(_ text: String, _ outcome: QueryRecord.Outcome, to destination: String? = nil, offered: [String] = [],
              rule: String? = nil, after seconds: Double, device: String = "robot-north",
              matcherRule: String = "") -> QueryRecord {
        var r = QueryRecord(time: t0.addingTimeInterval(seconds), device: device, place: device, text: text, outcome: outcome,
                            destination: destination, rule: matcherRule)
        r.contextRule = rule
        r.offered = offered
        return r
    }

    func testTheContextIsStoredAndReadBackOverAnOlderLog() throws {
        // A log made by the v1 schema: the migration adds the columns, old rows read as no context.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1: queries');
                CREATE TABLE queries (id INTEGER PRIMARY KEY AUTOINCREMENT, time DATETIME NOT NULL, device TEXT NOT NULL,
                  place TEXT NOT NULL, text TEXT NOT NULL, outcome TEXT NOT NULL, intent TEXT, destination TEXT,
                  candidates TEXT NOT NULL DEFAULT '', confidence DOUBLE NOT NULL DEFAULT 0, latency_us INTEGER NOT NULL DEFAULT 0,
                  homophone_repair BOOLEAN NOT NULL DEFAULT 0, rule TEXT NOT NULL DEFAULT '', language TEXT NOT NULL DEFAULT 'zh');
                INSERT INTO queries (time, device, place, text, outcome) VALUES ('2026-12-02 02:00:00.000', 'robot-north', 'robot-north', '交保险', 'clarify');
                """)
        }
        try queue.close()
        let clock = TestClock()
        let log = try QueryLogWriter(configuration: .init(path: path, clock: clock), normalize: { $0 })
        log.record(turn("第二个", .route, to: "medical-insurance", offered: ["social-insurance", "medical-insurance"],
                        rule: "picked-by-ordinal", after: 5))
        XCTAssertTrue(log.close())
        let rows = try QueryLogReader.records(path: path, since: nil)
        XCTAssertEqual(rows.count, 2)
        XCTAssertNil(rows[0].contextRule)
        XCTAssertEqual(rows[0].offered, [])
        XCTAssertEqual(rows[1].contextRule, "picked-by-ordinal")
        XCTAssertEqual(rows[1].offered, ["social-insurance", "medical-insurance"])
    }

    func testTheReportShowsWhatVisitorsPickedAfterEachOffer() {
        let offer = ["social-insurance", "medical-insurance"]
        let report = ContextReport(records: [
            turn("交保险", .clarify, after: 0),
            turn("第二个", .route, to: "medical-insurance", offered: offer, rule: "picked-by-ordinal", after: 3),
            turn("医保", .route, to: "medical-insurance", offered: offer, rule: "picked-by-name", after: 30),
            turn("都不是", .fallback, offered: offer, rule: "rejected-all", after: 60),
            turn("厕所在哪", .route, to: "restroom", offered: offer, after: 90),
            turn("出口在哪", .route, to: "south-door", offered: ["north-door", "south-door"], rule: "picked-by-name", after: 120),
        ], since: nil)
        XCTAssertEqual(report.picks.map(\.offered), [offer, ["north-door", "south-door"]])
        XCTAssertEqual(report.picks[0].count, 4)
        XCTAssertEqual(report.picks[0].choices.map(\.choice), ["medical-insurance", "fallback", "restroom"])
        XCTAssertEqual(report.picks[0].choices[0].count, 2)
        XCTAssertEqual(Set(report.picks[0].choices[0].rules), ["picked-by-ordinal", "picked-by-name"])
        XCTAssertEqual(report.picks[0].choices[2].rules, ["new question"])
        XCTAssertTrue(report.text().contains("social-insurance | medical-insurance: 4"), report.text())
    }

    func testFallbacksWorthLabellingAreTheUnexplainedOnesWithWhereTheVisitorWentNext() {
        let nothing = MatchDecision.Rule.nothingMatched.summary
        let report = ContextReport(records: [
            turn("把车过给我弟", .fallback, after: 0, matcherRule: nothing),
            turn("车管在哪", .route, to: "vehicle-admin", after: 20),
            turn("把车过给我弟", .fallback, after: 300, device: "screen-west", matcherRule: nothing),
            // Out of scope, or a conversation ended at the desk: nothing to label.
            turn("天气怎么样", .fallback, after: 400, matcherRule: MatchDecision.Rule.outOfScope.summary),
            turn("都不是", .fallback, offered: ["a", "b"], rule: "rejected-all", after: 500, matcherRule: nothing),
        ], since: nil)
        XCTAssertEqual(report.suggestions, [.init(text: "把车过给我弟", count: 2, likely: "vehicle-admin")])
    }
}
