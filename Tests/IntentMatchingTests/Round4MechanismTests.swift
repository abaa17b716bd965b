import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the fourth held-out round, each with sentences of our own.
final class Round4MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testPinyinSpelledInLettersMatchesTheKeywordItSpells() {
        let d = matcher.match("请问 shenfenzheng 在哪里办")
        XCTAssertEqual(d.destination, "police-general")
        XCTAssertTrue(d.usedHomophones, "found through the homophone automaton")
        // Syllables one space apart are one word; the question stays Chinese.
        let spaced = matcher.match("yi bao ka 丢了")
        XCTAssertEqual(spaced.destination, "medical-insurance")
        XCTAssertEqual(spaced.language, .zh)
    }

    func testEnglishThatDoesNotSplitIntoPinyinIsLeftAlone() {
        // Neither word splits wholly into syllables; nothing is invented from them.
        XCTAssertEqual(matcher.match("hello friend").outcome, .fallback)
        // An English keyword inside a run is the keyword, not pinyin.
        XCTAssertEqual(matcher.match("passport please").destination, "exit-entry")
    }

    func testLatinPinyinSplitsWhollyOrNotAtAll() {
        let table = LatinPinyin(syllables: HanziTable.shared.syllables)
        func split(_ word: String) -> [String]? {
            let text = word.unicodeScalars.map(\.value)
            var spelled: [SpelledSyllable] = [], scratch: [Int32] = []
            guard table.split(text, 0, text.count, into: &spelled, scratch: &scratch) else { return nil }
            return spelled.map { HanziTable.shared.syllables[Int($0.id)] }
        }
        XCTAssertEqual(split("gongjijin"), ["gong", "ji", "jin"])
        // The fewest syllables: xian is one, not xi + an.
        XCTAssertEqual(split("xian"), ["xian"])
        XCTAssertNil(split("street"))
        XCTAssertNil(split("xyz"))
    }

    func testPluralsInEsAreTheWord() {
        XCTAssertEqual(matcher.match("where do I pay taxes").destination, "tax")
    }

    func testOrdinalsSaidWithBianAndTou() {
        let first = talk(["我想交保险", "前边那个"])
        XCTAssertEqual(first[0].outcome, .clarify)
        XCTAssertEqual(first[1].destination, first[0].candidates.first)
        let last = talk(["我想交保险", "后头那个"])
        XCTAssertEqual(last[1].destination, last[0].candidates.last)
    }

    func testANamedOfferBeatsACountThatDisagrees() {
        let turns = talk(["insurance please", "the second one, the medical one"])
        XCTAssertEqual(turns[0].candidates, ["medical-insurance", "social-insurance"])
        XCTAssertEqual(turns[1].destination, "medical-insurance")
        XCTAssertEqual(turns[1].rule, .context(.pickedByDescription))
        // A count alone still counts.
        let counted = talk(["insurance please", "the second one"])
        XCTAssertEqual(counted[1].destination, counted[0].candidates[1])
    }

    func testTheSameForSomeoneElseFollowsUpTheAnswer() {
        let turns = talk(["身份证补办在哪", "那我儿子的呢"])
        XCTAssertEqual(turns[0].destination, "police-general")
        XCTAssertEqual(turns[1].destination, "police-general")
        XCTAssertEqual(turns[1].rule, .context(.sameDestination))
        XCTAssertEqual(talk(["where do I renew a passport", "what about my daughter"])[1].destination, "exit-entry")
        // A new visitor asking about a relative has no answer to follow.
        XCTAssertNotEqual(talk(["那我儿子的呢"])[0].outcome, .route)
    }

    func testACorrectionSetsTheAnswerBeforeAside() {
        // "my company" outweighs "taxes" on its own; after the company answer, "I meant" sets it aside.
        XCTAssertEqual(matcher.match("no, I meant my company's taxes").destination, "business-setup")
        let turns = talk(["I want to register a company", "no, I meant my company's taxes"])
        XCTAssertEqual(turns[0].destination, "business-setup")
        XCTAssertEqual(turns[1].destination, "tax")
        XCTAssertEqual(turns[1].rule, .context(.corrected))
    }

    func testAWindowTheVisitorWasAtIsNotWhereTheyAreGoing() {
        XCTAssertNotEqual(matcher.match("刚才在5号窗口排了好久也没办成").destination, "window-5")
        // The window they go to next is.
        XCTAssertEqual(matcher.match("刚从5号窗口过来，现在要去12号窗口").destination, "window-12")
        XCTAssertEqual(matcher.match("5号窗口在哪").destination, "window-5")
    }

    func testAMeasureWordInsideAVerbAndItsObjectKeepsTheWord() {
        // 喂奶 and 户口 are keywords; 喂个奶 is how it is said.
        let d = matcher.match("先去喂个奶，然后再办户口")
        XCTAssertEqual(d.destination, "mother-baby")
        XCTAssertEqual(d.next?.destination, "police-general")
        // An ambiguous word split so is still ambiguous.
        XCTAssertEqual(matcher.match("我来办个证").outcome, .clarify)
    }
}
