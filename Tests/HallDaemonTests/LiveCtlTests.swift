import DeviceProtocol
import DeviceSimulation
import Foundation
@testable import HallDaemon
import HallTestFixtures
import StatusProtocol
import XCTest
import HallModel
import HallTime

/// The live hall end to end: the built `hallctl` against a running halld (its whole
/// ServiceGroup in this process, on a clock that reads Wednesday 10:00 in the hall), and
/// the queue feed from `hallsim queue` and the reference adapter, by file and by POST.
final class LiveCtlTests: XCTestCase {
    var state: String!
    var running: RunningDaemon?
    var daemon: HallDaemon { running!.daemon }
    var socket: String { state + "/status.sock" }
    var feedFile: String { state + "/queue-feed.json" }
    let log = CapturedLog()
    static let feedKey = "feed-key-0123456789abcdef"
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    override func setUp() async throws {
        state = RunningDaemon.scratch("live")
    }

    override func tearDown() async throws {
        try await running?.stop()
        try? FileManager.default.removeItem(atPath: state)
    }

    func start(admin: Bool = true) async throws {
        var config = RunningDaemon.config(devices: [
            .init(id: "robot-north", kind: .robot, station: "robot-north", key: DaemonConfig.developmentKey(for: "robot-north")),
        ])
        config.statusSocket = socket
        config.adminUIDs = admin ? [getuid()] : []
        config.live.queueFeedFile = feedFile
        config.live.queueFeedKey = Array(Self.feedKey.utf8)
        running = try await RunningDaemon.start(config, environment: ProcessInfo.processInfo.environment.merging(
            ["STATE_DIRECTORY": state, "RUNTIME_DIRECTORY": state]) { _, new in new }, logger: log.logger)
    }

    func restart() async throws {
        try await running?.stop()
        running = nil
        try await start()
    }

    func program(_ executable: String, _ arguments: [String]) async throws -> ProgramRun {
        try await StatusHarness.blocking {
            try ProgramRun.run(executable, arguments, environment: ["HALLGUIDE_STATUS_SOCKET": nil])
        }
    }

    func hallctl(_ arguments: [String]) async throws -> ProgramRun {
        try await program(Binaries.path("hallctl"), arguments + ["--socket", socket])
    }

    func ask(_ question: String) throws -> DeviceProtocol.Answer {
        let robot = SimulatedDevice(id: "robot-north", kind: .robot, key: DaemonConfig.developmentKey(for: "robot-north"),
                                    transport: try TCPTransport(host: "127.0.0.1", port: running!.tcpPort))
        try robot.connect()
        defer { robot.close() }
        return try robot.ask(question)
    }

