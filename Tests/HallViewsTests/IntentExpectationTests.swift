import HallViews
import XCTest
import IntentMatching

final class IntentExpectationTests: XCTestCase {
    func testLabelsParseAndPrintBackAsWritten() throws {
        let cases: [(String, IntentExpectation)] = [
            ("exit-entry", .route(["exit-entry"])),
            ("restroom|info-desk", .route(["restroom", "info-desk"])),
            ("clarify", .clarify([])),
            ("clarify:social-insurance|medical-insurance", .clarify(["social-insurance", "medical-insurance"])),
            ("fallback", .fallback),
            ("window-12", .route(["window-12"])),
        ]
        for (label, expected) in cases {
            XCTAssertEqual(IntentExpectation(label: label), expected, label)
            XCTAssertEqual(IntentExpectation(label: label)?.description, label)
        }
        // Spaces and a Windows line end around the label are not part of it.
        XCTAssertEqual(IntentExpectation(label: " tax\r"), .route(["tax"]))
    }

    func testMalformedLabelsAreRefused() {
        for label in ["", "clarify:", "a||b", "|a", "exit entry", "clarify:a|", "route:tax", "   "] {
            XCTAssertNil(IntentExpectation(label: label), label)
        }
    }

    func testRouteAcceptsOnlyARouteToANamedDestination() {
        let e = IntentExpectation.route(["restroom", "info-desk"])
        XCTAssertTrue(e.accepts(outcome: .route, destination: "restroom", candidates: []))
        XCTAssertTrue(e.accepts(outcome: .route, destination: "info-desk", candidates: []))
        XCTAssertFalse(e.accepts(outcome: .route, destination: "tax", candidates: []))
        XCTAssertFalse(e.accepts(outcome: .clarify, destination: nil, candidates: ["restroom", "info-desk"]))
        XCTAssertFalse(e.accepts(outcome: .fallback, destination: nil, candidates: []))
    }

    func testClarifyNeedsTheNamedCandidatesAmongThoseOffered() {
        let named = IntentExpectation.clarify(["tax", "utilities"])
        XCTAssertTrue(named.accepts(outcome: .clarify, destination: nil, candidates: ["utilities", "social-insurance", "tax"]))
        XCTAssertFalse(named.accepts(outcome: .clarify, destination: nil, candidates: ["tax", "social-insurance"]))
        // A route to one of them is only "acceptable" to score-answers; a staff test wants the question.
        XCTAssertFalse(named.accepts(outcome: .route, destination: "tax", candidates: []))
        XCTAssertTrue(IntentExpectation.clarify([]).accepts(outcome: .clarify, destination: nil, candidates: ["a", "b"]))
        XCTAssertFalse(IntentExpectation.clarify([]).accepts(outcome: .fallback, destination: nil, candidates: []))
    }

    func testFallbackIsNotSatisfiedByARouteToTheDesk() {
        XCTAssertTrue(IntentExpectation.fallback.accepts(outcome: .fallback, destination: nil, candidates: []))
        XCTAssertFalse(IntentExpectation.fallback.accepts(outcome: .route, destination: "info-desk", candidates: []))
    }

    func testAnswersAreLabelledInTheSameLanguage() {
        XCTAssertEqual(IntentExpectation.label(outcome: .route, destination: "tax", candidates: []), "tax")
        XCTAssertEqual(IntentExpectation.label(outcome: .clarify, destination: nil, candidates: ["a", "b"]), "clarify:a|b")
        XCTAssertEqual(IntentExpectation.label(outcome: .fallback, destination: nil, candidates: []), "fallback")
    }

    func testDestinationsAreTheIdsNamed() {
        XCTAssertEqual(IntentExpectation(label: "clarify:a|b")?.destinations, ["a", "b"])
        XCTAssertEqual(IntentExpectation.fallback.destinations, [])
    }
}
