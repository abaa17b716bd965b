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

/// After an answer, a visitor who did not catch it hears it again rather than the desk.
final class RepeatedAnswerTests: XCTestCase, UsesBuiltInMatcher {
    func testAReplyThatDidNotCatchTheAnswerHearsItAgain() {
        for reply in ["啊？", "再说一遍", "pardon?", "嗯？"] {
            let turns = talk(["护照在哪办", reply])
            XCTAssertEqual(turns[1].destination, "exit-entry", reply)
            XCTAssertEqual(turns[1].rule, .context(.repeated), reply)
        }
        // A number in it is a correction, not a request to hear it again.
        XCTAssertNotEqual(talk(["护照在哪办", "sorry, I meant 38"])[1].rule, .context(.repeated))
        // Once only: still not caught, the desk.
        let twice = talk(["护照在哪办", "啊？", "啥？"])
        XCTAssertEqual(twice[2].outcome, .fallback)
        XCTAssertEqual(twice[2].rule, .context(.gaveUp))
        // With no answer before, it is not a repetition.
        XCTAssertEqual(talk(["啊？"])[0].outcome, .fallback)
    }
}
