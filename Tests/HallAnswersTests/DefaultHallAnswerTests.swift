import Foundation
import HallAnswers
import HallModel
import XCTest
import IntentMatching
import Wayfinding

/// The issue's own questions, answered by the built-in hall end to end.
final class DefaultHallAnswerTests: XCTestCase {
    static let hall = Result { try Hall.builtIn() }

    func hall() throws -> Hall { try Self.hall.get() }

    func testIssueQuestions() throws {
        let hall = try hall()
        let cases: [(String, MatchOutcomeExpectation)] = [
            ("请问办护照在哪里", .route("exit-entry")),
            ("假照到期了怎么换", .route("vehicle-admin")),
            ("護照在哪裡辦理", .route("exit-entry")),
            ("三十号窗口怎么走", .route("window-30")),
            ("where is the toilet", .route("restroom")),
            ("交保险", .clarify(["social-insurance", "medical-insurance"])),
            ("今天天气怎么样", .fallback),
        ]
        for (query, expected) in cases {
            let answer = try hall.answer(query, from: "robot-north")
            switch expected {
            case .route(let destination):
                XCTAssertEqual(answer.outcome, .route, query)
                XCTAssertEqual(answer.destination, destination, query)
                XCTAssertNotNil(answer.route, query)
                XCTAssertEqual(answer.route?.nodes.first, "north-inside", query)
            case .clarify(let offered):
                XCTAssertEqual(answer.outcome, .clarify, query)
                XCTAssertTrue(Set(offered).isSubset(of: answer.candidates), "\(query): \(answer.candidates)")
                XCTAssertNil(answer.route)
            case .fallback:
                XCTAssertEqual(answer.outcome, .fallback, query)
                XCTAssertNil(answer.destination)
                XCTAssertTrue(answer.answer.contains("咨询导服台"), answer.answer)
            }
        }
    }

    func testHomophoneRepairIsReported() throws {
        XCTAssertTrue(try hall().answer("假照到期了怎么换").homophoneRepair)
        XCTAssertFalse(try hall().answer("驾照到期了怎么换").homophoneRepair)
    }

    func testNearestRestroomDependsOnWhereTheVisitorAsks() throws {
        let hall = try hall()
        let fromWest = try XCTUnwrap(hall.answer("厕所在哪", from: "screen-west").route)
        let fromEast = try XCTUnwrap(hall.answer("厕所在哪", from: "screen-east").route)
        XCTAssertLessThan(hall.map.nodes[hall.map.nodeIndex[fromWest.nodes.last!]!].at.x, 49)
        XCTAssertGreaterThan(hall.map.nodes[hall.map.nodeIndex[fromEast.nodes.last!]!].at.x, 49)
    }

    func testZoneRouteEndsAtItsNearestWindowAndSaysWhichSide() throws {
        let route = try XCTUnwrap(hall().answer("护照在哪办", from: "robot-north").route)
        XCTAssertEqual(route.window.map { (1...4).contains($0) }, true)
        XCTAssertEqual(route.steps.last?.kind, .arrive)
        XCTAssertTrue(route.steps.last!.text.contains("手边") || route.steps.last!.text.contains("前方"), route.steps.last!.text)
        XCTAssertGreaterThan(route.seconds, 0)
    }

    func testEnglishQuestionGetsAnEnglishAnswer() throws {
        let answer = try hall().answer("where is the toilet", from: "robot-south")
        XCTAssertEqual(answer.language, .en)
        XCTAssertTrue(answer.answer.contains("Head north"), answer.answer)
    }

    func testUnknownWindowFallsBackAndSaysWhy() throws {
        let answer = try hall().answer("99号窗口")
        XCTAssertEqual(answer.outcome, .fallback)
        XCTAssertTrue(answer.answer.contains("没有99号窗口"), answer.answer)
    }

    func testUnknownStartIsAnError() throws {
        XCTAssertThrowsError(try hall().answer("护照", from: "the-moon"))
    }

    func testJSONHasTheContractFieldsWithExplicitNulls() throws {
        let encoder = JSONEncoder()
        let clarify = try JSONSerialization.jsonObject(with: encoder.encode(hall().answer("保险"))) as! [String: Any]
        for key in ["query", "outcome", "destination", "candidates", "answer", "route"] {
            XCTAssertTrue(clarify.keys.contains(key), key)
        }
        XCTAssertTrue(clarify["destination"] is NSNull)
        XCTAssertTrue(clarify["route"] is NSNull)
        let routed = try JSONSerialization.jsonObject(with: encoder.encode(hall().answer("护照"))) as! [String: Any]
        let route = try XCTUnwrap(routed["route"] as? [String: Any])
        XCTAssertNotNil(route["nodes"] as? [String])
        XCTAssertNotNil(route["metres"] as? Double)
        XCTAssertNotNil(route["seconds"] as? Int)
        XCTAssertFalse((route["steps"] as? [[String: Any]] ?? []).isEmpty)
    }
}

enum MatchOutcomeExpectation {
    case route(String)
    case clarify([String])
    case fallback
}

final class RedactionTests: XCTestCase {
    func testIDCardAndPhoneNumbersAreRedacted() {
        XCTAssertEqual(Redaction.redact("我的身份证号是220102199001011234，社保怎么查"), "我的身份证号是[身份证号]，社保怎么查")
        XCTAssertEqual(Redaction.redact("身份证 22010219900101123X 丢了"), "身份证 [身份证号] 丢了")
        XCTAssertEqual(Redaction.redact("电话13812345678"), "电话[手机号]")
        XCTAssertEqual(Redaction.redact("电话 138-1234-5678 回拨"), "电话 [手机号] 回拨")
        XCTAssertEqual(Redaction.redact("１３８１２３４５６７８"), "[手机号]")
        // Window numbers, years and short numbers stay.
        XCTAssertEqual(Redaction.redact("30号窗口，2026年，8号"), "30号窗口，2026年，8号")
        XCTAssertEqual(Redaction.redact("12345678901"), "12345678901", "not a mobile prefix")
    }

    func testAnswersNeverEchoTheNumbers() throws {
        let answer = try Hall.builtIn().answer("我的手机号13812345678，社保在哪办")
        XCTAssertFalse(answer.query.contains("13812345678"))
        XCTAssertEqual(answer.destination, "social-insurance")
    }
}
