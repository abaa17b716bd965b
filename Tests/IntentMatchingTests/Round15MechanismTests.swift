import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the fifteenth held-out round, with sentences of our own.
final class Round15MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testCantoneseWordsAreTheStandardOnes() {
        XCTAssertEqual(matcher.match("買二手樓喺邊度辦").destination, "housing-trade")
        XCTAssertEqual(matcher.match("我嘅屋契唔見咗").destination, "real-estate")
    }

    func testTwentyAndThirtyAsOneCharacter() {
        XCTAssertEqual(matcher.match("廿五号窗口在哪").destination, "window-25")
        XCTAssertEqual(matcher.match("卅号窗口").destination, "window-30")
    }

    func testOtherMeasureWordsInsideAVerbAndItsObject() {
        let d = matcher.match("先喂口奶，然后去交社保")
        XCTAssertEqual(d.destination, "mother-baby")
        XCTAssertEqual(d.next?.destination, "social-insurance")
    }

    func testAFirstInALaterClauseComesBeforeTheEarlierTask() {
        let d = matcher.match("今天来办社保卡的，我得先找地方喂奶")
        XCTAssertEqual(d.destination, "mother-baby")
        XCTAssertEqual(d.next?.destination, "social-insurance")
    }

    func testAnOnlineApplicationDoneBeforeIsBackground() {
        // 网上办好的 rules out that occurrence of 网上办 (self-service) only.
        XCTAssertEqual(matcher.match("在网上办好的证说放进取件柜了，取件柜在哪").destination, "pickup-lockers")
        XCTAssertEqual(matcher.match("我想网上办").destination, "self-service")
    }

    func testALostThingInGeneralGivesWayToTheDocumentNamed() {
        XCTAssertEqual(matcher.match("房本找不着了咋整").destination, "real-estate")
        XCTAssertEqual(matcher.match("钱包找不着了").destination, "info-desk")
    }

    func testADiplomaOrStudentCardIsTheSchoolsNotTheHalls() {
        XCTAssertEqual(matcher.match("学生证丢了去哪补").outcome, .fallback)
        XCTAssertEqual(matcher.match("毕业证要公证").destination, "notary")
    }
}

/// Replies that the earlier rounds' conversations showed.
final class Round15ReplyTests: XCTestCase, UsesBuiltInMatcher {
    func testASelfCorrectionInAReplyKeepsTheNameAfterIt() {
        XCTAssertEqual(talk(["交保险", "社保……哦不对，是医保"])[1].destination, "medical-insurance")
        XCTAssertEqual(talk(["交保险", "medical, sorry, I mean social insurance"])[1].destination, "social-insurance")
    }

    func testAYesOrNoQuestionNamingNothingAsksAboutThePlaceJustAnswered() {
        let turns = talk(["取件码在哪取", "扫码就能开吧"])
        XCTAssertEqual(turns[1].destination, "pickup-lockers")
        XCTAssertEqual(turns[1].rule, .context(.sameDestination))
        // With nothing answered before, it is still nothing.
        XCTAssertEqual(talk(["扫码就能开吧"])[0].outcome, .fallback)
    }

    func testWhatToBringAskedWithAQuestionWord() {
        XCTAssertEqual(talk(["我失业了想登记", "要带什么证件"])[1].destination, "employment")
    }

    func testOpeningHoursAskedInEnglishFollowUp() {
        XCTAssertEqual(talk(["I want to register a company", "What time do you open tomorrow?"])[1].destination, "business-setup")
    }
}

/// A visitor who thanks or says goodbye is thanked back, not sent to the desk with an apology.
final class ClosingTests: XCTestCase, UsesBuiltInMatcher {
    func testThanksAndGoodbyesAloneCloseTheVisit() {
        for q in ["谢谢", "好嘞，谢谢啊", "好的谢谢您", "thanks, bye", "OK thank you very much", "再见"] {
            let d = matcher.match(q)
            XCTAssertEqual(d.outcome, .fallback, q)
            XCTAssertEqual(d.rule, .closing, q)
        }
        // Thanks with a question is the question.
        XCTAssertEqual(matcher.match("谢谢，那南门咋走").destination, "south-door")
        XCTAssertEqual(matcher.match("thanks, and the restroom?").destination, "restroom")
        // Agreement alone is not a thank-you.
        XCTAssertNotEqual(matcher.match("好的").rule, .closing)
    }

    func testAfterAnAnswerThanksEndsTheThread() {
        let turns = talk(["护照在哪办", "好嘞，谢谢"])
        XCTAssertEqual(turns[1].rule, .closing)
        XCTAssertEqual(turns[1].outcome, .fallback)
    }
}

/// The mechanisms added after the sixteenth held-out round, with sentences of our own.
final class Round16MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testWhatIsAskedAfterATaskDoneDefersToTheWholeQuestionWhenItOnlyAsksBack() {
        // 换证 alone asks back; the driving licence named before decides it.
        XCTAssertEqual(matcher.match("驾照快到期了，照片也拍好了，换证在哪").destination, "vehicle-admin")
        // A routed question after the task done still wins.
        XCTAssertEqual(matcher.match("驾照换完了，现在去交社保").destination, "social-insurance")
    }

    func testAClauseAfterADoneWordWithItsLe() {
        XCTAssertEqual(matcher.match("社保那边办完了，还要去交税").destination, "tax")
    }

    func testDoNotTellMeAboutIsANegation() {
        XCTAssertEqual(matcher.match("别跟我说护照，我要问驾照").destination, "vehicle-admin")
    }
}

extension Round16MechanismTests {
    func testTheNextTaskMayFollowAVerbWithWanAtOnce() {
        // 领完还想…: the first task is the one done first, not what the 完 clause leads to.
        let d = matcher.match("我来交契税，交完还想问问公积金")
        XCTAssertEqual(d.destination, "tax")
        XCTAssertEqual(d.next?.destination, "self-service")
    }
}
