import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the eighteenth held-out round, with sentences of our own.
final class Round18MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testDeInsideAVerbAndItsObjectIsTheSameTask() {
        XCTAssertEqual(matcher.match("上个月刚买的房，去哪弄手续").destination, "housing-trade")
        XCTAssertEqual(matcher.match("去年交的税能退吗").destination, "tax")
    }

    func testShiHeardAsRoomOrStyleIsTenInsideAWindowReferenceOnly() {
        XCTAssertEqual(matcher.match("二室五号窗口在哪").destination, "window-25")
        XCTAssertEqual(matcher.match("四式号窗口").destination, "window-40")
        XCTAssertNotEqual(matcher.match("三室一厅的房子过户").rule, .windowNumber(31))
    }

    func testTwoTasksJoinedThoughTheFirstWasNamedEarlier() {
        // The plates are named first; then the tax and the plates are joined by 和.
        let d = matcher.match("给新车上牌，购置税和上牌都还没弄")
        XCTAssertEqual(d.outcome, .clarify)
        XCTAssertEqual(Set(d.candidates), ["tax", "vehicle-admin"])
    }

    func testAnExclusionStillHoldsWhereTheFarClauseAsksAboutTheErrand() {
        XCTAssertEqual(matcher.match("来交社保的，排了半天队，身份证要复印吗").destination, "social-insurance")
        XCTAssertEqual(matcher.match("我要办营业执照，材料都带齐了，还要带身份证吗").destination, "business-setup")
    }
}
