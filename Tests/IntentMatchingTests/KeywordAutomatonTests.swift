@testable import IntentMatching
import XCTest

/// The automaton's build at sizes a hall's keywords never reach in the built-in hall.
final class KeywordAutomatonTests: XCTestCase {
    func matches(_ automaton: KeywordAutomaton, _ text: [UInt32]) -> [KeywordAutomaton.Match] {
        var found: [KeywordAutomaton.Match] = []
        text.withUnsafeBufferPointer { automaton.scan($0, into: &found) }
        return found
    }

    /// More distinct symbols than 16 bits count: classes past 65,535 must neither trap nor
    /// alias one another.
    func testMoreThan65535CharacterClasses() {
        let symbols = 70_000
        // Two-symbol patterns over every symbol: 70,000 classes, and a root with 35,000 children.
        let patterns = stride(from: 0, to: symbols, by: 2).map { [UInt32($0 + 1), UInt32($0 + 2)] }
        let automaton = KeywordAutomaton(patterns: patterns, symbolLimit: symbols + 2)
        XCTAssertEqual(automaton.stateCount, 1 + patterns.count * 2)
        // The last pattern's symbols have classes past 65,535.
        let last = patterns.count - 1
        XCTAssertEqual(matches(automaton, [1, 2]), [.init(pattern: 0, end: 2)])
        XCTAssertEqual(matches(automaton, patterns[last]), [.init(pattern: Int32(last), end: 2)])
        // 65,537 and 65,538 are a pattern; 65,537 + 65,536 (as a truncated class would alias) is not.
        let high = patterns.firstIndex { $0[0] == 65_537 }!
        XCTAssertEqual(matches(automaton, [65_537, 65_538]), [.init(pattern: Int32(high), end: 2)])
        XCTAssertEqual(matches(automaton, [65_537, 2]), [])
    }

    /// Every occurrence of every pattern, in the order a scan reports them (by end, then by
    /// pattern id), against a search at every position, over many seeded pattern sets.
    func testScanFindsWhatABruteForceSearchFinds() {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        for _ in 0..<200 {
            let alphabet = 2 + next(5)
            let patterns = (0..<(1 + next(12))).map { _ in (0..<(1 + next(4))).map { _ in UInt32(1 + next(alphabet)) } }
            let text = (0..<next(40)).map { _ in UInt32(next(alphabet + 1)) }
            let automaton = KeywordAutomaton(patterns: patterns, symbolLimit: 16)
            var expected: [KeywordAutomaton.Match] = []
            for end in 0...text.count {
                for (id, pattern) in patterns.enumerated() where pattern.count <= end && Array(text[(end - pattern.count)..<end]) == pattern {
                    expected.append(.init(pattern: Int32(id), end: Int32(end)))
                }
            }
            XCTAssertEqual(matches(automaton, text), expected, "patterns \(patterns), text \(text)")
        }
    }

    /// Failure links still find a pattern inside another's prefix (Aho–Corasick's point).
    func testOverlappingPatternsThroughFailureLinks() {
        let automaton = KeywordAutomaton(patterns: [[1, 2, 3, 4], [2, 3], [3, 4, 5]], symbolLimit: 16)
        XCTAssertEqual(Set(matches(automaton, [1, 2, 3, 4, 5])),
                       [.init(pattern: 1, end: 3), .init(pattern: 0, end: 4), .init(pattern: 2, end: 5)])
    }
}
