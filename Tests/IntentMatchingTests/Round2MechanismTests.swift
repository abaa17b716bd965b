import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the second held-out round, each with sentences of our own.
final class Round2MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testASlipForTenAloneBeforeHaoChuangIsWindowTen() {
        XCTAssertEqual(matcher.match("请问石号窗口怎么走").destination, "window-10")
        XCTAssertEqual(matcher.match("实号窗口").destination, "window-10")
        // Not a window without 窗 after 号.
        XCTAssertNotEqual(matcher.match("时号").destination, "window-10")
    }

    func testChineseNumeralsAfterTheEnglishWordWindow() {
        XCTAssertEqual(matcher.match("去window二十三怎么走").destination, "window-23")
        XCTAssertEqual(matcher.match("counter 十二 在哪").destination, "window-12")
    }

    func testAWindowTurnedAwayFromGivesWayToTheNextOne() {
        XCTAssertEqual(matcher.match("不是三号窗口，我要去三十号").destination, "window-30")
        XCTAssertEqual(matcher.match("别去8号窗口了，换到18号窗口").destination, "window-18")
        // One window only: still that window, as before.
        XCTAssertEqual(matcher.match("12号窗口在哪").destination, "window-12")
    }

    func testANegatedOutOfScopeTopicDoesNotSendToTheDesk() {
        let d = matcher.match("我不要寄快递，想把办好的证照邮寄到家")
        XCTAssertEqual(d.destination, "certificate-issuance")
    }

    func testATaskSaidDoneLeavesWhatComesNow() {
        let d = matcher.match("社保那边弄完了，现在要去交个税")
        XCTAssertEqual(d.outcome, .route)
        XCTAssertEqual(d.destination, "tax")
        XCTAssertEqual(matcher.match("驾照的事办好了，接下来去哪里办医保").destination, "medical-insurance")
    }

    func testAnyVerbWithWanPutsItsTaskFirst() {
        let d = matcher.match("看完医保再去社保")
        XCTAssertEqual(d.destination, "medical-insurance")
        XCTAssertEqual(d.next?.destination, "social-insurance")
    }

    func testATaskSaidForLaterBeforeXianComesSecond() {
        let d = matcher.match("待会儿还要去办社保，现在先去厕所")
        XCTAssertEqual(d.destination, "restroom")
        XCTAssertEqual(d.next?.destination, "social-insurance")
    }

    func testAfterAWindowAnswerACorrectedNumberGoesToThatWindow() {
        let turns = talk(["Where is window 33?", "sorry, I meant 38"])
        XCTAssertEqual(turns[1].destination, "window-38")
        XCTAssertEqual(turns[1].rule, .context(.correctedWindow))
        XCTAssertEqual(talk(["22号窗口在哪", "不对，我是说27"])[1].destination, "window-27")
        // With no window answered before, a bare number is no window.
        XCTAssertNotEqual(talk(["I meant 38"])[0].outcome, .route)
    }

    func testARejectionSaidWithYe() {
        XCTAssertEqual(talk(["交保险", "哪个也不对"])[1].rule, .context(.rejectedAll))
        XCTAssertEqual(talk(["补卡", "这里面没有我想要的"])[1].rule, .context(.rejectedAll))
    }

    func testAReplyRepeatingTheOfferIsReadByWhatElseItSays() {
        let turns = talk(["过户在哪办", "是轿车的过户"])
        XCTAssertEqual(turns[0].outcome, .clarify)
        XCTAssertEqual(turns[1].destination, "vehicle-admin")
        XCTAssertEqual(turns[1].rule, .context(.pickedByDescription))
        // Nothing else said: asked again.
        XCTAssertEqual(talk(["补卡", "就是那个卡"])[1].rule, .context(.askedAgain))
    }
}
