import Foundation
import HallConversation
@testable import HallDaemon
import HallModel
import Logging
import QueryLog
import XCTest
import DeviceProtocol
import HallAnswers
import StatusProtocol

/// `query_log:` in halld.yaml, and the log as the status reports it.
final class QueryLogConfigTests: XCTestCase {
    func parse(_ text: String) throws -> DaemonConfig { try DaemonConfig.parse(text, file: "halld.yaml") }

    func problems(_ text: String) -> [String] {
        do {
            _ = try DaemonConfig.parse(text, file: "halld.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    func testDefaultsAndSettings() throws {
        XCTAssertNil(DaemonConfig().queryLog, "a programmatic configuration logs nothing unless asked")
        XCTAssertEqual(try parse("listen:\n  tcp: off\n").queryLog, .init(), "a file without query_log logs to the default path")
        let settings = try XCTUnwrap(try parse("""
            query_log:
              path: /var/lib/hallguide/q.sqlite
              retention_days: 30
              max_records: 500000
              flush_ms: 20
            """).queryLog)
        XCTAssertEqual(settings.path, "/var/lib/hallguide/q.sqlite")
        XCTAssertEqual([settings.retentionDays, settings.maxRecords, settings.flushMilliseconds], [30, 500_000, 20])
        XCTAssertNil(try parse("query_log:\n  path: off\n").queryLog)
        XCTAssertNil(try parse("query_log: off\n").queryLog)
        XCTAssertEqual(try parse("query_log:\n  retention_days: 7\n").queryLog?.path, nil)
    }

    func testBadValuesAreReportedWithFileAndLine() {
        XCTAssertEqual(problems("""
            listen:
              tcp: off
            query_log:
              retention_days: 0
              max_records: lots
              flush_ms: 2.5
              keep: forever
            """), [
                "halld.yaml:4: query_log.retention_days: expected a whole number from 1 to 36500, got 0",
                "halld.yaml:5: query_log.max_records: expected a whole number from 1 to 1000000000, got the text 'lots'",
                "halld.yaml:6: query_log.flush_ms: expected a whole number from 1 to 60000, got 2.5",
                "halld.yaml:7: unknown key 'keep' in query_log (expected one of: flush_ms, max_records, path, retention_days)",
            ])
        XCTAssertEqual(problems("query_log: [a, b]\n"),
                       ["halld.yaml:1: query_log: expected a mapping (path, retention_days, max_records, flush_ms), or off, got a list"])
    }

    /// In-process: answers are logged, the status shows the log, stop commits and closes.
    func testTheDaemonLogsAnswersAndReportsTheLogInItsStatus() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hallguide-qlog-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var config = DaemonConfig()
        config.metricsListen = nil
        config.tcpHost = nil
        config.queryLog = .init(path: dir.appendingPathComponent("log/queries.sqlite").path)
        let running = try await RunningDaemon.start(config)
        let daemon = running.daemon
        XCTAssertEqual(daemon.status().queryLog?.path, config.queryLog?.path)
        let hall = daemon.conversation.hall
        let answer = try hall.answer("护照在哪办", from: "robot-north")
        daemon.queryLog?.record(AnsweredQuestion(device: .init(id: "robot-north", kind: .robot, station: "robot-north"),
                                                 question: answer.query, answer: answer, error: nil, hall: hall),
                                latency: .microseconds(12), at: Date())
        try await running.stop()
        let rows = try QueryLogReader.records(path: config.queryLog!.path!, since: nil)
        XCTAssertEqual(rows.map(\.intent), ["exit-entry"])
        XCTAssertEqual(rows.first?.text, "护照在哪办")
        XCTAssertEqual(daemon.status().queryLog?.committed, 1)

        // A log that cannot be opened: halld answers on and the status says why.
        config.queryLog = .init(path: "/proc/no/such/dir/queries.sqlite")
        let second = try await RunningDaemon.start(config)
        XCTAssertNotNil(second.daemon.status().queryLog?.error)
        try await second.stop()
    }
}
