@testable import HallModel
import HallTestFixtures
import XCTest
import Yams

/// Anchors and aliases are refused in every YAML file, before the text is composed; what
/// only looks like one is not.
final class YAMLAnchorsTests: XCTestCase {
    func tokens(_ text: String) -> [String] { YAMLAnchors.scan(text).map { "\($0.line):\($0.token)" } }

    func testFindsAnchorsAndAliasesWhereYAMLAllowsThem() {
        XCTAssertEqual(tokens("a: &x 1\nb: *x\n"), ["1:&x", "2:*x"])
        XCTAssertEqual(tokens("- *x\n- [1, *y]\n- {k: *z}\n"), ["1:*x", "2:*y", "3:*z"])
        XCTAssertEqual(tokens("? *key\n: 1\n*k2 : 2\n"), ["1:*key", "3:*k2"])
        XCTAssertEqual(tokens("a: !!str &s text\n--- &doc\n"), ["1:&s", "2:&doc"])
        XCTAssertEqual(tokens("outputs:\n  - name: a\n    places: &p [north-door]\n  - places: *p\n"), ["3:&p", "4:*p"])
        XCTAssertEqual(tokens("<<: *base\n"), ["1:*base"], "a merge key needs an alias")
        XCTAssertEqual(tokens("a: [b,\n  *c]\n"), ["2:*c"], "a flow list over two lines")
    }

    func testContentThatOnlyLooksLikeOne() {
        for text in [
            "note: 5 * 3 & more\n",                         // inside a plain scalar
            "quoted: \"*not\"\nsingle: '&not'\n",            // quoted
            "pcm: \"plughw:CARD=Speaker,DEV=0\" # *comment\n",
            "# &a comment line\nkey: value\n",
            "text: |\n  *bold* and &amp;\n  - *still text\nnext: 1\n",   // a block scalar
            "folded: >-\n    *one\n    &two\n",
            "long: a plain scalar\n  *continued on a second line\nnext: 1\n",
            "- a plain item\n  &continued\n",
            "key:\n    value on its own line\n    *continued\n",
            "multi: \"a quote over\n  *two lines\"\n",
            "answer: {zh: 请到*号窗口, en: \"window *\"}\n",
            "url: http://x/*y&z\n",
        ] {
            XCTAssertEqual(tokens(text), [], text)
        }
    }

    func testAMapWithAnAliasIsRefusedWithItsLine() {
        let text = twoFloorMap.replacingOccurrences(of: "  - {id: F1, name: {zh: 一层, en: Floor 1}}",
                                                    with: "  - {id: F1, name: &floor1 {zh: 一层, en: Floor 1}}")
            .replacingOccurrences(of: "  - {id: F2, name: {zh: 二层, en: Floor 2}}", with: "  - {id: F2, name: *floor1}")
        XCTAssertThrowsError(try FloorMapLoader.load(text: text, file: "county.yaml")) { error in
            XCTAssertEqual((error as? ValidationError)?.diagnostics.map(\.description), [
                "county.yaml:6: YAML anchors and aliases are not allowed (&floor1): write the value out where it is used",
                "county.yaml:7: YAML anchors and aliases are not allowed (*floor1): write the value out where it is used",
            ])
        }
    }

    /// A billion laughs in an intents file: refused before it is composed, in bounded
    /// memory, one line each. With the alias as a mapping key Yams alone would spend
    /// about a minute hashing 387 million scalars.
    func testABombIsRefusedBeforeItIsComposed() {
        let before = peakResidentMiB()
        let text = "intents:\n  - id: lol\n" + yamlBomb(indent: 4, asKey: true)
        XCTAssertThrowsError(try IntentsLoader.load(files: [("intents/lol.yaml", text)])) { error in
            let lines = (error as? ValidationError)?.diagnostics.map(\.description) ?? []
            XCTAssertEqual(lines.count, 10, "\(lines)")
            XCTAssertEqual(lines.first, "intents/lol.yaml:3: YAML anchors and aliases are not allowed (&lol0): write the value out where it is used")
            XCTAssertEqual(lines.last, "intents/lol.yaml:12: YAML anchors and aliases are not allowed (*lol8): write the value out where it is used")
        }
        XCTAssertLessThan(peakResidentMiB() - before, 64, "the bomb was expanded")
    }

