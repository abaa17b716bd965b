import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the twenty-fifth held-out round, with sentences of our own.
final class Round25MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testAnOutOfScopeWordThatToldTheVisitorIsWhoToldThem() {
        XCTAssertEqual(matcher.match("银行说要先做个公证").destination, "notary")
        // Said as the topic, it still ends at the desk.
        XCTAssertEqual(matcher.match("银行在哪").outcome, .fallback)
    }

    func testAnOutOfScopeThingAlreadyObtainedIsBackground() {
        XCTAssertEqual(matcher.match("出生医学证明已经拿到了，给孩子上户口去哪").destination, "police-general")
        XCTAssertEqual(matcher.match("出生医学证明在哪开").outcome, .fallback)
    }

    func testWhatTheErrandIsForIsBackground() {
        XCTAssertEqual(matcher.match("得先公证才能去银行取存款").destination, "notary")
        // Without an errand before 才能, the out-of-scope word stands.
        XCTAssertEqual(matcher.match("银行几点才能取存款").outcome, .fallback)
    }

    func testEverySyllableHeardIsAKeywordOfThreeOrMore() {
        // 深分整 shares no character with 身份证, and sounds the same.
        XCTAssertEqual(matcher.match("深分整补办在哪").destination, "police-general")
        // An exact word said over it still wins: 是公证 is no 施工证.
        XCTAssertEqual(matcher.match("这是公证处吗").destination, "notary")
    }

    func testAnExclusionOverlappingTheCompanyKeepsTheTax() {
        XCTAssertEqual(matcher.match("I need to pay tax for my company").destination, "tax")
        XCTAssertEqual(matcher.match("I want to register my company").destination, "business-setup")
    }

    func testRentingOutIsTheHousingTradesFilingAndCarInsuranceIsNotTheVehicleOffice() {
        XCTAssertEqual(matcher.match("我家房子要出租给别人，出租房子登记在哪").destination, "housing-trade")
        XCTAssertEqual(matcher.match("新车得买个车险，去哪买").outcome, .fallback)
        XCTAssertEqual(matcher.match("车管所能洗车吗").outcome, .fallback)
    }
}
