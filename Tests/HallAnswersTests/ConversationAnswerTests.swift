import Foundation
import HallAnswers
import HallModel
import IntentMatching
import XCTest

/// The wording of the answers issue 10 and 11 changed, and the conversation's answers
/// being live answers.
final class ConversationAnswerTests: XCTestCase {
    static let hall = Result { try Hall.builtIn() }
    func hall() throws -> Hall { try Self.hall.get() }
    /// Wednesday 2 December 2026, 10:00 in Changchun; and 12:30, the lunch break.
    let open = LiveConditions(now: Date(timeIntervalSince1970: 1_796_176_800))
    let lunch = LiveConditions(now: Date(timeIntervalSince1970: 1_796_176_800 + 9_000))

    func testNoIntentAnswerPromisesThatTheRobotWillLead() throws {
        // Only the robot knows whether it is free: halld adds the lead sentence itself.
        for intent in try hall().intents.intents {
            for text in [intent.answer.zh, intent.answer.en] {
                XCTAssertFalse(text.contains("带您") || text.lowercased().contains("take you"), "\(intent.id): \(text)")
            }
        }
    }

    func testAThankYouIsThankedBackWithItsOwnPromptAndNoLead() throws {
        var scratch = MatchScratch()
        // After hours too: no word on the desk's hours, no apology.
        let evening = LiveConditions(now: Date(timeIntervalSince1970: 1_796_176_800 + 9 * 3_600))
        for live in [open, evening] {
            let thanks = try hall().answer("好嘞，谢谢啊", live: live, scratch: &scratch)
            XCTAssertEqual(thanks.outcome, .fallback)
            XCTAssertEqual(thanks.answer, "不客气，祝您办事顺利！还有问题随时问我。")
            XCTAssertEqual(thanks.prompt, "closing")
            XCTAssertFalse(thanks.lead)
        }
        let english = try hall().answer("thank you, bye", live: open, scratch: &scratch)
        XCTAssertEqual(english.answer, "You're welcome. Ask me any time you need help.")
        // Anything else unanswerable still goes to the desk.
        XCTAssertEqual(try hall().answer("今天天气怎么样", live: open, scratch: &scratch).prompt, "fallback")
    }

    func testTheClarifyBetweenPlacesAsksWhereToGo() throws {
        var scratch = MatchScratch()
        let doors = try hall().answer("出口在哪", live: open, scratch: &scratch)
        XCTAssertEqual(doors.outcome, .clarify)
        XCTAssertEqual(doors.answer, "请问您要去的是北门还是南门？")
        let insurance = try hall().answer("交保险", live: open, scratch: &scratch)
        XCTAssertTrue(insurance.answer.hasPrefix("请问您要办理的是"), insurance.answer)
        let english = try hall().answer("where is the exit", live: open, scratch: &scratch)
        XCTAssertTrue(english.answer.hasPrefix("Where would you like to go:"), english.answer)
    }

    func testFirstThisThenThatSaysWhatComesNext() throws {
        var scratch = MatchScratch()
        let answer = try hall().answer("先办护照，然后去交社保", live: open, scratch: &scratch)
        XCTAssertEqual(answer.destination, "exit-entry")
        XCTAssertEqual(answer.next, "social-insurance")
        XCTAssertTrue(answer.answer.hasSuffix("办完以后，下一步：社保业务在西厅15至18号窗口。"), answer.answer)
    }

    func testAContextDecidedAnswerIsStillALiveAnswer() throws {
        var context = VisitorContext()
        var scratch = MatchScratch()
        _ = try hall().answer("交保险", in: &context, from: "robot-north", live: lunch, scratch: &scratch)
        let picked = try hall().answer("医保", in: &context, from: "robot-north", live: lunch, scratch: &scratch)
        XCTAssertEqual(picked.destination, "medical-insurance")
        XCTAssertEqual(picked.contextRule, "picked-by-name")
        XCTAssertEqual(picked.contextOffer.sorted(), ["medical-insurance", "social-insurance"])
        XCTAssertFalse(picked.open, "the windows are closed at lunch")
        XCTAssertFalse(picked.lead)
        XCTAssertEqual(picked.liveRules.map(\.code).first, "lunch-break")
    }
}

extension ConversationAnswerTests {
    func testTheOneAtTheWindowPicksTheOfferServedAtAWindow() throws {
        var context = VisitorContext()
        var scratch = MatchScratch()
        let asked = try hall().answer("领证在哪", in: &context, from: "robot-north", live: open, scratch: &scratch)
        XCTAssertEqual(Set(asked.candidates), ["pickup-lockers", "certificate-issuance"])
        let picked = try hall().answer("要窗口那个", in: &context, from: "robot-north", live: open, scratch: &scratch)
        XCTAssertEqual(picked.destination, "certificate-issuance")
        XCTAssertEqual(picked.contextRule, "picked-by-description")
    }
}