    /// The second line of defence, for what the scan might miss: the composed tree's
    /// anchored nodes are found without walking what their aliases repeat, and without
    /// Yams' anchors (it holds them weakly) the walk still stops, after as many nodes as
    /// the text has bytes.
    func testTheComposedTreeIsCheckedToo() throws {
        let text = yamlBomb()
        let (_, uses) = try YAMLAnchors.compose(text, resolvingTags: true)
        XCTAssertEqual(uses.count, 9)
        XCTAssertEqual(uses.first, .init(line: 1, token: "&lol0"))

        let root = try XCTUnwrap(try Yams.compose(yaml: text))
        var budget = text.utf8.count + 1
        var lost: [YAMLAnchors.Use] = []
        YAMLAnchors.anchoredNodes(in: root, budget: &budget, into: &lost)
        XCTAssertLessThan(budget, 0, "the walk stopped")
        XCTAssertEqual(YAMLAnchors.diagnostics([.init(line: 1, token: YAMLAnchors.expansion)], file: "f.yaml").map(\.description),
                       ["f.yaml:1: YAML aliases are not allowed: the file stands for more values than it has characters"])
    }
}

/// Found by Fuzz/ (fuzz-hall-files): a syntax error at the very end of a file without a
/// final line break was reported on a line past the last (libyaml's mark is after it).
final class YAMLSyntaxErrorLineTests: XCTestCase {
    func testAnErrorAtTheEndOfTheLastLineIsOnTheLastLine() {
        for (text, lines) in [("format: 1\nnodes:\n  - {id: a, at", 3), ("a: [1,\r\n  2", 2), ("x: {", 1)] {
            XCTAssertThrowsError(try FloorMapLoader.load(text: text, file: "maps/cut.yaml"), text.debugDescription) { error in
                let diagnostics = (error as? ValidationError)?.diagnostics ?? []
                XCTAssertFalse(diagnostics.isEmpty)
                for diagnostic in diagnostics {
                    XCTAssertTrue((1...lines).contains(diagnostic.line), "\(diagnostic) in a \(lines)-line file")
                    XCTAssertTrue(diagnostic.message.hasPrefix("YAML syntax error"), "\(diagnostic)")
                }
            }
        }
    }
}

/// Found by Fuzz/ (fuzz-hall-files, input 1,008,988 of its second run): a file of only
/// `---` without a final line break was refused on line 2 of a 1-line file, because
/// libyaml puts the empty document's mark on the line after the last. Every refusal of
/// every staff file now names a line the file has.
final class EmptyDocumentLineTests: XCTestCase {
    func testAnEmptyDocumentWithoutAFinalLineBreakIsRefusedOnItsOnlyLine() {
        for text in ["---", "--- ", "# tables\n---"] {
            let lines = YAMLReader.lineCount(text)
            let refusals: [(String, () throws -> Void)] = [
                ("intents/normalization.yaml", { _ = try IntentsLoader.load(files: [("intents/normalization.yaml", text)]) }),
                ("maps/empty.yaml", { _ = try FloorMapLoader.load(text: text, file: "maps/empty.yaml") }),
                ("maps/empty.calendar.yaml", { _ = try CalendarLoader.load(text: text, file: "maps/empty.calendar.yaml") }),
            ]
            for (file, load) in refusals {
                XCTAssertThrowsError(try load(), "\(file): \(text.debugDescription)") { error in
                    let diagnostics = (error as? ValidationError)?.diagnostics ?? []
                    XCTAssertFalse(diagnostics.isEmpty, file)
                    for diagnostic in diagnostics {
                        XCTAssertEqual(diagnostic.file, file)
                        XCTAssertTrue((1...lines).contains(diagnostic.line), "\(diagnostic) in a \(lines)-line file")
                    }
                }
            }
        }
    }
}
