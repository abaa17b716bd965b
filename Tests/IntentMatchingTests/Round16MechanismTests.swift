import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the sixteenth held-out round, with sentences of our own.
final class Round16MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testWhatIsAskedAfterATaskDoneDefersToTheWholeQuestionWhenItOnlyAsksBack() {
        // 换证 alone asks back; the driving licence named before decides it.
        XCTAssertEqual(matcher.match("驾照快到期了，照片也拍好了，换证在哪").destination, "vehicle-admin")
        // A routed question after the task done still wins.
        XCTAssertEqual(matcher.match("驾照换完了，现在去交社保").destination, "social-insurance")
    }

    func testAClauseAfterADoneWordWithItsLe() {
        XCTAssertEqual(matcher.match("社保那边办完了，还要去交税").destination, "tax")
    }

    func testDoNotTellMeAboutIsANegation() {
        XCTAssertEqual(matcher.match("别跟我说护照，我要问驾照").destination, "vehicle-admin")
    }
}

extension Round16MechanismTests {
    func testTheNextTaskMayFollowAVerbWithWanAtOnce() {
        // 领完还想…: the first task is the one done first, not what the 完 clause leads to.
        let d = matcher.match("我来交契税，交完还想问问公积金")
        XCTAssertEqual(d.destination, "tax")
        XCTAssertEqual(d.next?.destination, "self-service")
    }
}
