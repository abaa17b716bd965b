import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the tenth held-out round, each with sentences of our own.
final class Round10MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testEnglishNumberWordsAfterWindowAreItsNumber() {
        XCTAssertEqual(matcher.match("how do I get to window forty two").destination, "window-42")
        XCTAssertEqual(matcher.match("counter thirty-three please").destination, "window-33")
        XCTAssertEqual(matcher.match("window number seven").destination, "window-7")
        XCTAssertEqual(matcher.match("window twelve").destination, "window-12")
        // Number words elsewhere stay words: never a window.
        XCTAssertNil(matcher.match("I have two passports, which window").destination.flatMap { $0.hasPrefix("window-") ? $0 : nil })
        XCTAssertEqual(matcher.normalize("one of the windows"), "one of windows")
    }

    func testADigitBesideTenIsThatNumeral() {
        XCTAssertEqual(matcher.match("3十2号窗口在哪").destination, "window-32")
        XCTAssertEqual(matcher.match("去2十号窗口").destination, "window-20")
        // Digits alone are left as they are.
        XCTAssertEqual(matcher.match("去23号窗口").destination, "window-23")
    }

    func testACommonWordThatAKeywordHoldsIsASlipsTarget() {
        // "entrance" is common English (never itself corrected) and a keyword's word.
        XCTAssertEqual(matcher.match("where is the south entrence").destination, "south-door")
        XCTAssertEqual(matcher.normalize("the entrance"), "entrance")
    }

    func testBieRangWoQuNegatesThePlace() {
        XCTAssertEqual(matcher.match("别让我去服务台，告诉我社保在哪").destination, "social-insurance")
    }

    func testFoodTransportCardsAndTourGroupsAreOutOfScope() {
        for question in ["哪里能买饭", "交通卡在哪充值", "报个旅游团去哪"] {
            XCTAssertEqual(matcher.match(question).outcome, .fallback, question)
        }
        // The hall's own matter beside them still routes.
        XCTAssertEqual(matcher.match("跟旅游团去澳门，通行证在哪办").destination, "exit-entry")
    }

    func testTheComprehensiveWindowIsAskedBack() {
        let d = matcher.match("综合窗口怎么走")
        XCTAssertEqual(d.outcome, .clarify)
        XCTAssertEqual(Set(d.candidates), ["municipal-general", "police-general"])
        XCTAssertEqual(matcher.match("市级综合窗口怎么走").destination, "municipal-general")
    }

    func testTheseTwoRejectedIsARejection() {
        XCTAssertEqual(talk(["我要交保险", "不是这俩"])[1].rule, .context(.rejectedAll))
    }
}
