import DeviceLinks
import DeviceProtocol
import HallAnswers
import HallDaemon
import Logging
import Synchronization
import XCTest

/// What follows an answer (audio, the query log) hears of every question: answered ones
/// with their answer and time, and ones the hall could not answer with the reason.
final class AnswerHookTests: XCTestCase {
    func testEveryQuestionReachesTheHookAnsweredOrNot() throws {
        let heard = Mutex<[HallService.AnsweredQuestion]>([])
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let robot = DeviceCredentials(id: "robot-1", kind: .robot, station: "robot-north", key: Array("k".utf8))
        // A station the map does not have: halld refuses such a config, so this stands for
        // any answer that fails.
        let lost = DeviceCredentials(id: "robot-2", kind: .robot, station: "nowhere", key: Array("k".utf8))
        let hub = DeviceHub(roster: DeviceRoster([robot, lost]))
        let service = HallService(hall: try Hall.builtIn(), robots: [robot.id, lost.id], logger: logger,
                                  onAnswer: { question in heard.withLock { $0.append(question) } })

        let replies = service.handle(.query(deviceID: robot.id, queryID: 1, text: "护照在哪办，我的手机13912345678", language: "", confidence: 90),
                                     from: robot, hub: hub)
        guard case .answer(let wire)? = replies.first else { return XCTFail("\(replies)") }
        XCTAssertEqual(wire.destination, "exit-entry")
        let failed = service.handle(.query(deviceID: lost.id, queryID: 2, text: "厕所在哪", language: "", confidence: 90),
                                    from: lost, hub: hub)
        guard case .answer(let desk)? = failed.first else { return XCTFail("\(failed)") }
        XCTAssertEqual(desk.outcome, .fallback)

        let questions = heard.withLock { $0 }
        XCTAssertEqual(questions.count, 2)
        XCTAssertEqual(questions[0].device.id, robot.id)
        XCTAssertEqual(questions[0].answer?.destination, "exit-entry")
        XCTAssertFalse(questions[0].question.contains("13912345678"), questions[0].question)
        XCTAssertGreaterThan(questions[0].duration, .zero)
        XCTAssertNil(questions[0].error)
        XCTAssertEqual(questions[1].device.id, lost.id)
        XCTAssertNil(questions[1].answer)
        XCTAssertEqual(questions[1].question, "厕所在哪")
        XCTAssertTrue(questions[1].error?.contains("nowhere") == true, "\(questions[1].error ?? "")")
    }
}
