import Foundation
import HallAnswers
import HallModel
import IntentMatching
import XCTest

/// "最近的出口在哪": a question back between facilities the visitor already settled by
/// asking for the nearest; the map decides, from the device's place.
final class NearestOfferTests: XCTestCase {
    static let hall = Result { try Hall.builtIn() }
    var hall: Hall { try! Self.hall.get() }

    func ask(_ query: String, from: String) throws -> Answer {
        var scratch = MatchScratch()
        let monday = HallTimeZone.shanghai.parse("2026-12-07 10:00")!
        return try hall.answer(query, from: from, live: LiveConditions(now: monday), scratch: &scratch)
    }

    func testTheNearestExitIsTheDoorNearestToTheDevice() throws {
        for (station, door) in [("robot-north", "north-door"), ("robot-south", "south-door")] {
            for question in ["最近的出口在哪", "where is the nearest exit", "離我最近的出口"] {
                let answer = try ask(question, from: station)
                XCTAssertEqual(answer.outcome, .route, "\(question) from \(station)")
                XCTAssertEqual(answer.destination, door, "\(question) from \(station)")
                XCTAssertEqual(answer.liveRules.map(\.code), ["nearest-offer"], "\(question) from \(station)")
            }
        }
    }

    func testWithoutAskingForTheNearestTheVisitorIsAsked() throws {
        let answer = try ask("出口在哪", from: "robot-north")
        XCTAssertEqual(answer.outcome, .clarify)
        XCTAssertEqual(Set(answer.candidates), ["north-door", "south-door"])
        // 最近 meaning "lately" asks for nothing near.
        XCTAssertEqual(try ask("最近总忘事，出口在哪", from: "robot-north").outcome, .clarify)
    }

    func testServicesAreNeverChosenByDistance() throws {
        let answer = try ask("最近的补办在哪", from: "robot-north")
        XCTAssertEqual(answer.outcome, .clarify, "the nearest window is not the visitor's errand")
        XCTAssertTrue(answer.liveRules.allSatisfy { $0.code != "nearest-offer" })
    }
}
