import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the seventeenth held-out round, with sentences of our own.
final class Round17MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testTwoTasksInWhicheverOrderRouteToTheFirstAndSayTheNext() {
        let d = matcher.match("护照和驾照都要办，哪个先都行")
        XCTAssertEqual(d.outcome, .route)
        XCTAssertEqual(d.destination, "exit-entry")
        XCTAssertEqual(d.next?.destination, "vehicle-admin")
        XCTAssertEqual(d.rule, .anyOrder)
        // Without the word that waives the order, both are still offered.
        XCTAssertEqual(matcher.match("护照和驾照都要办").outcome, .clarify)
    }

    func testWanShiIsThen() {
        let d = matcher.match("先去交税，完事再去办营业执照")
        XCTAssertEqual(d.destination, "tax")
        XCTAssertEqual(d.next?.destination, "business-setup")
    }

    func testAnOutOfScopePlaceWhereSomethingHappenedIsTheSceneNotTheTopic() {
        XCTAssertEqual(matcher.match("在公交车上把社保卡弄丢了").destination, "social-insurance")
        // Asked about, it is still out of scope.
        XCTAssertEqual(matcher.match("公交卡在哪办").outcome, .fallback)
    }

    func testAWindowThatSentTheVisitorOnOrWhereTheyQueueIsNotTheDestination() {
        XCTAssertEqual(matcher.match("18号窗口的人让我先去交税").destination, "tax")
        XCTAssertEqual(matcher.match("我在12号窗口排着队呢，厕所在哪").destination, "restroom")
        // Asked about, the window is the destination.
        XCTAssertEqual(matcher.match("12号窗口排队的人多吗").destination, "window-12")
    }

    func testGoingSomewhereIsNotTheRestroomsEuphemism() {
        XCTAssertEqual(matcher.match("I need to go to the passport office").destination, "exit-entry")
        XCTAssertEqual(matcher.match("sorry, I really need to go").destination, "restroom")
    }
}

/// Follow-ups after the seventeenth round.
final class Round17FollowUpTests: XCTestCase {
    func talk(_ turns: [String]) -> [MatchDecision] { UnderstandingTests.talk(turns) }

    func testAPossessiveAsksForSomeoneElse() {
        let d = talk(["Where do I pay my water bill?", "What about my husband's?"])[1]
        XCTAssertEqual(d.destination, "utilities")
        XCTAssertEqual(d.rule, .context(.sameDestination))
    }

    func testWhatIsSaidAboutThatPersonIsNotANewErrand() {
        // 上学 and 退休 would be another's words; said of the person, the errand stays.
        XCTAssertEqual(talk(["我来办护照", "那我儿子的呢，他在外地上学"])[1].destination, "exit-entry")
        XCTAssertEqual(talk(["我来交医保", "那我妈的呢，她早就退休了"])[1].destination, "medical-insurance")
        // A new errand in its own clause is still asked.
        XCTAssertEqual(talk(["我来交医保", "那我妈的呢，还有厕所在哪"])[1].destination, "restroom")
    }
}

extension Round17MechanismTests {
    func testAnExclusionTwoClausesAwayFromTheIntentsKeywordRulesNothingOut() {
        // 社保 rules out police-general (身份证 as a document to bring) nearby, not far off in the story.
        XCTAssertEqual(matcher.match("社保卡要带身份证吗").destination, "social-insurance")
        XCTAssertEqual(matcher.match("办医保，要带身份证吗").destination, "medical-insurance")
        let far = matcher.match("社保卡我带着呢，孩子也跟我来了，给孩子上个户口")
        XCTAssertTrue(far.candidates.contains("police-general") || far.destination == "police-general", "\(far)")
    }
}

extension Round17FollowUpTests {
    func testAnEnglishDescriptionPicksTheOffer() {
        let turns = talk(["I need help with insurance", "the one for doctor bills"])
        XCTAssertEqual(turns[0].outcome, .clarify)
        XCTAssertEqual(turns[1].destination, "medical-insurance")
    }
}
