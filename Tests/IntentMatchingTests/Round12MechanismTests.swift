import HallModel
@testable import IntentMatching
import XCTest

/// The words added after the twelfth held-out round, with sentences of our own.
final class Round12MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testSomethingLeftHereIsTheDesksLostProperty() {
        // 这嘎达 is rewritten to 这里, and 落这里 is a lost thing.
        XCTAssertEqual(matcher.match("我手机落这疙瘩了").destination, "info-desk")
        XCTAssertEqual(matcher.match("身份证好像丢这儿了").destination, "info-desk")
    }

    func testFindingABuyerIsNotTheTransfer() {
        XCTAssertEqual(matcher.match("我那辆二手车想找买家").outcome, .fallback)
        XCTAssertEqual(matcher.match("二手车卖了，过户在哪办").destination, "vehicle-admin")
    }
}
