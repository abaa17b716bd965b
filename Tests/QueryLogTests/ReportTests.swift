import Foundation
import HallTestFixtures
@testable import QueryLog
import XCTest

/// The report on a generated week (GeneratedWeek): computed from records without a file,
/// rendered as text and CSV, and through `hallctl report` on a real log file.
final class ReportTests: XCTestCase {
    let week = GeneratedWeek.self
    var sevenDays: Date { week.now.addingTimeInterval(-7 * 86_400) }

    func report(since: Date?) throws -> QueryReport {
        QueryReport(records: try week.storedRecords(), since: since, until: week.now)
    }

    func testTheFallbacksAreGroupedByNormalisedTextAndSortedMostAskedFirst() throws {
        let r = try report(since: sevenDays)
        XCTAssertEqual(r.fallbacks.map(\.text), ["食堂在哪", "能停车吗", "办结婚证", "hello, where can i eat", "可以充电吗", "今天天气怎么样"])
        XCTAssertEqual(r.fallbacks.map(\.count), [14, 9, 6, 5, 4, 3])
        XCTAssertEqual(r.fallbackCount, 41)
        let canteen = r.fallbacks[0]
        XCTAssertLessThan(canteen.firstSeen, canteen.lastSeen)
        XCTAssertTrue(canteen.places.allSatisfy(GeneratedWeek.stations.contains))
        XCTAssertEqual(Set(canteen.places).count, canteen.places.count)
        // The old question is outside the window…
        XCTAssertFalse(r.fallbacks.contains { $0.text == "老干部局在哪" })
        // …and inside a longer one.
        let all = try report(since: week.now.addingTimeInterval(-14 * 86_400))
        XCTAssertEqual(all.fallbacks.last?.text, "老干部局在哪")
        XCTAssertEqual(all.fallbacks.last?.count, 3)
        XCTAssertEqual(all.total, r.total + 3)
    }

    func testTotalsOutcomesAndTopIntents() throws {
        let r = try report(since: sevenDays)
        // 225 routed + 41 fallbacks + 10 homophones + 12 asked back + 11 follow-ups.
        XCTAssertEqual(r.total, 299)
        XCTAssertEqual(r.outcomes.map(\.name), ["route", "clarify", "fallback", "error"])
        XCTAssertEqual(r.outcomes.map(\.count), [246, 12, 41, 0])
        XCTAssertEqual(r.outcomes[0].share, 246.0 / 299, accuracy: 1e-9)
        // exit-entry: 60 asked + 1 late follow-up + 7 by homophone (护造, 出入经).
        XCTAssertEqual(r.intents.prefix(3).map(\.name), ["exit-entry", "restroom", "social-insurance"])
        XCTAssertEqual(r.intents.prefix(3).map(\.count), [68, 55, 35])
    }

    func testAskedBackQuestionsShowWhatWasChosenNext() throws {
        let r = try report(since: sevenDays)
        XCTAssertEqual(r.clarifies.count, 2)
        let insurance = r.clarifies[0]
        XCTAssertEqual(insurance.text, "交保险")
        XCTAssertEqual(Set(insurance.candidates), ["social-insurance", "medical-insurance"])
        XCTAssertEqual(insurance.count, 8)
        XCTAssertEqual(insurance.followUps, [.init(choice: "social-insurance", count: 5), .init(choice: "medical-insurance", count: 2),
                                             .init(choice: QueryReport.noFollowUp, count: 1)])
        let renew = r.clarifies[1]
        XCTAssertEqual(renew.text, "换证在哪")
        // The one that came 90 s later is too late to count as the choice.
        XCTAssertEqual(renew.followUps, [.init(choice: "vehicle-admin", count: 3), .init(choice: QueryReport.noFollowUp, count: 1)])
    }

    func testHomophoneRepairs() throws {
        let r = try report(since: sevenDays)
        XCTAssertEqual(r.homophones, [.init(text: "办个护造", understoodAs: "exit-entry", count: 5),
                                      .init(text: "家照到期换领", understoodAs: "vehicle-admin", count: 3),
                                      .init(text: "出入经在哪", understoodAs: "exit-entry", count: 2)])
    }

