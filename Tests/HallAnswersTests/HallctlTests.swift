import Foundation
import HallTestFixtures
import XCTest

/// Runs the built `hallctl` binary the way staff and scripts do.
final class HallctlTests: XCTestCase {
    static var binary: URL { URL(fileURLWithPath: BuiltProducts.path("hallctl")) }

    func hallctl(_ arguments: [String], stdin: String? = nil) throws -> ProgramRun {
        try ProgramRun.run(Self.binary.path, arguments, stdin: stdin)
    }

    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hallctl-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testAskReadsOneQuestionPerLineAndWritesOneJSONObjectPerLine() throws {
        let run = try hallctl(["ask", "--json", "-"], stdin: "护照在哪办\n保险\n你好\n")
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        let outcomes = try lines.map { try (JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["outcome"] as! String }
        XCTAssertEqual(outcomes, ["route", "clarify", "fallback"])
    }

    func testExportedDefaultValidatesAndABrokenEditIsRefusedWithFileAndLine() throws {
        let dir = try temporaryDirectory()
        XCTAssertEqual(try hallctl(["export-default", dir.path]).status, 0)
        let map = dir.appendingPathComponent("maps/changchun-municipal.yaml").path
        let intents = dir.appendingPathComponent("intents").path
        let ok = try hallctl(["validate", "--map", map, "--intents", intents])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.hasPrefix("valid: "), ok.stdout)

        // Staff add a keyword that another intent already owns.
        let file = dir.appendingPathComponent("intents/facilities.yaml")
        var text = try String(contentsOf: file, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        let target = try XCTUnwrap(lines.firstIndex { $0.contains("zh: [") })
        text = lines.enumerated().map { $0.offset == target ? $0.element.replacingOccurrences(of: "[", with: "[护照, ") : $0.element }.joined(separator: "\n")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let bad = try hallctl(["validate", "--map", map, "--intents", intents])
        XCTAssertEqual(bad.status, 1)
        // Both claimants are named with file:line.
        XCTAssertTrue(bad.stderr.contains("keyword '护照' is claimed by intents"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("\(intents)/facilities.yaml:\(target + 1)"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("\(intents)/west-hall.yaml:"), bad.stderr)
    }

    func testValidateRefusesABrokenMap() throws {
        let dir = try temporaryDirectory()
        let map = dir.appendingPathComponent("map.yaml")
        try "format: 1\nhall: {id: x, name: {zh: x, en: x}}\nlevels: [{id: L1, name: {zh: 一, en: one}}]\nnodes:\n  - {id: a, level: L1, at: [0, 0]}\n  - {id: a, level: L1, at: [1, 0]}\nedges:\n  - {from: a, to: b}\n"
            .write(to: map, atomically: true, encoding: .utf8)
        let run = try hallctl(["validate", "--map", map.path])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("\(map.path):6: duplicate node id 'a' (first defined at line 5)"), run.stderr)
        XCTAssertTrue(run.stderr.contains("\(map.path):8: edge names unknown node 'b'"), run.stderr)
    }

    func testRouteAndExplain() throws {
        let route = try hallctl(["route", "robot-north", "window-12", "--json"])
        XCTAssertEqual(route.status, 0, route.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(route.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((json["nodes"] as? [String])?.first, "north-inside")
        let explain = try hallctl(["explain", "假照到期了怎么换"])
        XCTAssertEqual(explain.status, 0)
        for expected in ["normalised: 假照到期了怎么换", "pinyin jia zhao", "vehicle-admin", "decision:   route vehicle-admin", "rule:"] {
            XCTAssertTrue(explain.stdout.contains(expected), "missing \(expected) in\n\(explain.stdout)")
        }
    }
}
