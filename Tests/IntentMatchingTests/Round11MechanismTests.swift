import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the eleventh held-out round, each with sentences of our own.
final class Round11MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testSlipsRightBeforeAWindowAreRepaired() {
        XCTAssertEqual(matcher.match("二十好窗口在哪").destination, "window-20", "号 heard as 好")
        XCTAssertEqual(matcher.match("死号窗口怎么走").destination, "window-4", "四 heard as 死")
        XCTAssertEqual(matcher.match("去死十五号窗口").destination, "window-45")
        XCTAssertEqual(matcher.match("是号窗口").destination, "window-10", "十 heard as 是, alone")
        // Elsewhere the words stay: 好 and 死 are words.
        XCTAssertEqual(matcher.normalize("这个好办吗"), "这个好办吗")
        XCTAssertEqual(matcher.normalize("热死了"), "热死了")
    }

    func testShiAfterAClauseBreakIsTheVerb() {
        let turns = talk(["五号窗口", "不对，是十五号"])
        XCTAssertEqual(turns[1].destination, "window-15")
        // Where a number is expected, 是十 is still 四十 said with a flat s.
        XCTAssertEqual(matcher.match("去是十二号窗口").destination, "window-42")
    }

    func testAHomophoneNeverHearsATaskInANegationSaidExactly() {
        // 不办 sounds as 补办: the cue said is the cue meant.
        XCTAssertEqual(matcher.match("护照不办了，我要交税").destination, "tax")
        XCTAssertEqual(matcher.match("驾照补办在哪").destination, "vehicle-admin")
    }

    func testDoneWithGuoIsDone() {
        let d = matcher.match("医保办过了，就差社保了")
        XCTAssertEqual(d.destination, "social-insurance")
    }

    func testAWindowTurnedAwayWithBieDaiWoQuGivesWay() {
        XCTAssertEqual(matcher.match("别带我去五号窗口，我要去十五号窗口").destination, "window-15")
    }

    func testChuleWithEverythingElseTurnedAwayKeepsItsWord() {
        XCTAssertEqual(matcher.match("除了医保，别的我都不办").destination, "medical-insurance")
        // With more wanted, the word is set aside for what is asked.
        XCTAssertEqual(matcher.match("除了医保，我还得交税，税在哪交").destination, "tax")
    }

    func testTheEnglishWindowWordAfterTheNumber() {
        XCTAssertEqual(matcher.match("No.22 window please").destination, "window-22")
        XCTAssertEqual(matcher.match("number 7 counter").destination, "window-7")
        XCTAssertNotEqual(matcher.match("there are 48 windows").outcome, .route)
    }
}