    func metrics() throws -> String {
        let http = try TCPTransport(host: "127.0.0.1", port: try XCTUnwrap(daemon.metricsEndpoint?.port))
        try http.write(Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
        var text = ""
        while let chunk = try? http.read(timeoutMilliseconds: 2000), !chunk.isEmpty { text += String(decoding: chunk, as: UTF8.self) }
        return text
    }

    func testStaffCloseListAndReopenWithHallctlAndTheClosuresSurviveARestart() async throws {
        try await start()
        let closed = try await hallctl(["close", "window-16", "--until", "13:30", "--reason", "系统维护"])
        XCTAssertEqual(closed.status, 0, closed.stderr)
        XCTAssertEqual(closed.stdout, "closed window-16 until 13:30 (系统维护)\n")
        XCTAssertEqual(closed.stderr, "")
        // Logged with who asked, the client's text escaped.
        let who = "by uid \(getuid()) gid \(getgid()) pid "
        XCTAssertTrue(log.text.contains("notice status socket: close window-16 until 13:30 reason 系统维护 \(who)"), log.text)
        XCTAssertTrue(log.text.contains("notice closures: window-16 closed until 2026-12-02T13:30:00+08:00 (系统维护) \(who)"), log.text)
        let forged = try await hallctl(["close", "window-3", "--reason", "维修\nnotice closures: all reopened"])
        XCTAssertEqual(forged.stderr, "hallctl: reason '维修\\nnotice closures: all reopened' has a control or formatting character\n")
        XCTAssertTrue(log.text.contains("close window-3 reason 维修\\nnotice closures: all reopened \(who)"), log.text)

        let list = try await hallctl(["closures"])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.hasPrefix("closures kept in \(state!)/closures.json; halld's time 2026-12-02 10:0"), list.stdout)
        XCTAssertTrue(list.stdout.contains("TARGET     KIND    REASON    SINCE  UNTIL\n"), list.stdout)
        XCTAssertTrue(list.stdout.contains("window-16  window  系统维护  10:00  13:30"), list.stdout)
        let json = try await hallctl(["closures", "--json"])
        let reply = try StatusWire.decoder().decode(StatusReplyOf<StatusResults.Closures>.self, from: Data(json.stdout.utf8))
        XCTAssertEqual(reply.result?.closures.first?.until, "2026-12-02T13:30:00+08:00")
        XCTAssertEqual(reply.result?.timeZone, "Asia/Shanghai")

        // The answers, the status and the metrics follow.
        let answer = try ask("16号窗口在哪")
        XCTAssertTrue(answer.text.hasPrefix("16号窗口暂停服务（系统维护），请到"), answer.text)
        let status = try await hallctl(["status"])
        XCTAssertTrue(status.stdout.contains("windows: 47 of 48 serving now, 1 closed by staff"), status.stdout)
        XCTAssertTrue(status.stdout.contains("closures: 1 (kept in \(state!)/closures.json)"), status.stdout)
        XCTAssertTrue(status.stdout.contains("queue feed file \(feedFile), POST: no snapshot yet; 0 taken, 0 refused"), status.stdout)
        XCTAssertEqual(daemon.status().live?.closures.map(\.target), ["window-16"])
        let scraped = try metrics()
        XCTAssertTrue(scraped.contains(#"hallguide_closures{kind="window"} 1"#), scraped)
        XCTAssertTrue(scraped.contains("hallguide_windows_open 47"), scraped)
        XCTAssertTrue(scraped.contains("hallguide_windows_closed 1"), scraped)

        // explain shows the live rule, from halld itself and from the file it keeps.
        for source in [["--halld", "--socket", socket], ["--closures", "\(state!)/closures.json"]] {
            let explained = try await program(Binaries.path("hallctl"), ["explain", "--at", "2026-12-02 10:05", "16号窗口在哪"] + source)
            XCTAssertEqual(explained.status, 0, explained.stderr)
            XCTAssertTrue(explained.stdout.contains("closures:   1 in force: window-16"), explained.stdout)
            XCTAssertTrue(explained.stdout.contains("window-closed: window 16 is closed (系统维护)"), explained.stdout)
        }

        // Refusals, each with a clear message and exit 1.
        for (arguments, message) in [
            (["open", "window-15"], "hallctl: window-15 is not closed; closed now: window-16\n"),
            (["close", "window-99"], "hallctl: window-99: the hall has no window 99\n"),
            (["close", "passport"], "hallctl: unknown target 'passport': \(ClosureCommands.targetForms)\n"),
            (["close", "window-3", "--until", "soon"], "hallctl: until 'soon': expected HH:MM (today), 'YYYY-MM-DD HH:MM' (Asia/Shanghai), ISO 8601 with an offset, or +30m\n"),
        ] {
            let run = try await hallctl(arguments)
            XCTAssertEqual(run.status, 1, "\(arguments)")
            XCTAssertEqual(run.stderr, message)
        }
        let past = try await hallctl(["close", "window-3", "--until", "09:00"])
        XCTAssertTrue(past.stderr.hasPrefix("hallctl: until 09:00 today has passed"), past.stderr)

        let reopened = try await hallctl(["open", "window-16"])
        XCTAssertEqual(reopened.stdout, "reopened window-16 (was closed until 13:30: 系统维护)\n")
        XCTAssertFalse(try ask("16号窗口在哪").text.contains("暂停服务"))

        // A zone closed until tomorrow morning survives a restart.
        let zone = try await hallctl(["close", "tax", "--until", "2026-12-03 09:30", "--reason", "系统升级"])
        XCTAssertEqual(zone.stdout, "closed tax until 2026-12-03 09:30 (系统升级)\n")
        try await restart()
        let after = try await hallctl(["closures"])
        XCTAssertTrue(after.stdout.contains("tax     zone  系统升级"), after.stdout)
        XCTAssertTrue(after.stdout.hasSuffix("  2026-12-03 09:30\n"), after.stdout)
        XCTAssertTrue(try ask("税务在哪办").text.contains("暂停服务（系统升级）"))
    }

    func testCloseAndOpenAreForAdminsOnlyAndLoggedWithWho() async throws {
        try await start(admin: false)
        let refused = try await hallctl(["close", "window-16"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr, "hallctl: not authorised: no status.admin_uids or status.admin_groups are configured\n")
        XCTAssertTrue(log.text.contains("warning status socket: refused close from uid \(getuid()) gid \(getgid()) pid "), log.text)
        let open = try await hallctl(["open", "window-16"])
        XCTAssertEqual(open.status, 1)
        let list = try await hallctl(["closures"])
        XCTAssertEqual(list.status, 0, "reading is for everyone who may connect")
        XCTAssertTrue(list.stdout.hasSuffix("nothing is closed\n"), list.stdout)
        XCTAssertTrue(daemon.closures.closures.isEmpty)
    }

    func testTheQueueFeedFromHallsimAndTheAdapterByFileAndByPost() async throws {
        try await start()
        let feed = try XCTUnwrap(daemon.queueFeed)
        // hallsim writes the file halld watches.
        // The queue system's clock reads what halld's does (a Wednesday morning).
        let clock = ["--clock-start", HallTimeZoneText.iso8601(daemon.clock.wallClock())]
        let sim = try await program(Binaries.path("hallsim"), ["queue", "--file", feedFile, "--count", "1", "--seed", "7"] + clock)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        XCTAssertTrue(sim.stdout.hasPrefix("snapshot 1: "), sim.stdout)
        await feed.changes.wait(until: 1)
        let fromSim = try XCTUnwrap(daemon.status().live?.queue)
        XCTAssertEqual(fromSim.source, "file")
        XCTAssertTrue(fromSim.fresh)
        XCTAssertEqual(fromSim.waiting?.count, 15, "every ticketed zone")

        // The adapter turns the queue system's export into the file.
        let adapter = Self.repository.appendingPathComponent("scripts/queue-feed-adapter").path
        let export = Self.repository.appendingPathComponent("Tests/Data/queue-export-sample.csv").path
        guard let python = Binaries.which("python3") else { throw XCTSkip("needs python3") }
        let adapted = try await program(python, [adapter, "--export", export, "--write", feedFile])
        XCTAssertEqual(adapted.status, 0, adapted.stderr)
        XCTAssertTrue(adapted.stderr.contains("queue-export-sample.csv:11: prefix 'Z' is not in the hall's table: row left out"), adapted.stderr)
        await feed.changes.wait(until: 2)
        XCTAssertEqual(daemon.status().live?.queue?.waiting, ["exit-entry": 12, "vehicle-admin": 4, "social-insurance": 3])
        XCTAssertEqual(daemon.status().live?.queue?.calling?.map(\.window), [1, 2, 5, 15, 16])
        XCTAssertTrue(try ask("护照在哪办").text.contains("现在约12人等候。"))

        // The POST form, through the stand-in of the HTTP route.
        let route = try FeedRouteShim { body, key in feed.post(body: body, key: key, peer: "test") }
        defer { route.stop() }
        let url = "http://127.0.0.1:\(route.port)/api/v1/queue"
        let posted = try await program(Binaries.path("hallsim"), ["queue", "--post", url, "--key", Self.feedKey, "--count", "2",
                                                                   "--interval", "0.01", "--quiet"] + clock)
        XCTAssertEqual(posted.status, 0, posted.stderr)
        XCTAssertEqual(daemon.status().live?.queue?.source, "post")
        XCTAssertEqual(daemon.status().live?.queue?.updates, 4)
        let wrong = try await program(Binaries.path("hallsim"), ["queue", "--post", url, "--key", "not-the-key-0123456789", "--count", "1"])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stderr.contains("HTTP 403"), wrong.stderr)

        let keyFile = state + "/feed.key"
        try "\(Self.feedKey)\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        let adaptedPost = try await program(python, [adapter, "--export", export, "--post", url, "--key-file", keyFile])
        XCTAssertEqual(adaptedPost.status, 0, adaptedPost.stderr)
        XCTAssertEqual(daemon.status().live?.queue?.waiting?["exit-entry"], 12)

        // A queue system whose snapshots are ten minutes old: taken, shown, not quoted.
        let stale = try await program(Binaries.path("hallsim"), ["queue", "--post", url, "--key", Self.feedKey, "--count", "1", "--age", "600"] + clock)
        XCTAssertEqual(stale.status, 0, stale.stderr)
        XCTAssertEqual(daemon.status().live?.queue?.fresh, false)
        XCTAssertFalse(try ask("护照在哪办").text.contains("等候"))
        let status = try await hallctl(["status"])
        XCTAssertTrue(status.stdout.contains("TOO OLD, not quoted (max 120s)"), status.stdout)
        let scraped = try metrics()
        XCTAssertTrue(scraped.contains("hallguide_queue_feed_fresh 0"), scraped)
        XCTAssertTrue(scraped.contains(#"hallguide_queue_feed_updates{source="post"} 4"#), scraped)
        XCTAssertTrue(scraped.contains("hallguide_queue_feed_age_seconds 6"), scraped)
    }

    /// The real halld: a closure made with hallctl is in the file before the reply, so it
    /// survives kill -9.
    func testAClosureSurvivesKillDashNine() async throws {
        let closuresFile = state + "/closures.json"
        let config = state + "/halld.yaml"
        try """
            listen:
              tcp: 127.0.0.1:0
            metrics:
              listen: off
            http:
              listen: 127.0.0.1:0
            status:
              socket: \(socket)
              admin_uids: [\(getuid())]
            query_log: off
            live:
              closures: \(closuresFile)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        var halld = try ChildProcess(Binaries.path("halld"), ["--config", config])
        XCTAssertTrue(halld.waitFor("halld listening tcp"), halld.text)
        let closed = try await hallctl(["close", "window-3", "--reason", "设备维修"])
        XCTAssertEqual(closed.status, 0, closed.stderr)
        halld.stop(SIGKILL)
        halld = try ChildProcess(Binaries.path("halld"), ["--config", config])
        defer { halld.stop() }
        XCTAssertTrue(halld.waitFor("halld listening tcp"), halld.text)
        XCTAssertTrue(halld.text.contains("closures \(closuresFile): 1 in force"), halld.text)
        let list = try await hallctl(["closures"])
        XCTAssertTrue(list.stdout.contains("window-3  window  设备维修"), list.stdout)
        XCTAssertTrue(list.stdout.hasSuffix("until reopened\n"), list.stdout)
    }
}
