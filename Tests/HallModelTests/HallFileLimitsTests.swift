import HallModel
import XCTest

/// A hall file over any of its limits (HallFileLimits, YAMLLimits) is refused with
/// `file:line: problem`, the line that of the first entry past the limit.
final class HallFileLimitsTests: XCTestCase {
    // MARK: Files built to a size

    /// A valid map, with `extra` lines appended to the section named by each key.
    func map(_ extra: [String: [String]] = [:]) -> String {
        var lines = ["format: 1", "hall: {id: h, name: {zh: 厅, en: Hall}}"]
        let sections: [(String, [String])] = [
            ("levels", ["  - {id: L1, name: {zh: 一层, en: Floor 1}}"]),
            ("areas", ["  - {id: a0, level: L1, name: {zh: 区, en: Area}, rect: [0, 0, 10, 10]}"]),
            ("nodes", ["  - {id: n0, level: L1, at: [0, 0]}", "  - {id: n1, level: L1, at: [1, 0]}"]),
            ("edges", ["  - {from: n0, to: n1}"]),
            ("places", ["  - {id: zone-a, kind: zone, name: {zh: 区, en: Zone}}",
                        "  - {id: desk, kind: service, name: {zh: 台, en: Desk}, node: n1}"]),
            ("windows", ["  - {number: 1, zone: zone-a, node: n1}"]),
            ("stations", ["  - {id: s0, kind: robot, node: n0}"]),
        ]
        for (name, base) in sections {
            lines.append(name + ":")
            lines += base + (extra[name] ?? [])
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The 1-based line of the first line that is exactly `text`, or that starts with it.
    func line(_ prefix: String, in text: String) -> Int {
        (text.components(separatedBy: "\n").firstIndex { $0.hasPrefix(prefix) } ?? -1) + 1
    }

    func assertRefused(_ load: () throws(ValidationError) -> Void, _ file: String, _ line: Int, _ message: String,
                       sourceFile: StaticString = #filePath, sourceLine: UInt = #line) {
        do throws(ValidationError) {
            try load()
            XCTFail("accepted a file over the limit", file: sourceFile, line: sourceLine)
        } catch {
            let expected = "\(file):\(line): \(message)"
            XCTAssertTrue(error.diagnostics.contains { $0.description.hasPrefix(expected) },
                          "no \(expected) in \(error.diagnostics.prefix(5))", file: sourceFile, line: sourceLine)
        }
    }

    func loadMap(_ text: String) -> () throws(ValidationError) -> Void {
        { () throws(ValidationError) in _ = try FloorMapLoader.load(text: text, file: "maps/big.yaml") }
    }

    func testTheBaseFilesAreValid() throws {
        _ = try FloorMapLoader.load(text: map(), file: "maps/big.yaml")
        _ = try IntentsLoader.load(files: [("intents/big.yaml", intents(count: 2))])
        _ = try CalendarLoader.load(text: calendar(), file: "maps/big.calendar.yaml")
    }

    // MARK: Every YAML file

    func testAFileOverFourMebibytesIsRefusedAtLineOne() {
        let text = map() + "# " + String(repeating: "x", count: YAMLLimits.maxFileBytes) + "\n"
        assertRefused(loadMap(text), "maps/big.yaml", 1, "the file is \(text.utf8.count) bytes; the limit is \(YAMLLimits.maxFileBytes)")
    }

    func testNestingDeeperThanTheLimitIsRefusedWhereItGoesTooDeep() {
        let depth = YAMLLimits.maxNesting + 1
        let text = "format: 1\nhall:\n  deep: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        assertRefused(loadMap(text), "maps/big.yaml", 3, "mappings and lists nested more than \(YAMLLimits.maxNesting) deep")
        // At the limit, nesting is not the problem (the unknown key is).
        let within = "format: 1\nhall:\n  deep: " + String(repeating: "[", count: depth - 3) + String(repeating: "]", count: depth - 3) + "\n"
        do throws(ValidationError) {
            _ = try FloorMapLoader.load(text: within, file: "maps/big.yaml")
        } catch {
            XCTAssertFalse(error.diagnostics.contains { $0.message.contains("nested") }, "\(error)")
        }
    }

    func testAValueLongerThanTheLimitIsRefusedAtItsLine() {
        let text = map().replacingOccurrences(of: "en: Desk}", with: "en: \(String(repeating: "d", count: YAMLLimits.maxScalarBytes + 1))}")
        assertRefused(loadMap(text), "maps/big.yaml", line("  - {id: desk", in: text),
                      "a value of \(YAMLLimits.maxScalarBytes + 1) bytes; the limit is \(YAMLLimits.maxScalarBytes)")
    }

    // MARK: The map

    /// `count` generated entries of a section, past the base file's.
    func assertSectionLimit(_ section: String, limit: Int, base: Int, entry: (Int) -> String,
                            sourceLine: UInt = #line) {
        let entries = (0..<(limit + 1 - base)).map(entry)
        let text = map([section: entries])
        // The first entry past the limit: the base entries, then limit - base generated ones.
        let sectionLine = line(section + ":", in: text)
        assertRefused(loadMap(text), "maps/big.yaml", sectionLine + limit + 1,
                      "\(section) has \(limit + 1) entries; the limit is \(limit)", sourceLine: sourceLine)
    }

    func testEachMapListOverItsLimit() {
        assertSectionLimit("levels", limit: HallFileLimits.levels, base: 1) { "  - {id: X\($0), name: {zh: 层, en: Floor}}" }
        assertSectionLimit("areas", limit: HallFileLimits.areas, base: 1) {
            "  - {id: x\($0), level: L1, name: {zh: 区, en: Area}, rect: [0, 0, 1, 1]}"
        }
        assertSectionLimit("nodes", limit: HallFileLimits.nodes, base: 2) { "  - {id: x\($0), level: L1, at: [\($0 + 2), 0]}" }
        assertSectionLimit("edges", limit: HallFileLimits.edges, base: 1) { _ in "  - {from: n1, to: n0}" }
        assertSectionLimit("places", limit: HallFileLimits.places, base: 2) {
            "  - {id: x\($0), kind: service, name: {zh: 台, en: Desk}, node: n1}"
        }
        assertSectionLimit("windows", limit: HallFileLimits.windows, base: 1) { "  - {number: \($0 + 2), zone: zone-a, node: n1}" }
        assertSectionLimit("stations", limit: HallFileLimits.stations, base: 1) { "  - {id: x\($0), kind: screen, node: n0}" }
    }

    func testAPlaceWithTooManyInstances() {
        let limit = HallFileLimits.instancesPerPlace
        let instances = ["  - id: many", "    kind: facility", "    name: {zh: 多, en: Many}", "    instances:"]
            + Array(repeating: "      - {node: n1}", count: limit + 1)
        let text = map(["places": instances])
        assertRefused(loadMap(text), "maps/big.yaml", line("    instances:", in: text) + limit + 1,
                      "instances of place 'many' has \(limit + 1) entries; the limit is \(limit)")
    }

    // MARK: The intents

    func intents(count: Int, from first: Int = 0, words: Int = 1) -> String {
        var lines = ["intents:"]
        for i in first..<(first + count) {
            let keywords = (0..<words).map { "w\(i)x\($0)" }.joined(separator: ", ")
            lines += ["  - id: i\(i)", "    destination: d\(i)", "    keywords: {en: [\(keywords)]}",
                      "    answer: {zh: 这里, en: Here}"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func loadIntents(_ files: [(String, String)]) -> () throws(ValidationError) -> Void {
        { () throws(ValidationError) in _ = try IntentsLoader.load(files: files) }
    }

    func testIntentsInAllTheFilesOverTheLimit() {
        // The limit is over the directory: two files, the second one takes it past.
        let half = HallFileLimits.intents / 2
        let second = intents(count: HallFileLimits.intents - half + 1, from: half)
        assertRefused(loadIntents([("intents/a.yaml", intents(count: half)), ("intents/b.yaml", second)]),
                      "intents/b.yaml", line("  - id: i\(HallFileLimits.intents)", in: second),
                      "intent 'i\(HallFileLimits.intents)' is past the limit of \(HallFileLimits.intents) intents in all the files")
    }

    func testAnIntentWithTooManyWords() {
        let limit = HallFileLimits.termsPerIntent
        let text = intents(count: 1, words: limit + 1)
        assertRefused(loadIntents([("intents/a.yaml", text)]), "intents/a.yaml", 4,
                      "keywords of intent 'i0'.en has \(limit + 1) entries; the limit is \(limit)")
        // Within each list, but over the limit together.
        let keywords = (0..<(limit / 2 + 1)).map { "w\($0)" }.joined(separator: ", ")
        let weak = (0..<(limit / 2)).map { "v\($0)" }.joined(separator: ", ")
        let split = "intents:\n  - id: i0\n    destination: d0\n    keywords: {en: [\(keywords)]}\n    weak: {en: [\(weak)]}\n"
            + "    answer: {zh: 这里, en: Here}\n"
        assertRefused(loadIntents([("intents/a.yaml", split)]), "intents/a.yaml", 2,
                      "intent 'i0' has \(limit + 1) words; the limit is \(limit)")
    }

    func testWordsOfAllTheIntentsOverTheLimit() {
        let perIntent = HallFileLimits.termsPerIntent
        let count = HallFileLimits.terms / perIntent + 1
        let text = intents(count: count, words: perIntent)
        assertRefused(loadIntents([("intents/a.yaml", text)]), "intents/a.yaml", line("  - id: i\(count - 1)", in: text),
                      "intent 'i\(count - 1)' brings the words of all the files past the limit of \(HallFileLimits.terms)")
    }

    func testAWordLongerThanTheLimit() {
        let long = String(repeating: "护", count: HallFileLimits.wordCharacters + 1)
        let text = intents(count: 1).replacingOccurrences(of: "{en: [w0x0]}", with: "{zh: [\(long)], en: [w0x0]}")
        assertRefused(loadIntents([("intents/a.yaml", text)]), "intents/a.yaml", 4,
                      "a word of \(HallFileLimits.wordCharacters + 1) characters in keywords of intent 'i0'.zh; the limit is \(HallFileLimits.wordCharacters)")
    }

    func testNormalisationTablesOverTheirLimits() {
        let path = "intents/normalization.yaml"
        let ambiguous = "ambiguous:\n" + (0...HallFileLimits.ambiguousTerms).map { "  - {term: t\($0), candidates: [a, b]}" }.joined(separator: "\n")
        assertRefused(loadIntents([(path, ambiguous)]), path, HallFileLimits.ambiguousTerms + 2,
                      "ambiguous has \(HallFileLimits.ambiguousTerms + 1) entries; the limit is \(HallFileLimits.ambiguousTerms)")
        let candidates = "ambiguous:\n  - term: t\n    candidates:\n" + (0...HallFileLimits.candidatesPerTerm).map { "      - c\($0)" }.joined(separator: "\n")
        assertRefused(loadIntents([(path, candidates)]), path, HallFileLimits.candidatesPerTerm + 4,
                      "candidates of 't' has \(HallFileLimits.candidatesPerTerm + 1) entries; the limit is \(HallFileLimits.candidatesPerTerm)")
        let negation = "negation:\n  zh:\n" + (0...HallFileLimits.tableWords).map { "    - 不\($0)" }.joined(separator: "\n")
        assertRefused(loadIntents([(path, negation)]), path, HallFileLimits.tableWords + 3,
                      "negation.zh has \(HallFileLimits.tableWords + 1) entries; the limit is \(HallFileLimits.tableWords)")
        let long = "out_of_scope: {en: [\(String(repeating: "x", count: HallFileLimits.wordCharacters + 1))]}"
        assertRefused(loadIntents([(path, long)]), path, 1, "a word of \(HallFileLimits.wordCharacters + 1) characters")
    }

    // MARK: The calendar

    func calendar(years: [Int] = [2026], extra: [String: [String]] = [:]) -> String {
        var lines = ["format: 1", "years: [\(years.map(String.init).joined(separator: ", "))]"]
        lines += ["holidays:", "  - {name: {zh: 元旦, en: New Year}, date: 2026-01-01}"] + (extra["holidays"] ?? [])
        lines += ["working_days:", "  - {date: 2026-01-04}"] + (extra["working_days"] ?? [])
        return lines.joined(separator: "\n") + "\n"
    }

    func loadCalendar(_ text: String) -> () throws(ValidationError) -> Void {
        { () throws(ValidationError) in _ = try CalendarLoader.load(text: text, file: "maps/big.calendar.yaml") }
    }

    func testEachCalendarListOverItsLimit() {
        let file = "maps/big.calendar.yaml"
        let years = calendar().replacingOccurrences(of: "years: [2026]", with: "years:\n" + (0...HallFileLimits.years).map { "  - \(1970 + $0)" }.joined(separator: "\n"))
        assertRefused(loadCalendar(years), file, HallFileLimits.years + 3,
                      "years has \(HallFileLimits.years + 1) entries; the limit is \(HallFileLimits.years)")
        // One-day holidays on distinct days of the covered years.
        let covered = Array(2000..<2020)
        let days = (0..<HallFileLimits.holidays).map { CivilDate(dayNumber: CivilDate.parse("2000-01-01")!.dayNumber + $0) }
        let holidays = calendar(years: covered + [2026], extra: ["holidays": days.map { "  - {name: {zh: 假, en: Off}, date: \($0)}" }])
        assertRefused(loadCalendar(holidays), file, line("holidays:", in: holidays) + HallFileLimits.holidays + 1,
                      "holidays has \(HallFileLimits.holidays + 1) entries; the limit is \(HallFileLimits.holidays)")
        let weekends = (0..<(HallFileLimits.workingDays * 4)).map { CivilDate(dayNumber: CivilDate.parse("2000-01-01")!.dayNumber + $0) }
            .filter { $0.weekday >= 6 }.prefix(HallFileLimits.workingDays)
        XCTAssertEqual(weekends.count, HallFileLimits.workingDays)
        let working = calendar(years: covered + [2026], extra: ["working_days": weekends.map { "  - {date: \($0)}" }])
        assertRefused(loadCalendar(working), file, line("working_days:", in: working) + HallFileLimits.workingDays + 1,
                      "working_days has \(HallFileLimits.workingDays + 1) entries; the limit is \(HallFileLimits.workingDays)")
    }
}
