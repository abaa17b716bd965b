import DeviceLinks
import DeviceProtocol
import DeviceSimulation
import Foundation
import HallAnswers
import HallDaemon
import QueryLog
import StatusProtocol
import XCTest
import IntentMatching

/// The query log for real: the built halld answers a robot over TCP and logs every
/// answer; once it says the answers are committed (the status command `flush`), it is
/// killed with SIGKILL (no close), and every one of them is in the SQLite file.
final class QueryLogDurabilityTests: XCTestCase {
    struct Reply: Decodable { var ok: Bool; var result: StatusResults.Flush?; var error: String? }

    func testEveryCommittedAnswerSurvivesKillDashNine() throws {
        // Short: a Unix socket path must fit in 108 bytes.
        let dir = URL(fileURLWithPath: "/tmp/hgq-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let socket = dir.appendingPathComponent("status.sock").path
        let logPath = dir.appendingPathComponent("queries.sqlite").path
        let key = "querylog-durability-key"
        let config = dir.appendingPathComponent("halld.yaml")
        try """
            listen:
              tcp: 127.0.0.1:0
            metrics:
              listen: off
            http:
              listen: 127.0.0.1:0
            status:
              socket: \(socket)
            limits:
              query_burst: 1000
              query_refill_seconds: 0.01
            query_log:
              path: \(logPath)
              flush_ms: 50
            devices:
              - {id: robot-south, kind: robot, station: robot-south, key: "text:\(key)"}
              - {id: screen-west, kind: screen, station: screen-west, key: "text:\(key)"}
            """.write(to: config, atomically: true, encoding: .utf8)
        let halld = try ChildProcess(Binaries.path("halld"), ["--config", config.path])
        defer { halld.stop(SIGKILL) }
        XCTAssertTrue(halld.waitFor("halld listening tcp"), halld.text)
        let port = try XCTUnwrap(halld.text.firstMatch(of: /listening tcp 127\.0\.0\.1:(\d+)/).flatMap { Int($0.1) }, halld.text)

        // Route, clarify and fallback answers, one with an ID card number, from two devices.
        let questions = ["护照在哪办", "保险", "今天天气怎么样", "我的身份证号11010519491231002X，办护照", "厕所在哪",
                         "社保在哪办", "假照在哪办", "where is the toilet"]
        let hall = try Hall.builtIn()
        var asked: [(device: String, station: String, question: String, answer: DeviceProtocol.Answer)] = []
        for (id, kind) in [("robot-south", DeviceKind.robot), ("screen-west", .screen)] {
            let device = SimulatedDevice(id: id, kind: kind, key: Array(key.utf8),
                                         transport: try TCPTransport(host: "127.0.0.1", port: port))
            try device.connect()
            for round in 0..<5 {
                for question in questions {
                    let text = round == 0 ? question : "\(question) \(round)"
                    asked.append((id, id, text, try device.ask(text)))
                }
            }
            device.close()
        }
        XCTAssertEqual(asked.count, 80)

        // Every answer was received, so it was recorded before this request: halld replies
        // once all of them are committed. Then kill it hard.
        let connection = try StatusConnection(path: socket, timeoutSeconds: 30)
        let reply = try StatusWire.decoder().decode(Reply.self, from: Data(try connection.request(StatusRequest(.flush))))
        XCTAssertTrue(reply.ok, reply.error ?? "")
        let status = try XCTUnwrap(reply.result?.queryLog, "no query_log in the flush reply")
        XCTAssertEqual(status.path, logPath)
        XCTAssertEqual(status.recorded, UInt64(asked.count))
        XCTAssertGreaterThanOrEqual(status.committed, UInt64(asked.count), "\(status)")
        XCTAssertEqual(status.dropped, 0)
        XCTAssertEqual(status.failedWrites, 0)
        halld.stop(SIGKILL)
        XCTAssertEqual(halld.process.terminationReason, .uncaughtSignal)

        let rows = try QueryLogReader.records(path: logPath, since: nil)
        XCTAssertEqual(rows.count, asked.count)
        for (row, question) in zip(rows, asked) {
            let expected = try hall.answer(question.question, from: question.station)
            XCTAssertEqual(row.device, question.device)
            XCTAssertEqual(row.place, question.station)
            XCTAssertEqual(row.outcome.rawValue, expected.outcome.rawValue, question.question)
            XCTAssertEqual(row.outcome.rawValue, "\(question.answer.outcome)", question.question)
            XCTAssertEqual(row.intent, expected.intent, question.question)
            XCTAssertEqual(row.destination, question.answer.destination.isEmpty ? nil : question.answer.destination)
            XCTAssertEqual(row.candidates, question.answer.candidates)
            XCTAssertEqual(row.homophoneRepair, expected.homophoneRepair, question.question)
            XCTAssertGreaterThan(row.latencyMicroseconds, 0, "answering takes some time: \(question.question)")
            XCTAssertNil(row.text.firstMatch(of: /\d{11,}/), "a number stored: \(row.text)")
        }
        XCTAssertTrue(rows.contains { $0.text.hasPrefix("我的身份证号[身份证号]，办护照") }, rows.map(\.text).joined(separator: "\n"))
    }
}
