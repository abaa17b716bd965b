import HallModel
import HallTestFixtures
@testable import IntentMatching
import XCTest

func fixtureMatcher(windows: Set<Int> = Set(1...10)) throws -> IntentMatcher {
    let set = try IntentsLoader.load(files: [("fixture/intents.yaml", fixtureIntents), ("fixture/normalization.yaml", fixtureTables)])
    return try IntentMatcher(intents: set, knownDestinations: nil, windows: windows)
}

final class MatcherDecisionTests: XCTestCase {
    var matcher: IntentMatcher!

    override func setUpWithError() throws { matcher = try fixtureMatcher() }

    func route(_ q: String) -> String? {
        let d = matcher.match(q)
        return d.outcome == .route ? d.destination : "\(d.outcome.rawValue):\(d.candidates.joined(separator: "|"))"
    }

    func testRouteInsideASentenceWithoutSpaces() {
        XCTAssertEqual(route("请问办护照在哪里"), "passport")
        XCTAssertEqual(route("我想去香港，港澳通行证怎么办"), "passport")
        XCTAssertEqual(route("身份证丢了怎么补"), "id-card")
    }

    func testAZeroWidthSpaceInsideAKeywordStillMatches() {
        XCTAssertEqual(route("护\u{200B}照在哪里办"), "passport")
    }

    func testTraditionalAndFullWidth() {
        XCTAssertEqual(route("護照在哪裡辦理"), "passport")
        XCTAssertEqual(route("ＰＡＳＳＰＯＲＴ"), "passport")
    }

    func testHomophoneSlipIsRepairedButNeverOverridesAnExactMatch() {
        let slip = matcher.match("假照到期了怎么换")  // 假照 for 驾照
        XCTAssertEqual(slip.destination, "driving")
        XCTAssertTrue(slip.usedHomophones)
        XCTAssertEqual(route("护找在哪办"), "passport")
        XCTAssertEqual(route("设保在哪"), "social")
        // An exact keyword wins over a homophone reading of the same characters.
        let exact = matcher.match("驾照")
        XCTAssertFalse(exact.usedHomophones)
        // Two wrong characters of two are not a slip, they are another word.
        XCTAssertEqual(route("家找"), "fallback:")
    }

    func testEnglishWordsNeedWordBoundaries() {
        XCTAssertEqual(route("where is the toilet"), "restroom")
        XCTAssertEqual(route("toilets please"), "restroom")
        XCTAssertEqual(route("I need a new ID card"), "id-card")
        XCTAssertEqual(route("toiletry shop"), "fallback:")
        XCTAssertEqual(matcher.match("where is the toilet").language, .en)
    }

    func testClarifyOnAnAmbiguousWord() {
        XCTAssertEqual(route("交保险"), "clarify:social|medical")
        XCTAssertEqual(route("办证"), "clarify:passport|driving|id-card")
        XCTAssertEqual(matcher.match("保险").rule, .ambiguousTerm)
    }

    func testAmbiguousWordWithAHintRoutes() {
        // 报销 is medical's keyword: with 保险 it is clearly medical.
        XCTAssertEqual(route("保险报销"), "medical")
        // A longer keyword covers the ambiguous word inside it.
        XCTAssertEqual(route("医疗保险"), "medical")
    }

    func testClarifyWhenTwoDestinationsAreClose() {
        let d = matcher.match("社保还是医保")
        XCTAssertEqual(d.outcome, .clarify)
        XCTAssertEqual(Set(d.candidates), ["social", "medical"])
        XCTAssertEqual(d.rule, .closeScores)
        // Joined as two tasks, both are offered by the several-tasks rule.
        let both = matcher.match("社保和医保")
        XCTAssertEqual(Set(both.candidates), ["social", "medical"])
        XCTAssertEqual(both.rule, .severalTasks)
    }

    func testNegationMovesToTheOtherRequest() {
        XCTAssertEqual(route("不办社保，办医保"), "medical")
        XCTAssertEqual(route("我不办驾照，我办身份证"), "id-card")
        XCTAssertEqual(route("不是护照，是驾照"), "driving")
        XCTAssertEqual(route("I don't need a passport, I need an ID card"), "id-card")
        // An English cue stops at the end of its clause too.
        XCTAssertEqual(route("not the passport, the toilet"), "restroom")
        XCTAssertEqual(matcher.match("不办社保").rule, .onlyNegated)
        // A bare 不 negates the verb right after it, and only that far.
        XCTAssertEqual(route("不查护照了，办身份证"), "id-card")
        XCTAssertEqual(route("我不太清楚护照在哪办"), "passport")
        // A cue may share a character with the word it negates: 不去 + 去厕所.
        XCTAssertEqual(route("不去厕所了，护照在哪"), "passport")
        // Phrases with a cue inside that negate nothing.
        XCTAssertEqual(route("找不到厕所"), "restroom")
        XCTAssertEqual(route("不知道护照在哪办"), "passport")
        XCTAssertEqual(route("不好意思，身份证在哪办"), "id-card")
        // An A-not-A question is not a negation.
        XCTAssertEqual(route("是不是在这里办护照"), "passport")
        XCTAssertEqual(route("要不要带身份证"), "id-card")
        // The cue reaches only into its own clause.
        XCTAssertEqual(route("不要排队，护照在哪"), "passport")
    }

