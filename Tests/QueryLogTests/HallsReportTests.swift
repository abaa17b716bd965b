import Foundation
import HallAnswers
import HallTestFixtures
import HallTime
@testable import QueryLog
import XCTest
import IntentMatching

/// `hallctl report --log A --log B`: two halls' generated SQLite logs, written through the
/// writer as halld writes them, merged with a HALL column in text and a `hall` column in CSV.
final class HallsReportTests: XCTestCase {
    /// A small hall's day: its own fallbacks (one shared with the generated week's hall).
    static func writeVillageLog(to path: String) throws {
        let hall = try Hall.builtIn()
        let start = GeneratedWeek.now.addingTimeInterval(-2 * 86_400)
        var records: [QueryRecord] = []
        let asked: [(String, Int)] = [("村委会在哪", 7), ("食堂在哪", 2), ("厕所在哪", 5), ("交保险", 1)]
        var minute = 0.0
        for (question, count) in asked {
            for _ in 0..<count {
                let answer = try hall.answer(question, from: "robot-north")
                records.append(QueryRecord(answer: answer, device: "robot-north", place: "robot-north",
                                           time: start.addingTimeInterval(minute * 600), latencyMicroseconds: 250))
                minute += 1
            }
        }
        let writer = try QueryLogWriter(configuration: .init(path: path, clock: TestClock(wall: GeneratedWeek.now)),
                                        normalize: { hall.matcher.normalize($0) })
        for r in records { writer.record(r) }
        guard writer.close(), writer.counters.committed == UInt64(records.count) else { throw CocoaError(.fileWriteUnknown) }
    }

    func testHallNamesFromTheCommandLine() {
        XCTAssertEqual(HallsReport.hallAndPath("nanguan=/data/a.sqlite").hall, "nanguan")
        XCTAssertEqual(HallsReport.hallAndPath("nanguan=/data/a.sqlite").path, "/data/a.sqlite")
        XCTAssertEqual(HallsReport.hallAndPath("/srv/halls/xinli/queries.sqlite").hall, "xinli")
        XCTAssertEqual(HallsReport.hallAndPath("/backups/chaoyang-2026-12.sqlite").hall, "chaoyang-2026-12")
        // A path with '=' in a folder name is a path, not NAME=FILE.
        XCTAssertEqual(HallsReport.hallAndPath("/data/a=b/queries.sqlite").path, "/data/a=b/queries.sqlite")
    }

    func testTheMergedReportPutsEveryHallsRowsInOneTableWithTheHall() throws {
        let city = QueryReport(records: try GeneratedWeek.storedRecords(), since: nil, until: GeneratedWeek.now)
        let lone = QueryReport(records: [
            QueryRecord(time: GeneratedWeek.now.addingTimeInterval(-60), device: "screen-west", place: "screen-west",
                        text: "食堂在哪", outcome: .fallback),
        ], since: nil, until: GeneratedWeek.now)
        let merged = HallsReport(halls: [.init(hall: "city", source: "a", report: city), .init(hall: "lone", source: "b", report: lone)],
                                 since: nil, until: GeneratedWeek.now)
        XCTAssertEqual(merged.total, city.total + 1)
        XCTAssertEqual(merged.fallbacks.count, city.fallbacks.count + 1)
        // The same text in two halls stays two rows; most asked first across halls.
        XCTAssertEqual(merged.fallbacks.filter { $0.item.text == "食堂在哪" }.map(\.hall), ["city", "lone"])
        XCTAssertEqual(merged.fallbacks.map(\.item.count), merged.fallbacks.map(\.item.count).sorted(by: >))
        XCTAssertEqual(merged.fallbacks.last?.hall, "lone")
    }

    func testHallctlReportMergesTwoHallsLogsInTextAndCSV() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("querylog-halls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("xinli"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let city = directory.appendingPathComponent("city.sqlite").path
        let village = directory.appendingPathComponent("xinli/queries.sqlite").path
        try GeneratedWeek.write(to: city)
        try Self.writeVillageLog(to: village)

        let text = try ProgramRun.run(BuiltProducts.path("hallctl"), ["report", "--log", "changchun=\(city)", "--log", village, "--since", "all"],
                                      environment: ["HALLGUIDE_QUERY_LOG": nil])
        XCTAssertEqual(text.status, 0, text.stderr)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first?.hasPrefix("Query logs of 2 halls:"), true, text.stdout)
        // One line per hall and the sum: 302 + 15 questions; the week's 44 fallbacks (41 + 3
        // old ones) and the village's 7 + 2.
        let perHall = lines.filter { $0.hasPrefix("  changchun ") || $0.hasPrefix("  xinli ") || $0.hasPrefix("  all ") }
        XCTAssertEqual(perHall.count, 3, text.stdout)
        XCTAssertEqual(perHall.map { $0.split(separator: " ").prefix(2).joined(separator: " ") },
                       ["changchun 302", "xinli 15", "all 317"], text.stdout)
        XCTAssertTrue(perHall[1].contains(" 9 "), "the village's fallbacks: \(perHall[1])")
        XCTAssertTrue(text.stdout.contains("COUNT  HALL"), text.stdout)
        let canteen = lines.filter { $0.hasSuffix("食堂在哪") }
        XCTAssertEqual(canteen.count, 2, "one row per hall for the same text:\n\(text.stdout)")
        XCTAssertTrue(canteen[0].contains("changchun") && canteen[1].contains("xinli"), canteen.joined(separator: "\n"))
        let villageHall = try XCTUnwrap(lines.first { $0.hasSuffix("村委会在哪") }, text.stdout)
        XCTAssertTrue(villageHall.contains("xinli"), villageHall)

        let csv = try ProgramRun.run(BuiltProducts.path("hallctl"), ["report", "--log", "changchun=\(city)", "--log", village, "--since", "all", "--csv"],
                                     environment: ["HALLGUIDE_QUERY_LOG": nil])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let table = CSV.parse(csv.stdout)
        XCTAssertEqual(table.first, ["hall"] + QueryReport.csvColumns)
        XCTAssertEqual(Set(table.dropFirst().map { $0[0] }), ["changchun", "xinli"])
        XCTAssertTrue(table.dropFirst().allSatisfy { $0.count == table[0].count })
        let villageFallbacks = table.filter { $0[0] == "xinli" && $0[1] == "fallback" }
        XCTAssertEqual(villageFallbacks.map { $0[3] }, ["村委会在哪", "食堂在哪"])
        XCTAssertEqual(villageFallbacks.map { $0[6] }, ["7", "2"])
        XCTAssertEqual(table.filter { $0[0] == "changchun" && $0[1] == "outcome" }.map { $0[6] }, ["246", "12", "44", "0"])

        let clash = try ProgramRun.run(BuiltProducts.path("hallctl"), ["report", "--log", village, "--log", "xinli=\(city)"],
                                       environment: ["HALLGUIDE_QUERY_LOG": nil])
        XCTAssertEqual(clash.status, 64)
        XCTAssertTrue(clash.stderr.contains("name them as NAME=FILE"), clash.stderr)
        let missing = try ProgramRun.run(BuiltProducts.path("hallctl"), ["report", "--log", city, "--log", directory.appendingPathComponent("none.sqlite").path],
                                         environment: ["HALLGUIDE_QUERY_LOG": nil])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("none: no query log at"), missing.stderr)
    }

    func testCSVRecordsKeepLineBreaksInsideQuotedFields() {
        XCTAssertEqual(HallsReport.csvRecords("a,b\r\n\"x\r\ny\",z\r\nc,d\r\n"), ["a,b", "\"x\r\ny\",z", "c,d"])
    }
}
