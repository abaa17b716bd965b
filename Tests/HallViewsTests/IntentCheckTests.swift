import HallAnswers
import HallModel
import HallViews
import XCTest

final class IntentCheckTests: XCTestCase {
    static let hall = Result { try Hall.builtIn() }

    func testParsingSkipsCommentsAndBlankLinesAndReportsBadLinesWithTheirNumbers() {
        let text = "# a comment\n护照在哪\texit-entry\n\n厕所\trestroom\tclean\r\n没有制表符\n保险\tclarify:\n\t\tfallback\n"
        let (cases, problems) = IntentCheck.parse(file: "t.tsv", text: text)
        XCTAssertEqual(cases.map(\.line), [2, 4])
        XCTAssertEqual(cases.map(\.question), ["护照在哪", "厕所"])
        XCTAssertEqual(cases[1].expected, .route(["restroom"]))
        XCTAssertEqual(problems.map(\.line), [5, 6, 7])
        XCTAssertEqual(problems[0].description, "t.tsv:5: expected 'question<TAB>expected'")
        XCTAssertTrue(problems[1].message.contains("'clarify:' is not an expectation"), problems[1].message)
    }

    func testTheBuiltInHallPassesItsOwnTests() throws {
        let hall = try Self.hall.get()
        XCTAssertFalse(DefaultHall.testFiles.isEmpty, "intents/tests.tsv is embedded")
        let report = IntentCheck.run(DefaultHall.testFiles, on: hall)
        XCTAssertEqual(report.failures.map(\.description), [])
        XCTAssertGreaterThanOrEqual(report.passed, 100)
        XCTAssertEqual(report.summary, "\(report.passed) passed, 0 failed")
    }

    func testAWrongExpectationIsReportedAsFileLineQuestionExpectedGot() throws {
        let hall = try Self.hall.get()
        let text = "护照在哪办\ttax\n保险\tclarify:tax|utilities\n你好\texit-entry\n厕所\trestroom\n"
        let report = IntentCheck.run([(path: "staff.tsv", text: text)], on: hall)
        XCTAssertEqual(report.passed, 1)
        XCTAssertEqual(report.failures.map(\.description), [
            "staff.tsv:1: 护照在哪办: expected tax, got exit-entry",
            "staff.tsv:2: 保险: expected clarify:tax|utilities, got clarify:medical-insurance|social-insurance",
            "staff.tsv:3: 你好: expected exit-entry, got fallback",
        ])
        XCTAssertEqual(report.summary, "1 passed, 3 failed")
    }

    func testAnExpectationNamingNoPlaceOfTheMapFails() throws {
        let report = IntentCheck.run([(path: "t.tsv", text: "厕所\tresroom\n")], on: try Self.hall.get())
        XCTAssertEqual(report.failures.map(\.description), ["t.tsv:1: 厕所: expected resroom, but the map has no place 'resroom'"])
    }

    /// The shipped tests are meant to guard the whole hall: every intent's destination, some
    /// windows, asking back, falling back, English and traditional characters.
    func testTheShippedTestsCoverEveryDestination() throws {
        let hall = try Self.hall.get()
        let cases = DefaultHall.testFiles.flatMap { IntentCheck.parse(file: $0.path, text: $0.text).cases }
        let routed = Set(cases.flatMap { $0.expected.destinations })
        let missing = Set(hall.intents.intents.map(\.destination)).subtracting(routed)
        XCTAssertEqual(missing, [], "destinations without a test")
        XCTAssertGreaterThanOrEqual(routed.filter { $0.hasPrefix("window-") }.count, 4)
        XCTAssertGreaterThanOrEqual(cases.filter { if case .clarify = $0.expected { true } else { false } }.count, 4)
        XCTAssertGreaterThanOrEqual(cases.filter { $0.expected == .fallback }.count, 4)
        XCTAssertGreaterThanOrEqual(cases.filter { $0.question.allSatisfy(\.isASCII) }.count, 20, "English questions")
    }
}
