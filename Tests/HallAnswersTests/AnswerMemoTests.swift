import Foundation
@testable import HallAnswers
import HallModel
import Wayfinding
import XCTest

/// Remembered answers are the answers: the same as when first worded, for every station,
/// both languages and both profiles; bounded by the map.
final class AnswerMemoTests: XCTestCase {
    func testRememberedAnswersEqualFreshOnes() throws {
        let questions = ["护照在哪办", "厕所在哪", "where is the toilet", "三十号窗口怎么走", "社保", "今天天气怎么样",
                         "办理营业执照", "我想办港澳通行证", "wheelchair lift", "医保卡丢了"]
        let warm = try Hall.builtIn()
        for station in warm.map.stations.map(\.id) {
            for profile in [RouteProfile.standard, .accessible] {
                for question in questions {
                    // The first asking words the answer afresh; the second is remembered.
                    let first = try warm.answer(question, from: station, profile: profile)
                    let again = try warm.answer(question, from: station, profile: profile)
                    XCTAssertEqual(again, first, "\(question) from \(station)")
                }
            }
        }
        XCTAssertGreaterThan(warm.memo.count, 0, "routed answers from stations are remembered")
    }

    func testStartsTheMapDoesNotNameAsStationOrPlaceAreNotRemembered() throws {
        let hall = try Hall.builtIn()
        for node in hall.map.nodes.prefix(40) where hall.map.station(node.id) == nil && hall.map.place(node.id) == nil {
            _ = try hall.answer("厕所在哪", from: node.id)
        }
        XCTAssertEqual(hall.memo.count, 0)
    }

    func testTheMemoStopsAtItsCapacity() {
        let memo = AnswerMemo(capacity: 2)
        let route = Answer.Route(from: "a", to: "b", nodes: [], points: [], metres: 0, seconds: 0, accessible: false,
                                 steps: [], summary: "", window: nil)
        for i in 0..<5 {
            memo.remember(.init(route: route, sentence: "\(i)", prompt: ""),
                          for: .init(from: "s\(i)", destination: "d", intent: nil, profile: .standard, language: .zh))
        }
        XCTAssertEqual(memo.count, 2)
        XCTAssertEqual(memo.entry(.init(from: "s0", destination: "d", intent: nil, profile: .standard, language: .zh))?.sentence, "0")
        XCTAssertNil(memo.entry(.init(from: "s4", destination: "d", intent: nil, profile: .standard, language: .zh)))
    }
}
