import HallModel
@testable import IntentMatching
import XCTest

/// The mechanisms added after the twenty-second held-out round, with sentences of our own.
final class Round22MechanismTests: XCTestCase, UsesBuiltInMatcher {
    func testAHomophoneNeverHearsOverAnOutOfScopeWordSaidExactly() {
        // 快递到加… is no 快递到家 (certificate issuance mails licences home).
        XCTAssertEqual(matcher.match("想寄个快递到加拿大").outcome, .fallback)
        XCTAssertEqual(matcher.match("执照能寄回家吗").destination, "certificate-issuance")
    }

    func testYiHouZaiIsASequence() {
        let d = matcher.match("先不说别的，户口迁过来以后再去把燃气过户")
        XCTAssertEqual(d.destination, "police-general")
        XCTAssertEqual(d.next?.destination, "utilities")
    }

    func testAWindowQueuedAtByMistakeIsNotTheDestination() {
        XCTAssertEqual(matcher.match("在七号窗口排错了，我是来交医保的").destination, "medical-insurance")
    }

    func testLiuHeardForSixInAWindowNumber() {
        XCTAssertEqual(matcher.match("二十柳号窗口").destination, "window-26")
    }
}

extension Round22MechanismTests {
    func testAKeywordBeatsWordsThatOnlyMightMeanSomethingElse() {
        // "documents" fits the lockers and certificate issuance; the notary was named.
        XCTAssertEqual(matcher.match("I need a notary for my documents").destination, "notary")
        // Joined as two matters, both are still asked about.
        XCTAssertEqual(matcher.match("交税和交保险").outcome, .clarify)
    }
}

extension Round22MechanismTests {
    func testOneCharacterInThreeWillDoForAHomophoneThatHearsOverNoExactWord() {
        XCTAssertEqual(matcher.match("工基金怎么提取").destination, "self-service")
        // 是公证 is no 施工证: the homophone would hear over 公证 said exactly.
        XCTAssertEqual(matcher.match("不是，就是公证").destination, "notary")
    }
}
