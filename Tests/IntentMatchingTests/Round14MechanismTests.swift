import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the fourteenth held-out round, with sentences of our own.
final class Round14MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testAnExclusionHoldingTheIntentsOwnWordRulesOutOnlyThatOccurrence() {
        // The door came in by is background; the same door asked for later is the destination.
        XCTAssertEqual(matcher.match("我是从南门进来的，现在想回南门").destination, "south-door")
        XCTAssertEqual(matcher.match("从南门进来的，卫生间在哪").destination, "restroom")
        XCTAssertNotEqual(matcher.match("我从南门进来的").destination, "south-door")
    }

    func testDigitsHeardAsTheirSoundsInAWindowReference() {
        XCTAssertEqual(matcher.match("思号窗口怎么走").destination, "window-4")
        XCTAssertEqual(matcher.match("二十酒号窗口").destination, "window-29")
        XCTAssertEqual(matcher.match("伞十二号窗口在哪").destination, "window-32")
        // Only in a window reference: 酒 elsewhere is not a digit.
        XCTAssertEqual(matcher.match("喝酒的地方").outcome, .fallback)
    }

    func testAClauseAfterATaskSaidDoneIsWhatIsAskedNow() {
        XCTAssertEqual(matcher.match("护照补完了，社保在哪交").destination, "social-insurance")
        XCTAssertEqual(matcher.match("护照补完了，还要干什么").destination, "exit-entry")
    }

    func testChangingMoneyIsOutOfScope() {
        XCTAssertEqual(matcher.match("哪里可以换外币").outcome, .fallback)
        XCTAssertEqual(matcher.match("where can I exchange money").outcome, .fallback)
    }

    func testRegionalWordsAreTheStandardOnes() {
        // 資訊 (Taiwan, Hong Kong) is 信息; 地儿 is 地方.
        XCTAssertEqual(matcher.match("政府資訊公開在哪").destination, "gov-disclosure")
        XCTAssertEqual(matcher.match("有没有地儿坐一会").destination, "waiting-area")
    }
}

/// Follow-ups that name another destination's word but ask about the errand just answered.
final class ErrandDetailFollowUpTests: XCTestCase, UsesBuiltInMatcher {
    func testWhatToBringAndWhoMustComeFollowUpTheAnswer() {
        for reply in ["要带户口本吗", "需要带身份证不", "我老伴不来行吗", "本人得来吗", "do I need to bring my passport"] {
            let turns = talk(["交契税在哪", reply])
            XCTAssertEqual(turns[1].destination, "tax", reply)
            XCTAssertEqual(turns[1].rule, .context(.sameDestination), reply)
        }
        // Not said as a question, it is a new errand.
        XCTAssertEqual(talk(["交契税在哪", "我要带孩子去母婴室"])[1].destination, "mother-baby")
        // With no answer before, the keyword decides.
        XCTAssertEqual(talk(["要带身份证吗"])[0].destination, "police-general")
    }

    func testWhatAPlaceIsForAndHowLongFollowUp() {
        for reply in ["那是办啥的", "那疙瘩是整啥的", "走几分钟", "is it open during lunch?"] {
            let turns = talk(["交契税在哪", reply])
            XCTAssertEqual(turns[1].destination, "tax", reply)
        }
    }
}
