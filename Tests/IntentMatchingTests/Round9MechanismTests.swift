import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the ninth held-out round, each with sentences of our own.
final class Round9MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testPinyinInitialsNameTheKeywordOfOneDestination() {
        XCTAssertEqual(matcher.match("sfz丢了在哪补").destination, "police-general")
        XCTAssertEqual(matcher.match("hz在哪办").destination, "exit-entry")
        XCTAssertEqual(matcher.match("gjj").language, .zh, "initials are Chinese")
        // A word with a vowel is never initials, and English words without one are listed.
        XCTAssertEqual(matcher.match("my").outcome, .fallback)
        XCTAssertEqual(matcher.match("hmm").outcome, .fallback)
        // Letters that no keyword's initials spell, or more than five, name nothing.
        XCTAssertEqual(matcher.match("qxzw在哪").outcome, .fallback)
        XCTAssertEqual(matcher.match("sfzsfz").outcome, .fallback)
    }

    func testAnExactHitBeatsInitials() {
        // Initials count as a homophone does: an exact word beside them decides.
        XCTAssertEqual(matcher.match("护照 sfz").destination, "exit-entry")
    }

    func testATaskGivenUpMayHaveAFewWordsBeforeItsCue() {
        XCTAssertEqual(matcher.match("护照我这次不办了，就想问身份证在哪补").destination, "police-general")
        XCTAssertEqual(matcher.match("驾照的事不问了，我想交个税").destination, "tax")
        // Never across a clause break, or past another word that means something.
        let beyondABreak = matcher.match("护照，身份证我不办了，我要交税")
        XCTAssertEqual(Set(beyondABreak.candidates), ["exit-entry", "tax"])
        XCTAssertEqual(Set(matcher.match("护照，我今天不办了，我要交税").candidates), ["exit-entry", "tax"])
        // Alone, the question is still about it.
        XCTAssertEqual(matcher.match("驾照的事我不问了怎么办").destination, "vehicle-admin")
    }

    func testAMatterSaidNotToBeTheVisitorsIsNegatedWhenAnotherIsAsked() {
        XCTAssertEqual(matcher.match("公积金不是我办，我是来交税的").destination, "tax")
    }

    func testChuleSetsItsWordAsideForWhatIsAsked() {
        XCTAssertEqual(matcher.match("除了护照，我还得补身份证，在哪补").destination, "police-general")
    }

    func testHouBeforeAVerbEndsTheFirstTask() {
        let d = matcher.match("先交税后办营业执照")
        XCTAssertEqual(d.destination, "tax")
        XCTAssertEqual(d.next?.destination, "business-setup")
        // 后 of 后面, 后门 is a place, not a sequence.
        let d2 = matcher.match("先办护照后面再说")
        XCTAssertEqual(d2.destination, "exit-entry")
        XCTAssertNil(d2.next)
    }

    func testAThreeCharacterKeywordThatBeginsWithAVerbTakesAMeasureWord() {
        XCTAssertEqual(matcher.match("我想开个网店").destination, "business-setup")
        XCTAssertEqual(matcher.match("办个护照").destination, "exit-entry")
    }

    func testCommercialInsuranceOfEveryKindIsOutOfScope() {
        for question in ["买个重疾险", "商业医保在哪买", "我要买意外险"] {
            XCTAssertEqual(matcher.match(question).outcome, .fallback, question)
        }
        XCTAssertEqual(matcher.match("医保在哪交").destination, "medical-insurance")
    }

    func testRejectingTheOffersAndAskingSomethingClearRoutesIt() {
        let turns = talk(["我要交保险", "都不是，我是来找厕所的"])
        XCTAssertEqual(turns[1].destination, "restroom")
        XCTAssertEqual(talk(["where do I pay insurance", "neither, I need the passport office"])[1].destination, "exit-entry")
        // A bare rejection still ends at the desk.
        XCTAssertEqual(talk(["我要交保险", "不是那些"])[1].outcome, .fallback)
    }

    func testAnHoursQuestionFollowsUpTheAnswer() {
        // 周末 alone is a weak word of the desk's: the answer just given is surer.
        for reply in ["中午办不办", "周末开不开", "is it open on saturday"] {
            let turns = talk(["公积金在哪办", reply])
            XCTAssertEqual(turns[1].rule, .context(.sameDestination), reply)
        }
    }
}
