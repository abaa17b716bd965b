import HallModel
@testable import IntentMatching
import XCTest

/// The conversation contract's rules on the pure context (SPEC "The conversation contract").
final class VisitorContextRuleTests: XCTestCase {
    var matcher: IntentMatcher { UnderstandingTests.matcher }

    func talk(_ turns: [String]) -> [MatchDecision] { UnderstandingTests.talk(turns) }

    func testAfterAClarifyTheReplyNamesDescribesOrPointsAtAnOffer() {
        let offer = talk(["交保险"])[0].candidates
        XCTAssertEqual(Set(offer), ["social-insurance", "medical-insurance"])
        XCTAssertEqual(talk(["交保险", "医保"])[1].destination, "medical-insurance")
        XCTAssertEqual(talk(["交保险", "医保"])[1].rule, .context(.pickedByName))
        XCTAssertEqual(talk(["交保险", "第一个"])[1].destination, offer[0])
        XCTAssertEqual(talk(["交保险", "后面那个"])[1].destination, offer[1])
        XCTAssertEqual(talk(["交保险", "看病那个"])[1].destination, "medical-insurance")
        XCTAssertEqual(talk(["交保险", "看病那个"])[1].rule, .context(.pickedByDescription))
        XCTAssertEqual(talk(["换证去哪", "开车的那个"])[1].destination, "vehicle-admin")
        XCTAssertEqual(talk(["Where can I pay my insurance?", "the medical one"])[1].destination, "medical-insurance")
    }

    func testRejectingAllFallsBackAndPickingNothingAsksOnceMore() {
        XCTAssertEqual(talk(["交保险", "都不是"])[1].rule, .context(.rejectedAll))
        let unclear = talk(["交保险", "嗯", "不知道"])
        XCTAssertEqual(unclear[1].outcome, .clarify)
        XCTAssertEqual(unclear[1].rule, .context(.askedAgain))
        XCTAssertEqual(unclear[1].candidates, unclear[0].candidates)
        XCTAssertEqual(unclear[2].outcome, .fallback)
        XCTAssertEqual(unclear[2].rule, .context(.gaveUp))
    }

    func testANewQuestionIsAnsweredAsOne() {
        let d = talk(["交保险", "厕所在哪"])[1]
        XCTAssertEqual(d.destination, "restroom")
        XCTAssertEqual(d.rule, .clearWinner)
    }

    func testAnEllipticalFollowUpNamesTheNewThingOrKeepsTheDestination() {
        XCTAssertEqual(talk(["办护照在哪", "那厕所呢"])[1].destination, "restroom")
        let same = talk(["社保在哪办", "几号窗口"])[1]
        XCTAssertEqual(same.destination, "social-insurance")
        XCTAssertEqual(same.rule, .context(.sameDestination))
        XCTAssertEqual(talk(["不动产登记在哪", "那交税呢"])[1].destination, "tax")
    }

    func testAnOrdinalWithNoContextFallsBack() {
        XCTAssertEqual(talk(["第二个"])[0].outcome, .fallback)
        // After an answer (not an offer) an ordinal has nothing to point at either.
        XCTAssertEqual(talk(["办护照在哪", "第二个"])[1].outcome, .fallback)
    }

    func testAFallbackEndsTheThread() {
        var context = VisitorContext()
        var scratch = MatchScratch()
        context.remember(context.resolve("交保险", matcher: matcher, scratch: &scratch))
        context.remember(context.resolve("都不是", matcher: matcher, scratch: &scratch))
        XCTAssertTrue(context.isEmpty)
    }
}
