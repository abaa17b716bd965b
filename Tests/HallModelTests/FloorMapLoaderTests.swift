import HallModel
import HallTestFixtures
import XCTest

final class FloorMapLoaderTests: XCTestCase {
    func testValidTwoFloorMapLoads() throws {
        let map = try FloorMapLoader.load(text: twoFloorMap, file: "county.yaml")
        XCTAssertEqual(map.levels.count, 2)
        XCTAssertEqual(map.place("tax")?.windowNumbers, [1, 2])
        XCTAssertEqual(map.place("window-2")?.zone, "tax")
        XCTAssertEqual(map.place("restroom")?.spots.count, 2)
        // Two-way edges become two directed edges; stairs are never accessible.
        XCTAssertEqual(map.edges.count, 18)
        XCTAssertEqual(map.edges.filter { $0.kind == .stairs }.map(\.accessible), [false, false])
        XCTAssertEqual(map.edges.first { $0.kind == .lift }?.length, 20)
    }

    /// The 1-based line of the first line containing `marker`.
    func line(of marker: String, in text: String) -> Int {
        let lines = text.components(separatedBy: "\n")
        return (lines.firstIndex { $0.contains(marker) } ?? -1) + 1
    }

    /// Replaces `old` and expects exactly the given problems, each at the line holding its marker.
    func assertRefused(_ old: String, _ new: String, _ expected: [(marker: String, message: String)],
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(twoFloorMap.contains(old), "fixture lacks \(old)", file: file, line: line)
        let text = twoFloorMap.replacingOccurrences(of: old, with: new)
        do {
            _ = try FloorMapLoader.load(text: text, file: "county.yaml")
            XCTFail("accepted a broken map", file: file, line: line)
        } catch {
            let got = error.diagnostics.map(\.description)
            XCTAssertEqual(got.count, expected.count, "\(got)", file: file, line: line)
            for (g, e) in zip(got, expected) {
                let prefix = "county.yaml:\(self.line(of: e.marker, in: text)): \(e.message)"
                XCTAssertTrue(g.hasPrefix(prefix), "\(g) does not start with \(prefix)", file: file, line: line)
            }
        }
    }

    func testUnknownNodeIsReportedWithItsLine() {
        assertRefused("{from: hall, to: stairs-1}", "{from: hall, to: stairz-1}",
                      [("stairz-1", "edge names unknown node 'stairz-1'")])
    }

    func testDuplicateIDNamesTheFirstDefinition() {
        assertRefused("{id: upstairs, level: F2, at: [20, 10]}", "{id: hall, level: F2, at: [20, 10]}",
                      [("{id: hall, level: F2", "duplicate node id 'hall' (first defined at line \(line(of: "{id: hall,", in: twoFloorMap)))"),
                       ("{from: stairs-2, to: upstairs}", "edge names unknown node 'upstairs'"),
                       ("{from: lift-2, to: upstairs}", "edge names unknown node 'upstairs'"),
                       ("{from: upstairs, to: window-stand-2}", "edge names unknown node 'upstairs'"),
                       ("{node: upstairs, at:", "an instance of place 'restroom' names unknown node 'upstairs'")])
    }

    func testWindowNumberUsedTwice() {
        assertRefused("{number: 2, zone: tax", "{number: 1, zone: tax",
                      [("{number: 1, zone: tax, node: window-stand-2", "duplicate place id 'window-1' (first defined at line \(line(of: "{number: 1,", in: twoFloorMap)))"),
                       ("{number: 1, zone: tax, node: window-stand-2", "window number 1 is used twice")])
    }

    func testZeroAndNegativeLengths() {
        assertRefused("kind: stairs, length: 12", "kind: stairs, length: -3",
                      [("length: -3", "edge length must be positive, got -3.0")])
        assertRefused("{id: window-stand-1, level: F1, at: [20, 15]}", "{id: window-stand-1, level: F1, at: [20, 10]}",
                      [("{from: hall, to: window-stand-1}", "edge 'hall' to 'window-stand-1' has zero length")])
    }

    func testUnreachablePlace() {
        // Without the upstairs links, window 2 and nothing else on F2 can be reached.
        assertRefused("  - {from: stairs-2, to: upstairs}\n  - {from: lift-2, to: upstairs}\n", "",
                      [("{number: 2,", "place 'window-2' cannot be reached from station 'robot-door'")])
    }

    func testOneWayEdgeCountsForReachability() {
        assertRefused("{from: upstairs, to: window-stand-2}", "{from: window-stand-2, to: upstairs, oneway: true}",
                      [("{number: 2,", "place 'window-2' cannot be reached from station 'robot-door'")])
    }

    func testYAMLSyntaxErrorHasALine() {
        let text = twoFloorMap.replacingOccurrences(of: "  - {id: F2, name: {zh: 二层, en: Floor 2}}", with: "  - {id: F2, name: [zh: 二层, en: Floor 2}}")
        XCTAssertThrowsError(try FloorMapLoader.load(text: text, file: "county.yaml")) { error in
            let message = (error as! ValidationError).description
            XCTAssertTrue(message.contains("YAML syntax error"), message)
            XCTAssertFalse(message.hasPrefix("county.yaml:1:"), "a syntax error should point at its line: \(message)")
        }
    }

    func testUnknownKeyAndEdgeBetweenLevelsWithoutLength() {
        assertRefused("{from: lift-1, to: lift-2, kind: lift, length: 20}", "{from: lift-1, to: lift-2, kind: lift, lenght: 20}",
                      [("lenght: 20", "edge between levels ('lift-1' to 'lift-2') needs a length"),
                       ("lenght: 20", "unknown key 'lenght' in an edge")])
    }

    func testEveryProblemIsReportedAtOnce() {
        let text = twoFloorMap
            .replacingOccurrences(of: "{from: hall, to: stairs-1}", with: "{from: hall, to: nowhere}")
            .replacingOccurrences(of: "{number: 2, zone: tax", with: "{number: 2, zone: taxes")
        XCTAssertThrowsError(try FloorMapLoader.load(text: text, file: "m.yaml")) { error in
            let lines = (error as! ValidationError).diagnostics.map(\.line)
            XCTAssertEqual(lines, [self.line(of: "nowhere", in: text), self.line(of: "zone: taxes", in: text)])
        }
    }
}

/// Found by Fuzz/ (fuzz-hall-files): a map with nothing in it, or only comments, crashed
/// the reachability check, which starts from the first node.
final class EmptyFloorMapTests: XCTestCase {
    func testAnEmptyMapIsRefusedAtLineOne() {
        for text in ["", "# Floor map of the hall\n# (nothing yet)\n", "\n\n"] {
            XCTAssertThrowsError(try FloorMapLoader.load(text: text, file: "maps/empty.yaml"), text.debugDescription) { error in
                XCTAssertEqual((error as? ValidationError)?.diagnostics.map(\.description), ["maps/empty.yaml:1: the floor map must be a mapping"])
            }
        }
    }
}
