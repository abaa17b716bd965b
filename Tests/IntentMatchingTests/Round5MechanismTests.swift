import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the fifth held-out round, each with sentences of our own.
final class Round5MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testATypingSlipInAnEnglishWordIsTheKeywordWord() {
        XCTAssertEqual(matcher.match("where can I renew my pasport").destination, "exit-entry")
        XCTAssertEqual(matcher.match("how to get a drivers lisence").destination, "vehicle-admin")
        // Common words are never read as slips ("leave" is not "lease").
        XCTAssertEqual(matcher.match("how do I leave by the north door").destination, "north-door")
    }

    func testEditDistanceCountsSwapsAndStopsPastTheLimit() {
        func d(_ a: String, _ b: String, _ limit: Int = 2) -> Int {
            EnglishSpelling.distance(a.unicodeScalars.map(\.value), b.unicodeScalars.map(\.value), limit: limit)
        }
        XCTAssertEqual(d("tiolet", "toilet"), 1)
        XCTAssertEqual(d("insurence", "insurance"), 1)
        XCTAssertEqual(d("reimbursment", "reimbursement"), 1)
        XCTAssertEqual(d("apple", "orange", 1), 2, "past the limit: limit + 1")
    }

    func testEnglishArticlesDoNotSeparateAPhrase() {
        XCTAssertEqual(matcher.normalize("Pay the tax"), "pay tax")
        XCTAssertEqual(matcher.normalize("take a number, an hour"), "take number|hour")
        // Only whole words: "theatre", "an" inside "anna" stay.
        XCTAssertEqual(matcher.normalize("theatre anna"), "theatre anna")
    }

    func testFortySaidWithAFlatSIsAWindowNumber() {
        XCTAssertEqual(matcher.match("去是是二号窗口").destination, "window-42")
        XCTAssertEqual(matcher.match("窗口是十三在哪").destination, "window-43")
        // 是 as the verb before a number stays the verb.
        XCTAssertEqual(matcher.match("不是十五号，是五号窗口").destination, "window-5")
    }

    func testATurnedAwayCueReachesNoFurtherThanTheWindowBefore() {
        XCTAssertEqual(matcher.match("不是20号 是8号窗口").destination, "window-8")
    }

    func testTheTaskAfterXianComesBeforeTheOneBeforeZhiqian() {
        let d = matcher.match("交税之前得先去办营业执照吧")
        XCTAssertEqual(d.destination, "business-setup")
        XCTAssertEqual(d.next?.destination, "tax")
    }

    func testTheSameMatterForSomeoneElseBeatsAWeakWordOfItsOwn() {
        let turns = talk(["驾照补办在哪", "我老婆的也丢了"])
        XCTAssertEqual(turns[1].destination, "vehicle-admin")
        XCTAssertEqual(turns[1].rule, .context(.sameDestination))
    }

    func testWhichSideFollowsUpTheAnswer() {
        XCTAssertEqual(talk(["公积金在哪办", "在东边还是西边"])[1].rule, .context(.sameDestination))
    }

    func testATaskGivenUpBeforeTheCueIsNegatedWhenSomethingElseIsAsked() {
        XCTAssertEqual(matcher.match("护照不办了，身份证在哪补").destination, "police-general")
        // Alone, the question is still about it.
        XCTAssertEqual(matcher.match("医保不交了会怎么样").destination, "medical-insurance")
    }

    func testStepsSaidInOrder() {
        let d = matcher.match("第一步先去公证，第二步再去交税")
        XCTAssertEqual(d.destination, "notary")
        XCTAssertEqual(d.next?.destination, "tax")
    }

    func testANegationStopsAtTheContrastOnceItsWordIsSaid() {
        XCTAssertEqual(matcher.match("不是社保是医保").destination, "medical-insurance")
        XCTAssertEqual(matcher.match("我不办护照我要换驾照").destination, "vehicle-admin")
        // Before its word, a contrast word does not stop it: 要 in "我不是要办护照" is part of it.
        XCTAssertNotEqual(matcher.match("我不是要办护照").destination, "exit-entry")
    }

    func testAnExclusionInsideANegatedWordIsNegatedToo() {
        // 通行证 excludes police-general, but 港澳通行证 is negated.
        XCTAssertEqual(matcher.match("不是港澳通行证是补身份证").destination, "police-general")
    }

    func testAWeakHintNeverOutweighsAKeyword() {
        // 腿脚不好 (four characters, weak) against 轮椅 (two, a keyword).
        XCTAssertEqual(matcher.match("我妈腿脚不好，哪能借轮椅").destination, "info-desk")
    }
}
