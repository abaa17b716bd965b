import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the nineteenth held-out round, with sentences of our own.
final class Round19MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testTheWindowNamedAfterACorrectionOrAsTheOneBesideIsMeant() {
        XCTAssertEqual(matcher.match("先去3号窗口，不对，13号窗口在哪").destination, "window-13")
        XCTAssertEqual(matcher.match("8号窗口隔壁的9号窗口怎么走").destination, "window-9")
        // One window alone, or two without such a word, as before.
        XCTAssertEqual(matcher.match("5号窗口在哪").destination, "window-5")
    }

    func testStaffWhoSentTheVisitorOnAreNotTheDesk() {
        XCTAssertEqual(matcher.match("7号窗口的工作人员说让我去交税").destination, "tax")
        XCTAssertEqual(matcher.match("找工作人员").destination, "info-desk")
    }

    func testShunBianJoinsTwoTasks() {
        let d = matcher.match("给孩子上户口，顺便把医保也办了")
        XCTAssertEqual(d.outcome, .clarify)
        XCTAssertEqual(Set(d.candidates), ["police-general", "medical-insurance"])
    }

    func testRanHouBaIsASequence() {
        let d = matcher.match("先交契税，然后把房子过户")
        XCTAssertEqual(d.destination, "tax")
        let e = matcher.match("我要做个公证，然后把公证书寄到家里")
        XCTAssertEqual(e.destination, "notary")
        XCTAssertEqual(e.next?.destination, "certificate-issuance")
    }

    func testALicenceApprovedAndCollectedIsCertificateIssuance() {
        XCTAssertEqual(matcher.match("审批通过了，营业执照去哪领").destination, "certificate-issuance")
        XCTAssertEqual(matcher.match("我的营业执照审核通过了，想现场领").destination, "certificate-issuance")
        XCTAssertEqual(matcher.match("营业执照怎么办").destination, "business-setup")
    }
}
