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
