import HallModel
@testable import IntentMatching
import XCTest

/// The similarity stage over labelled examples: it generalises to questions no keyword
/// covers, never overrides a keyword and never routes what looks out of scope.
final class ExampleStageTests: XCTestCase {
    let intents = """
        intents:
          - id: vehicle
            destination: vehicle
            keywords: {zh: [驾照, 车管]}
            examples:
              zh: [我想把车转到我弟名下, 车子要转给家里人怎么弄]
            answer: {zh: 车管。, en: Vehicles.}
          - id: housing
            destination: housing
            keywords: {zh: [房屋交易]}
            examples:
              zh: [房子要转到孩子名下]
            answer: {zh: 房屋。, en: Housing.}
        """
    let tables = """
        out_of_scope: {zh: [天气]}
        out_of_scope_examples:
          zh: [车子坏了去哪修]
        """

    func matcher() throws -> IntentMatcher {
        let set = try IntentsLoader.load(files: [("t/intents.yaml", intents), ("t/normalization.yaml", tables)])
        return try IntentMatcher(intents: set, knownDestinations: nil, windows: [])
    }

    func testAQuestionCloseToAnExampleRoutesLikeIt() throws {
        let d = try matcher().match("我的车想转到我弟弟名下")
        XCTAssertEqual(d.outcome, .route)
        XCTAssertEqual(d.destination, "vehicle")
        guard case .similarExample = d.rule else { return XCTFail("\(d.rule)") }
    }

    func testAKeywordBeatsAnExample() throws {
        // Close to a vehicle example, but it names a housing keyword: the keyword decides.
        let d = try matcher().match("房屋交易，车子要转给家里人")
        XCTAssertEqual(d.destination, "housing")
        XCTAssertEqual(d.rule, .clearWinner)
    }

    func testAnExampleNeverRoutesWhatLooksOutOfScope() throws {
        let m = try matcher()
        // An out-of-scope word in the question: no example stage.
        XCTAssertEqual(m.match("天气好，车子要转给家里人").outcome, .fallback)
        // Nearest to an out-of-scope example: the desk.
        let repair = m.match("车子坏了去哪里修")
        XCTAssertEqual(repair.outcome, .fallback)
        guard case .similarOutOfScope = repair.rule else { return XCTFail("\(repair.rule)") }
    }

    func testFarFromEveryExampleFallsBack() throws {
        XCTAssertEqual(try matcher().match("今天人多吗").outcome, .fallback)
    }

    func testDefaultHallExamplesLoad() throws {
        let set = try IntentsLoader.load(files: DefaultHall.intentFiles)
        XCTAssertFalse(set.intents.flatMap(\.examples).isEmpty, "the default hall ships labelled examples")
    }
}
