import DeviceProtocol
import DeviceSimulation
import Foundation
import HallAnswers
import HallDaemon
import HallModel
import Logging
import StatusProtocol
import Synchronization
import XCTest
import DeviceSessions

/// Staff edits going live while the hall is open: a bad edit is refused with file:line and
/// the answers stay; a good one is applied; reloading under load loses no question.
final class ReloadTests: XCTestCase {
    var directory: URL!
    var running: RunningDaemon!
    var daemon: HallDaemon { running.daemon }

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hallguide-reload-\(UUID().uuidString)")
        try HallFiles.exportDefault(to: directory.path)
        var config = RunningDaemon.config(devices: [])
        config.mapPath = directory.appendingPathComponent("maps/changchun-municipal.yaml").path
        config.intentsPath = directory.appendingPathComponent("intents").path
        config.timing.queryBurst = 1_000_000
        config.timing.queryRefill = .nanoseconds(1)
        config.devices = (1...8).map {
            .init(id: "load-robot-\($0)", kind: .robot, station: "robot-north", key: Array("hallguide-dev-key:load-robot-\($0)".utf8))
        }
        running = try await RunningDaemon.start(config)
    }

    override func tearDown() async throws {
        try await running.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func ask(_ question: String) throws -> DeviceProtocol.Answer {
        let robot = SimulatedDevice(id: "load-robot-1", kind: .robot, key: Array("hallguide-dev-key:load-robot-1".utf8),
                                    transport: try TCPTransport(host: "127.0.0.1", port: running.tcpPort))
        try robot.connect()
        defer { robot.close() }
        return try robot.ask(question)
    }

    func testABrokenEditIsRefusedWithFileAndLineAndTheAnswersStay() async throws {
        let before = try ask("厕所在哪")
        let version = daemon.conversation.hall.version
        // Staff give 护照 (exit-entry's) to the waiting areas too: an over-match.
        let file = directory.appendingPathComponent("intents/facilities.yaml")
        let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        let target = try XCTUnwrap(lines.firstIndex { $0.contains("zh: [") })
        try lines.enumerated().map { $0.offset == target ? $0.element.replacingOccurrences(of: "[", with: "[护照, ") : $0.element }
            .joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)

        let result = await daemon.reload()
        XCTAssertFalse(result.ok)
        // Both claimants are named with file:line, the edited line among them.
        XCTAssertTrue(result.problems.contains { $0.contains("keyword '护照' is claimed by intents") && $0.contains("\(file.path):\(target + 1)") },
                      "\(result.problems)")
        XCTAssertEqual(daemon.conversation.hall.version, version, "the running data stays")
        let after = try ask("厕所在哪")
        XCTAssertEqual(after.route, before.route)
        XCTAssertEqual(after.text.prefix(20), before.text.prefix(20))
        XCTAssertEqual(try ask("护照在哪办").destination, "exit-entry")
        // The status reports the refusal with the same file:line.
        XCTAssertEqual(daemon.status().lastReload?.problems, result.problems)

        // A good edit goes live without a restart.
        try lines.enumerated().map { $0.offset == target ? $0.element.replacingOccurrences(of: "[", with: "[候场区, ") : $0.element }
            .joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let applied = await daemon.reload()
        XCTAssertTrue(applied.ok, "\(applied.problems)")
        XCTAssertNotEqual(daemon.conversation.hall.version, version)
        XCTAssertEqual(try ask("候场区在哪").destination, "waiting-area")
    }

    /// A staff file over a limit (HallFileLimits, YAMLLimits) is refused like a mistake:
    /// file:line, and the hall that runs stays, answering as before.
    func testAFileOverALimitIsRefusedWithFileAndLineAndTheHallStays() async throws {
        let version = daemon.conversation.hall.version
        let file = directory.appendingPathComponent("intents/facilities.yaml")
        let original = try String(contentsOf: file, encoding: .utf8)
        let lines = original.components(separatedBy: "\n")
        let target = try XCTUnwrap(lines.firstIndex { $0.contains("zh: [") })
        let long = String(repeating: "厕", count: HallFileLimits.wordCharacters + 1)
        let cases: [(text: String, line: Int, message: String)] = [
            // A word past the length limit, on the line of the list.
            (lines.enumerated().map { $0.offset == target ? $0.element.replacingOccurrences(of: "[", with: "[\(long), ") : $0.element }
                .joined(separator: "\n"), target + 1, "a word of \(HallFileLimits.wordCharacters + 1) characters"),
            // A file past the size limit, at line 1.
            (original + "# " + String(repeating: "x", count: YAMLLimits.maxFileBytes) + "\n", 1, "the file is"),
        ]
        for (text, line, message) in cases {
            try text.write(to: file, atomically: true, encoding: .utf8)
            let result = await daemon.reload()
            XCTAssertFalse(result.ok)
            XCTAssertTrue(result.problems.contains { $0.hasPrefix("\(file.path):\(line): \(message)") }, "\(result.problems)")
            XCTAssertEqual(daemon.conversation.hall.version, version, "the running data stays")
            XCTAssertEqual(try ask("厕所在哪").destination, "restroom")
        }
    }

    /// Answers are remembered per hall (worded routes, device forms): a reload must never
    /// serve the old words.
    func testAReloadedAnswerTextReachesTheDevices() async throws {
        let before = try ask("我想坐一会")
        XCTAssertTrue(before.text.hasPrefix("东西两厅都有休息等候区"), before.text)
        let again = try ask("我想坐一会")
        XCTAssertEqual(again.route, before.route, "asked again: the remembered answer is the same")
        XCTAssertEqual(again.text.prefix(20), before.text.prefix(20))
        let file = directory.appendingPathComponent("intents/facilities.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "zh: 东西两厅都有休息等候区，以下是去最近一处的路线。", with: "zh: 休息区有饮水机。")
            .write(to: file, atomically: true, encoding: .utf8)
        let result = await daemon.reload()
        XCTAssertTrue(result.ok, "\(result.problems)")
        let after = try ask("我想坐一会")
        XCTAssertTrue(after.text.hasPrefix("休息区有饮水机"), after.text)
        XCTAssertEqual(after.destination, before.destination)
        XCTAssertEqual(after.route, before.route)
    }

    func testReloadingDuringALoadRunLosesNoQuestion() async throws {
        let runner = LoadRunner(host: "127.0.0.1", port: running.tcpPort,
                                devices: (1...8).map { .init(id: "load-robot-\($0)", kind: .robot, key: Array("hallguide-dev-key:load-robot-\($0)".utf8)) },
                                rate: 400, seconds: 6, questions: ["护照在哪办", "厕所在哪", "三十号窗口", "保险", "你好"])
        let finished = Mutex<LoadRunner.Result?>(nil)
        let load = Task.detached { () -> LoadRunner.Result in
            let result = runner.run()
            finished.withLock { $0 = result }
            return result
        }
        // Reloads back to back while the devices keep asking; the first one at least must
        // complete while the load is still running.
        var duringLoad = 0
        while finished.withLock({ $0 == nil }) {
            let result = await daemon.reload()
            XCTAssertTrue(result.ok)
            if finished.withLock({ $0 == nil }) { duringLoad += 1 }
        }
        XCTAssertGreaterThanOrEqual(duringLoad, 1, "a reload completed while the load ran")
        let result = await load.value
        XCTAssertEqual(result.failures, 0, "\(result.errors)")
        XCTAssertEqual(result.errors, [])
        XCTAssertGreaterThanOrEqual(result.answers, 2000, "about 400/s for 6 s")
    }

    /// Requests that come while a reload runs are merged into one more: ten at once cost
    /// at most two reloads, and each requester gets a result.
    func testConcurrentReloadRequestsAreMerged() async throws {
        let daemon = daemon
        let before = daemon.reloads.completed
        let results = await withTaskGroup(of: DaemonStatus.Reload.self) { group in
            for _ in 0..<10 { group.addTask { await daemon.reload() } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(results.count, 10)
        XCTAssertTrue(results.allSatisfy(\.ok))
        XCTAssertLessThanOrEqual(daemon.reloads.completed - before, 2)
        XCTAssertGreaterThanOrEqual(daemon.reloads.completed - before, 1)
    }
}
