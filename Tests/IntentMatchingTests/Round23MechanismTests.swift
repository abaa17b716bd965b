import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the twenty-third held-out round, with sentences of our own.
final class Round23MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testAWindowThatToldTheVisitorSomethingIsNotTheDestination() {
        XCTAssertEqual(matcher.match("6号窗口说我得先交税，交税在哪").destination, "tax")
    }

    func testErHeardForTwoInAWindowNumber() {
        XCTAssertEqual(matcher.match("儿时三号窗口").destination, "window-23")
    }

    func testARideHailingDriversYearsAreWhoTheyAreNotTheErrand() {
        XCTAssertEqual(matcher.match("我开网约车好几年了，驾驶证要到期了，去哪换").destination, "vehicle-admin")
    }

    func testWhatFollowsATaskCompletedIsAsked() {
        XCTAssertEqual(matcher.match("房子买卖完成以后，产权登记在哪办").destination, "real-estate")
    }

    func testUtilityAccountsRenamedAreNotThePolice() {
        XCTAssertEqual(matcher.match("水电燃气改名字在哪办").destination, "utilities")
    }
}

extension Round17FollowUpTests {
    func testTheCountAfterASelfCorrectionStands() {
        let turns = talk(["交保险", "第一个，哦不对，第二个"])
        XCTAssertEqual(turns[1].destination, turns[0].candidates[1])
    }

    func testAFollowUpNamingTheAnswerAndANewDestinationIsAboutTheNewOne() {
        let turns = talk(["退休手续在哪办", "那退休以后医保在哪交"])
        XCTAssertEqual(turns[0].destination, "social-insurance")
        XCTAssertEqual(turns[1].destination, "medical-insurance")
        XCTAssertEqual(turns[1].rule, .context(.newThingNamed))
        // A word that fits both is no new thing: the answer stands.
        XCTAssertEqual(talk(["卡丢了", "社保卡", "补卡要带什么"])[2].destination, "social-insurance")
    }
}
