import Foundation
import XCTest
import HallTestFixtures

/// `hallctl check` and `hallctl map`, end to end through the built binary.
extension HallctlTests {
    func testCheckPassesOnTheBuiltInHallAndPrintsASummary() throws {
        let run = try hallctl(["check"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let last = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasSuffix(" passed, 0 failed") && Int(last.split(separator: " ")[0])! >= 100, run.stdout)
    }

    func testCheckFailsWhenAnEditBreaksATest() throws {
        let dir = try temporaryDirectory()
        XCTAssertEqual(try hallctl(["export-default", dir.path]).status, 0)
        let map = dir.appendingPathComponent("maps/changchun-municipal.yaml").path
        let intents = dir.appendingPathComponent("intents").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: intents + "/tests.tsv"), "the tests are exported with the intents")
        let clean = try hallctl(["check", "--map", map, "--intents", intents])
        XCTAssertEqual(clean.status, 0, clean.stdout + clean.stderr)

        // Staff drop 车管 from vehicle administration's keywords, a test relies on it.
        let tests = dir.appendingPathComponent("intents/tests.tsv")
        let testLines = try String(contentsOf: tests, encoding: .utf8).components(separatedBy: "\n")
        let line = try XCTUnwrap(testLines.firstIndex { $0.hasPrefix("車管所在哪\t") }) + 1
        let file = dir.appendingPathComponent("intents/west-hall.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "zh: [车管, ", with: "zh: [").write(to: file, atomically: true, encoding: .utf8)
        let broken = try hallctl(["check", "--map", map, "--intents", intents])
        XCTAssertEqual(broken.status, 1)
        XCTAssertTrue(broken.stdout.contains("\(intents)/tests.tsv:\(line): 車管所在哪: expected vehicle-admin, got fallback"), broken.stdout)
        XCTAssertTrue(broken.stdout.contains(" passed, 1 failed"), broken.stdout)
    }

    func testCheckRunsTheTestFilesNamedAndRefusesAnOverMatch() throws {
        let dir = try temporaryDirectory()
        let tests = dir.appendingPathComponent("mine.tsv")
        try "# mine\n厕所在哪\trestroom\n护照\ttax\n".write(to: tests, atomically: true, encoding: .utf8)
        let run = try hallctl(["check", "--tests", tests.path])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stdout, "\(tests.path):3: 护照: expected tax, got exit-entry\n1 passed, 1 failed\n")

        // A keyword claimed by two intents fails the check before any test runs.
        XCTAssertEqual(try hallctl(["export-default", dir.path]).status, 0)
        let file = dir.appendingPathComponent("intents/facilities.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "zh: [卫生间, ", with: "zh: [卫生间, 护照, ").write(to: file, atomically: true, encoding: .utf8)
        let overMatch = try hallctl(["check", "--intents", dir.appendingPathComponent("intents").path])
        XCTAssertEqual(overMatch.status, 1)
        XCTAssertTrue(overMatch.stderr.contains("keyword '护照' is claimed by intents"), overMatch.stderr)
    }

    func testMapWritesAnSVGWithTheRoute() throws {
        let dir = try temporaryDirectory()
        let svg = dir.appendingPathComponent("hall.svg")
        let run = try hallctl(["map", "--svg", svg.path, "--route", "robot-north", "restroom", "--accessible"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix("wrote \(svg.path): L1, "), run.stdout)
        let text = try String(contentsOf: svg, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("<?xml"))
        XCTAssertTrue(text.contains("class=\"route\""))
        XCTAssertTrue(text.contains("无障碍"))

        XCTAssertEqual(try hallctl(["map", "--svg", svg.path, "--level", "L9"]).status, 64, "an unknown level is a usage error")
        XCTAssertEqual(try hallctl(["map", "--svg", svg.path, "--route", "north-door"]).status, 64)
        XCTAssertEqual(try hallctl(["map", "--svg", svg.path, "--route", "north-door", "nowhere"]).status, 1)
    }
}
