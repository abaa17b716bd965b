import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the twentieth held-out round, with sentences of our own.
final class Round20MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testAnExcludedWordIsATaskOnlyJoinedToAnother() {
        // The lost wallet (info-desk, ruled out by 补) is not a third task.
        let d = matcher.match("包丢了，钱包丢了，户口本和驾驶证都得补")
        XCTAssertEqual(d.outcome, .clarify)
        XCTAssertEqual(Set(d.candidates), ["police-general", "vehicle-admin"])
    }

    func testThreeTasksJoinedAreAllOffered() {
        let d = matcher.match("护照、驾照和社保卡都要办")
        XCTAssertEqual(d.rule, .severalTasks)
        XCTAssertEqual(d.candidates, ["exit-entry", "vehicle-admin", "social-insurance"])
        // Four are not "a few tasks".
        XCTAssertNotEqual(matcher.match("护照、驾照、社保卡和公积金都要办").rule, .severalTasks)
    }

    func testWhoTheVisitorIsIsNotTheErrand() {
        XCTAssertEqual(matcher.match("我是开出租车的，驾驶证快到期了，在哪换").destination, "vehicle-admin")
        XCTAssertEqual(matcher.match("开出租车要办什么证").destination, "municipal-general")
    }
}

extension Round17FollowUpTests {
    func testAskingWhatToBringFollowsUp() {
        XCTAssertEqual(talk(["Where do I renew my passport?", "which documents should I take?"])[1].destination, "exit-entry")
        XCTAssertEqual(talk(["我来交契税", "得准备哪些东西"])[1].destination, "tax")
    }
}

extension Round20MechanismTests {
    func testAFirstTaskThatOnlyAsksBackDefersToTheWholeQuestion() {
        // 先…登记 alone would ask which registration; the title deed named before decides it.
        XCTAssertEqual(matcher.match("房产证上的地址错了，人家说得先去做个变更登记").destination, "real-estate")
        // A first task that routes still goes first.
        XCTAssertEqual(matcher.match("先交契税，再办不动产登记").destination, "tax")
    }
}
