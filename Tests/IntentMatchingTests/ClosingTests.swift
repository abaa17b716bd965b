import HallModel
@testable import IntentMatching
import XCTest

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
