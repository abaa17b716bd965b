import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the twenty-fourth held-out round, with sentences of our own.
final class Round24MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testTwoWindowsNamedAsAlternativesAreBothOffered() {
        for question in ["广播里说的是十二还是二十一号窗口？", "12号还是21号窗口", "我该去window 12 or 21"] {
            let decision = matcher.match(question)
            XCTAssertEqual(decision.outcome, .clarify, question)
            XCTAssertEqual(decision.candidates, ["window-12", "window-21"], question)
            XCTAssertEqual(decision.rule, .windowAlternatives(12, 21), question)
        }
        // The reply picks one of them.
        XCTAssertEqual(talk(["十二还是二十一号窗口，我没听清", "后面那个"])[1].destination, "window-21")
    }

    func testTwoWindowsThatAreNotAlternativesAreNot() {
        // Two errands (和), a correction, and numbers that are no window at all.
        XCTAssertNotEqual(matcher.match("5号和6号窗口都要去").outcome, .clarify)
        XCTAssertEqual(matcher.match("12号窗口，不对，21号窗口").destination, "window-21")
        XCTAssertNil(WindowAlternatives.find(in: Array("排了12还是21分钟".unicodeScalars.map(\.value))))
        // A window the hall does not have is not offered.
        XCTAssertNotEqual(matcher.match("12号还是99号窗口").candidates, ["window-12", "window-99"])
    }

    func testAskingWhereTheMachineIsIsAskingForTheMachine() {
        XCTAssertEqual(matcher.match("自助机在哪，我想打个社保参保证明").destination, "self-service")
        XCTAssertEqual(matcher.match("交税的机器在哪").destination, "self-service")
        // The errand alone still goes to its windows.
        XCTAssertEqual(matcher.match("社保参保证明在哪开").destination, "social-insurance")
    }

    func testTaiwanWordsAndAnUnheardFirstSyllable() {
        XCTAssertEqual(matcher.match("請問全民健保的業務在哪").destination, "medical-insurance")
        XCTAssertEqual(matcher.match("木婴室在哪里").destination, "mother-baby")
    }

    func testATaxNamedInEnglishIsTheTaxNotTheHouse() {
        XCTAssertEqual(matcher.match("where do I pay the stamp duty for my flat").destination, "tax")
        XCTAssertEqual(matcher.match("卖房子的 property tax 去哪交").destination, "tax")
    }

    func testALicenceSaidReadyIsCollectedNotApplied() {
        XCTAssertEqual(matcher.match("营业执照做好了，我来取").destination, "certificate-issuance")
    }

    func testAnExclusionOverlappingTheIntentsOwnWordRulesOutThatWord() {
        // 工作人员 (the staff) overlaps 找个工作 (find a job): the staff are asked for.
        XCTAssertEqual(matcher.match("帮我找个工作人员问问").destination, "info-desk")
        XCTAssertEqual(matcher.match("我想找个工作").destination, "employment")
    }
}
