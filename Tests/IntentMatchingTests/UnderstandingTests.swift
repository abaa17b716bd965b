import HallModel
@testable import IntentMatching
import XCTest

/// The default hall's matcher on questions as visitors really say them (issue 11): tasks,
/// dialect, several tasks, speech-recognition slips in window numbers, out-of-scope
/// services that share words with real ones.
final class UnderstandingTests: XCTestCase {
    static let matcher: IntentMatcher = {
        let set = try! IntentsLoader.load(files: DefaultHall.intentFiles)
        return try! IntentMatcher(intents: set, knownDestinations: nil, windows: Set(1...48))
    }()
    var matcher: IntentMatcher { Self.matcher }

    /// One visitor's turns, each decided in the context the ones before left.
    static func talk(_ turns: [String]) -> [MatchDecision] {
        var context = VisitorContext()
        var scratch = MatchScratch()
        return turns.map { turn in
            let d = context.resolve(turn, matcher: matcher, scratch: &scratch)
            context.remember(d)
            return d
        }
    }

    func said(_ q: String) -> String {
        let d = matcher.match(q)
        return d.outcome == .route ? d.destination! : "\(d.outcome.rawValue)\(d.candidates.isEmpty ? "" : ":" + d.candidates.joined(separator: "|"))"
    }

    func testTaskPhrasesRouteWhatVisitorsAreDoing() {
        XCTAssertEqual(said("给新车上牌"), "vehicle-admin")
        XCTAssertEqual(said("把车卖给我弟"), "vehicle-admin")
        XCTAssertEqual(said("生孩子那个津贴在哪领"), "medical-insurance")
        XCTAssertEqual(said("办个居住的证"), "police-general")
        XCTAssertEqual(said("房子要出租备案"), "housing-trade")
        XCTAssertEqual(said("执照下来了去哪拿"), "certificate-issuance")
    }

    func testColloquialTableRewritesDialectBeforeMatching() {
        XCTAssertEqual(matcher.normalize("茅楼在哪疙瘩"), "厕所在哪里")
        XCTAssertEqual(said("茅楼在哪疙瘩"), "restroom")
        XCTAssertEqual(said("身份证丢了咋整"), "police-general")
        // Not rewritten inside a word it does not stand for: 金额 keeps its 额.
        XCTAssertEqual(matcher.normalize("缴费金额"), "缴费金额")
    }

    func testWindowNumberSlipsAreRepairedInsideWindowReferencesOnly() {
        XCTAssertEqual(matcher.normalize("失二号窗口"), "12号窗口")
        XCTAssertEqual(said("四是一号窗口在哪"), "window-41")
        XCTAssertEqual(said("石八号窗口"), "window-18")
        XCTAssertEqual(said("窗口三十三"), "window-33")
        // "是一号窗口": 是 before a numeral is the verb, not a slip for 十.
        XCTAssertEqual(said("是一号窗口吗"), "window-1")
        // Outside a window reference nothing is touched.
        XCTAssertEqual(matcher.normalize("失业四是一家人"), "失业四是一家人")
    }

    func testAnOrdinalAloneIsNeverAWindowNumber() {
        XCTAssertEqual(said("第二个"), "fallback")
        XCTAssertEqual(said("第二个吧"), "fallback")
        XCTAssertEqual(said("第二个窗口"), "window-2")
        XCTAssertEqual(said("第十二号窗口"), "window-12")
    }

    func testFirstThisThenThatRoutesToTheFirstAndKnowsTheNext() {
        let d = matcher.match("先办护照，然后去交社保")
        XCTAssertEqual(d.destination, "exit-entry")
        XCTAssertEqual(d.next?.destination, "social-insurance")
        let later = matcher.match("等会儿再去医保，先带我去母婴室")
        XCTAssertEqual(later.destination, "mother-baby")
        XCTAssertEqual(later.next?.destination, "medical-insurance")
        // 先生 (Mr.) is no sequence.
        XCTAssertNil(matcher.match("我先生的社保卡丢了").next)
    }

    func testTwoTasksWantedAreBothOffered() {
        let d = matcher.match("户口和社保都想办")
        XCTAssertEqual(d.outcome, .clarify)
        XCTAssertEqual(d.rule, .severalTasks)
        XCTAssertEqual(Set(d.candidates), ["police-general", "social-insurance"])
        // One task with a document it needs is not two tasks.
        XCTAssertEqual(said("办社保卡要带身份证吗"), "social-insurance")
    }

    func testOutOfScopeThatSharesWordsIsNeverAConfidentRoute() {
        for q in ["办美国签证去哪", "日本簽證在哪辦", "I want a US visa", "我想寄个快递", "行李寄存在哪", "复印身份证在哪复印",
                  "车险在哪买", "想在附近租个房子住", "where can I store my luggage", "rent a flat nearby"] {
            XCTAssertNotEqual(matcher.match(q).outcome, .route, q)
        }
        // The hall's own matters with the same words still route.
        XCTAssertEqual(said("办护照签证"), "exit-entry")
        XCTAssertEqual(said("房屋租赁备案在哪"), "housing-trade")
        XCTAssertEqual(said("快递柜在哪"), "pickup-lockers")
    }

    func testAnExactHitBeatsAHomophone() {
        let exact = matcher.match("驾照")
        XCTAssertEqual(exact.destination, "vehicle-admin")
        XCTAssertFalse(exact.usedHomophones)
        // 社保 said exactly is social insurance, though 设保/涉保 sound the same.
        let social = matcher.match("社保卡")
        XCTAssertFalse(social.usedHomophones)
        // A homophone that explains more than the exact word inside it stands: 食工许可证 is 施工许可证.
        let slip = matcher.match("食工许可证")
        XCTAssertEqual(slip.destination, "construction-approval")
        XCTAssertTrue(slip.usedHomophones)
    }
}
