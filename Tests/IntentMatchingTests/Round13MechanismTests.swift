import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the thirteenth held-out round, with sentences of our own.
final class Round13MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testCompletedInsideAVerbAndItsObjectIsTheTaskSaidDone() {
        // 交完税 is 交税 with 完 inside; 完…再 makes it the first of two tasks.
        let d = matcher.match("交完税再去办社保")
        XCTAssertEqual(d.destination, "tax")
        XCTAssertEqual(d.next?.destination, "social-insurance")
        // A keyword that does not begin with a verb takes no 完.
        XCTAssertEqual(matcher.match("社完保在哪").outcome, .fallback)
    }

    func testAnyTaskVerbWithADoneEndingPutsTheTaskBehindTheVisitor() {
        for q in ["护照已经换完了，现在要去交社保", "护照补好了，接下来去交社保", "护照领过了，现在去交社保"] {
            XCTAssertEqual(matcher.match(q).destination, "social-insurance", q)
        }
        // Without a word for "now", nothing is said done.
        XCTAssertEqual(matcher.match("护照补好了").destination, "exit-entry")
    }

    func testAWindowWordMistypedStillNamesTheWindow() {
        XCTAssertEqual(matcher.match("wndow 23").destination, "window-23")
        XCTAssertEqual(matcher.match("where is windw 7").destination, "window-7")
    }

    func testOneWindowWithoutAnOrdinalIsAWindowNotWindowOne() {
        XCTAssertEqual(matcher.match("最后一个窗口，47号在哪").destination, "window-47")
        XCTAssertEqual(matcher.match("第一个窗口在哪").destination, "window-1")
        XCTAssertNotEqual(matcher.match("随便找一个窗口问问").destination, "window-1")
    }

    func testAskingHowFarFollowsUpTheLastAnswer() {
        for reply in ["远不", "贼远不", "近吗"] {
            let turns = talk(["驾照到期了去哪换", reply])
            XCTAssertEqual(turns[1].destination, "vehicle-admin", reply)
            XCTAssertEqual(turns[1].rule, .context(.sameDestination), reply)
        }
    }

    func testAPhoneBillIsNotTheUtilities() {
        XCTAssertEqual(matcher.match("话费在哪交").outcome, .fallback)
        XCTAssertEqual(matcher.match("电费在哪交").destination, "utilities")
    }
}