    func testTheFollowUpMustComeFromTheSameDeviceWithinSixtySeconds() {
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        func r(_ s: Double, _ device: String, _ outcome: QueryRecord.Outcome, _ destination: String? = nil) -> QueryRecord {
            QueryRecord(time: t0.addingTimeInterval(s), device: device, place: device, text: "q\(s)", outcome: outcome,
                        destination: destination, candidates: outcome == .clarify ? ["a", "b"] : [])
        }
        let report = QueryReport(records: [
            r(0, "d1", .clarify), r(10, "d2", .route, "b"), r(50, "d1", .route, "a"),  // d2's answer is not d1's choice
            r(100, "d1", .clarify), r(161, "d1", .route, "a"),  // 61 s: too late
            r(200, "d2", .clarify), r(230, "d2", .fallback),
            r(300, "d2", .clarify),  // nothing after it
        ], since: nil, until: t0.addingTimeInterval(400))
        XCTAssertEqual(report.clarifies.map { $0.followUps.map(\.choice) }, [["a"], [QueryReport.noFollowUp], ["fallback"], [QueryReport.noFollowUp]])
    }

    func testAThankYouIsNotListedAsAFallback() {
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        let report = QueryReport(records: [
            QueryRecord(time: t0, device: "d1", place: "d1", text: "谢谢", outcome: .fallback, rule: "the visitor thanked or said goodbye: nothing to route"),
            QueryRecord(time: t0, device: "d1", place: "d1", text: "食堂在哪", outcome: .fallback, rule: "no keyword matched"),
        ], since: nil, until: t0.addingTimeInterval(10))
        XCTAssertEqual(report.fallbacks.map(\.text), ["食堂在哪"])
    }

    func testAnEmptyWindow() {
        let report = QueryReport(records: [], since: sevenDays, until: week.now)
        XCTAssertEqual(report.total, 0)
        XCTAssertTrue(report.text(source: "x.sqlite", sinceLabel: "7d", timeZone: week.timeZone).contains("No questions in this window."))
    }

