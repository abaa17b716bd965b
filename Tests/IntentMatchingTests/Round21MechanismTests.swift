import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the twenty-first held-out round, with sentences of our own.
final class Round21MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testAnExclusionIsNoLongerWordThatHidesAKeywordInsideIt() {
        // "在自助机" rules out the window's matter; its 自助机 still names the self-service area.
        XCTAssertEqual(matcher.match("我想在自助机上打个个税完税证明").destination, "self-service")
        XCTAssertEqual(matcher.match("先用自助机查一下社保缴费记录，再去窗口").destination, "self-service")
    }

    func testShiFirstInAYesOrNoQuestionIsTheVerb() {
        XCTAssertEqual(matcher.match("是十二号窗口吗").destination, "window-12")
        // Not a question: 是十 said first is 四十, as before.
        XCTAssertEqual(matcher.match("是十号窗口在哪").destination, "window-40")
    }

    func testBaHeardForEightBeforeHao() {
        XCTAssertEqual(matcher.match("二十吧号窗口在哪").destination, "window-28")
    }

    func testAWindowTheVisitorWaitedAtIsNotTheDestination() {
        XCTAssertEqual(matcher.match("在九号窗口等了半天，说交税不在这，交税到底去哪").destination, "tax")
    }

    func testHeardAsADayOffIsNoRestArea() {
        XCTAssertEqual(matcher.match("今天正好休息，想把燃气过户办了").destination, "utilities")
    }

    func testWanQuAfterXianIsThen() {
        let d = matcher.match("先去交税，交完去给孩子喂奶")
        XCTAssertEqual(d.destination, "tax")
        XCTAssertEqual(d.next?.destination, "mother-baby")
    }
}

extension Round17FollowUpTests {
    func testAnOfferNamedBeatsAnOutOfScopeWordBesideIt() {
        let turns = talk(["门在哪", "南门，我坐地铁过来的"])
        XCTAssertEqual(turns[1].destination, "south-door")
    }
}