    func testExclusionWord() {
        XCTAssertEqual(route("二手房买卖"), "housing")
        XCTAssertEqual(route("房屋买卖公证"), "notary")
        XCTAssertEqual(route("房屋买卖公证处在哪"), "notary")
    }

    func testOutOfScopeFallsBack() {
        for q in ["明天会下雨吗", "你会唱歌吗", "你好", "嗯", "结婚登记在哪", "what's the weather like", ""] {
            let d = matcher.match(q)
            XCTAssertEqual(d.outcome, .fallback, q)
            XCTAssertNil(d.destination, q)
        }
        XCTAssertEqual(matcher.match("明天会下雨吗").rule, .outOfScope)
        XCTAssertEqual(matcher.match("你好").rule, .nothingMatched)
    }

    func testWeakHintAloneIsNotEnoughAgainstAKeyword() {
        XCTAssertEqual(route("开车来的，护照在哪办"), "passport")
    }

    func testWindowNumbers() {
        XCTAssertEqual(route("三十号窗口怎么走").map { $0 }, "fallback:")  // the fixture has windows 1-10
        XCTAssertEqual(matcher.match("三十号窗口怎么走").rule, .unknownWindow(30))
        XCTAssertEqual(route("八号窗口"), "window-8")
        XCTAssertEqual(route("window 3"), "window-3")
    }

    func testExplanationShowsHitsScoresAndRule() {
        let e = matcher.explain("不办社保，办医保")
        XCTAssertEqual(e.normalized, "不办社保|办医保")
        XCTAssertTrue(e.hits.contains { $0.keyword == "社保" && $0.status == .negated })
        XCTAssertTrue(e.hits.contains { $0.keyword == "医保" && $0.status == .counted })
        XCTAssertEqual(e.scores.first?.intent, "medical")
        XCTAssertEqual(e.decision.rule, .clearWinner)
        let slip = matcher.explain("假照")
        XCTAssertEqual(slip.hits.first?.viaPinyin, true)
        XCTAssertEqual(slip.hits.first?.pinyin, "jia zhao")
    }
}

/// The 1-based line of the first line containing `marker`.
func lineNumber(of marker: String, in text: String) -> Int {
    (text.components(separatedBy: "\n").firstIndex { $0.contains(marker) } ?? -1) + 1
}

final class MatcherValidationTests: XCTestCase {
    func testKeywordClaimedByTwoIntentsIsRefusedWithFileAndLine() throws {
        let broken = fixtureIntents.replacingOccurrences(of: "keywords: {zh: [公证, 公证处]}", with: "keywords: {zh: [公证, 护照]}")
        let set = try IntentsLoader.load(files: [("i/intents.yaml", broken), ("i/normalization.yaml", fixtureTables)])
        XCTAssertThrowsError(try IntentMatcher(intents: set, knownDestinations: nil, windows: [])) { error in
            let text = (error as! ValidationError).description
            let line = lineNumber(of: "[公证, 护照]", in: broken)
            XCTAssertTrue(text.hasPrefix("i/intents.yaml:\(line): keyword '护照' is claimed by intents 'passport' (i/intents.yaml:4)"), text)
        }
    }

    func testTraditionalSpellingOfAnotherIntentsKeywordIsAnOverMatch() throws {
        let broken = fixtureIntents.replacingOccurrences(of: "keywords: {zh: [公证, 公证处]}", with: "keywords: {zh: [公证, 護照]}")
        let set = try IntentsLoader.load(files: [("i/intents.yaml", broken)])
        XCTAssertThrowsError(try IntentMatcher(intents: set, knownDestinations: nil, windows: []))
    }

    func testUnknownDestinationAndAmbiguousKeyword() throws {
        let tables = fixtureTables.replacingOccurrences(
            of: "negation:", with: "  - {term: 护照, candidates: [passport, nowhere]}\nnegation:")
        let set = try IntentsLoader.load(files: [("i/intents.yaml", fixtureIntents), ("i/normalization.yaml", tables)])
        XCTAssertThrowsError(try IntentMatcher(intents: set, knownDestinations: ["passport"], windows: [])) { error in
            let messages = (error as! ValidationError).diagnostics.map(\.message)
            XCTAssertTrue(messages.contains { $0.contains("sends visitors to 'driving', which the floor map does not have") }, "\(messages)")
            XCTAssertTrue(messages.contains { $0.contains("offers 'nowhere', which no intent serves") }, "\(messages)")
            XCTAssertTrue(messages.contains { $0.contains("ambiguous term '护照' is also a keyword of intent 'passport'") }, "\(messages)")
        }
    }

    func testLoaderReportsUnknownKeysAndMissingAnswers() {
        let broken = fixtureIntents.replacingOccurrences(of: "    answer: {zh: 公证在7号窗口。, en: Notary at window 7.}", with: "    anwser: {zh: x, en: y}")
        XCTAssertThrowsError(try IntentsLoader.load(files: [("i/intents.yaml", broken)])) { error in
            let text = (error as! ValidationError).description
            XCTAssertTrue(text.contains("i/intents.yaml:\(lineNumber(of: "anwser", in: broken)): unknown key 'anwser' in an intent"), text)
            XCTAssertTrue(text.contains("i/intents.yaml:\(lineNumber(of: "id: notary", in: broken)): intent 'notary' is missing 'answer'"), text)
        }
    }
}