    func testTheTextPutsTheFallbacksFirst() throws {
        let text = try report(since: sevenDays).text(source: "queries.sqlite", sinceLabel: "7d", top: 3, timeZone: week.timeZone)
        let lines = text.components(separatedBy: "\n")
        XCTAssertEqual(lines[0], "Query log queries.sqlite: 2026-11-19 18:00 to 2026-11-26 18:00 (since 7d)")
        XCTAssertEqual(lines[1], "299 questions: route 246 (82.3%), clarify 12 (4.0%), fallback 41 (13.7%)")
        XCTAssertTrue(lines[3].hasPrefix("Fell back: 41 questions, 6 different texts."), lines[3])
        XCTAssertEqual(lines[4].trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true).first, "COUNT")
        XCTAssertTrue(lines[5].hasPrefix("     14  "), lines[5])
        XCTAssertTrue(lines[5].hasSuffix("食堂在哪"), lines[5])
        XCTAssertTrue(lines[6].hasSuffix("能停车吗"), lines[6])
        XCTAssertTrue(lines[8].contains("… and 3 more"), lines[8])
        for expected in ["      8  交保险  → ", "         chosen next: social-insurance 5, medical-insurance 2, no follow-up 1",
                         "      5  办个护造  → exit-entry", "  COUNT  SHARE  INTENT", "     68  22.7%  exit-entry"] {
            XCTAssertTrue(lines.contains { $0.hasPrefix(expected) }, "missing \(expected)\n\(text)")
        }
        // The columns line up in a terminal (CJK takes two cells).
        let questionColumn = lines[4...7].map { QueryReport.width(String($0.prefix(upTo: $0.range(of: "  ", options: .backwards)!.upperBound))) }
        XCTAssertEqual(Set(questionColumn).count, 1, "\(lines[4...7])")
    }

    func testTheCSVParsesBack() throws {
        let r = try report(since: sevenDays)
        let table = CSV.parse(r.csv(timeZone: week.timeZone))
        XCTAssertEqual(table.first, QueryReport.csvColumns)
        let rows = table.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(QueryReport.csvColumns, $0)) }
        XCTAssertTrue(table.dropFirst().allSatisfy { $0.count == QueryReport.csvColumns.count })
        XCTAssertEqual(Set(rows.map { $0["section"]! }), ["outcome", "intent", "fallback", "clarify", "homophone"])
        let fallbacks = rows.filter { $0["section"] == "fallback" }
        XCTAssertEqual(fallbacks.map { $0["text"]! }, r.fallbacks.map(\.text))
        XCTAssertEqual(fallbacks.map { Int($0["count"]!)! }, r.fallbacks.map(\.count))
        XCTAssertTrue(fallbacks.contains { $0["text"] == "hello, where can i eat" }, "a comma survives quoting")
        let first = try XCTUnwrap(fallbacks.first)
        XCTAssertEqual(first["first_seen"].flatMap { ISO8601DateFormatter().date(from: $0) }.map { Int($0.timeIntervalSince1970) },
                       Int(r.fallbacks[0].firstSeen.timeIntervalSince1970))
        XCTAssertTrue(first["first_seen"]!.hasSuffix("+08:00"), first["first_seen"]!)
        XCTAssertEqual(first["places"]!.split(separator: "|").map(String.init), r.fallbacks[0].places)
        let clarify = rows.filter { $0["section"] == "clarify" && $0["text"] == "交保险" }
        XCTAssertEqual(clarify.map { $0["follow_up"]! }, ["social-insurance", "medical-insurance", QueryReport.noFollowUp])
        XCTAssertEqual(clarify.map { $0["share"]! }, ["0.6250", "0.2500", "0.1250"])
        XCTAssertEqual(rows.filter { $0["section"] == "outcome" }.map { $0["count"]! }, ["246", "12", "41", "0"])
        XCTAssertEqual(rows.first { $0["section"] == "homophone" }?["key"], "exit-entry")
        // --top limits each section.
        XCTAssertEqual(CSV.parse(r.csv(top: 2)).filter { $0.first == "fallback" }.count, 2)
    }

    func testSinceParsing() {
        let now = week.now
        let tz = week.timeZone
        XCTAssertEqual(ReportSince.parse("7d", now: now), now.addingTimeInterval(-7 * 86_400))
        XCTAssertEqual(ReportSince.parse("24h", now: now), now.addingTimeInterval(-86_400))
        XCTAssertEqual(ReportSince.parse("30m", now: now), now.addingTimeInterval(-1800))
        XCTAssertEqual(ReportSince.parse("2w", now: now), now.addingTimeInterval(-14 * 86_400))
        XCTAssertEqual(ReportSince.parse("1.5h", now: now), now.addingTimeInterval(-5400))
        // 2026-11-20 00:00 in Beijing is 2026-11-19 16:00 UTC.
        XCTAssertEqual(ReportSince.parse("2026-11-20", timeZone: tz), Date(timeIntervalSince1970: 1_795_104_000))
        XCTAssertEqual(ReportSince.parse("2026-11-20 14:30", timeZone: tz), Date(timeIntervalSince1970: 1_795_104_000 + 52_200))
        XCTAssertEqual(ReportSince.parse("2026-11-20T14:30", timeZone: tz), Date(timeIntervalSince1970: 1_795_104_000 + 52_200))
        XCTAssertEqual(ReportSince.parse("2026-11-20T06:30:00Z"), Date(timeIntervalSince1970: 1_795_104_000 + 52_200))
        XCTAssertEqual(ReportSince.parse("2026-11-20T14:30:00+08:00"), Date(timeIntervalSince1970: 1_795_104_000 + 52_200))
        for bad in ["", "7", "d", "7y", "-3d", "yesterday", "2026-13-40", "2026-11-20 25:00"] {
            XCTAssertNil(ReportSince.parse(bad, now: now, timeZone: tz), bad)
        }
    }

    // MARK: - hallctl report on a real file

    func testHallctlReportOnAGeneratedWeek() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("querylog-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("queries.sqlite").path
        try GeneratedWeek.write(to: path)
        // The week ends "now" in GeneratedWeek; from the real now, ask for everything since
        // its first day (an ISO date), and for the last 7 days before an old date.
        let text = try hallctl(["report", "--log", path, "--since", "2026-11-19T18:00:00+08:00"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("299 questions: route 246 (82.3%), clarify 12 (4.0%), fallback 41 (13.7%)"), text.stdout)
        XCTAssertTrue(text.stdout.contains("Fell back: 41 questions, 6 different texts."), text.stdout)
        XCTAssertFalse(text.stdout.contains("老干部局在哪"), text.stdout)
        // The README's sample: QUERYLOG_SAMPLE=FILE keeps a copy of the generated log.
        if let sample = ProcessInfo.processInfo.environment["QUERYLOG_SAMPLE"] {
            try? FileManager.default.removeItem(atPath: sample)
            try FileManager.default.copyItem(atPath: path, toPath: sample)
        }

        let all = try hallctl(["report", "--log", path, "--since", "all", "--top", "2"])
        XCTAssertEqual(all.status, 0, all.stderr)
        XCTAssertTrue(all.stdout.contains("302 questions"), all.stdout)
        XCTAssertTrue(all.stdout.contains("… and 5 more (--top N shows more)"), all.stdout)

        let csv = try hallctl(["report", "--log", path, "--since", "2026-11-19T18:00:00+08:00", "--csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let table = CSV.parse(csv.stdout)
        XCTAssertEqual(table.first, QueryReport.csvColumns)
        XCTAssertEqual(table.filter { $0.first == "fallback" }.map { $0[2] }.first, "食堂在哪")

        let missing = try hallctl(["report", "--log", directory.appendingPathComponent("none.sqlite").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no query log at"), missing.stderr)
        let bad = try hallctl(["report", "--log", path, "--since", "last tuesday"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--since must be like 7d"), bad.stderr)
    }

    /// Under the unit, /var/lib/hallguide is 0750 hallguide:hallguide and the log 0640: an
    /// operator in the group may read but not create files there, so once halld has
    /// stopped (and removed the -wal and -shm files) the log is read as immutable.
    func testAGroupMemberReadsTheLogOfAStoppedHalld() throws {
        guard getuid() == 0, let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: FileManager.default.isExecutableFile)
        else { throw XCTSkip("needs root and setpriv") }
        let directory = URL(fileURLWithPath: "/tmp/hgq-perm-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("queries.sqlite").path
        try GeneratedWeek.write(to: path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))
        XCTAssertEqual(chown(directory.path, 0, 65534), 0)
        XCTAssertEqual(chmod(directory.path, 0o750), 0)
        XCTAssertEqual(chown(path, 0, 65534), 0)
        XCTAssertEqual(chmod(path, 0o640), 0)
        let run = try hallctl(["--reuid", "65534", "--regid", "65534", "--clear-groups", Self.hallctlPath,
                               "report", "--log", path, "--since", "all"], executable: setpriv)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("302 questions"), run.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["queries.sqlite"])
    }

    static var hallctlPath: String { BuiltProducts.path("hallctl") }

    func hallctl(_ arguments: [String], executable: String = ReportTests.hallctlPath) throws -> ProgramRun {
        try ProgramRun.run(executable, arguments, environment: ["HALLGUIDE_QUERY_LOG": nil])
    }

    func testCountsReadAsEnglish() {
        XCTAssertEqual(QueryReport.count(1, "question"), "1 question")
        XCTAssertEqual(QueryReport.count(0, "question"), "0 questions")
        XCTAssertEqual(QueryReport.count(2048, "different text"), "2,048 different texts")
    }
}

/// RFC 4180, enough to read the report back.
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if quoted {
                if c == "\"" {
                    let next = text.index(after: i)
                    if next < text.endIndex && text[next] == "\"" { field.append("\""); i = next } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\r\n" || c == "\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else {
                field.append(c)
            }
            i = text.index(after: i)
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
