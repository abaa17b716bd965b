import Foundation
import HallAnswers
@testable import HallDaemon
import HallModel
import HallTestKit
import HallTime
import StatusProtocol
import XCTest
import DeviceProtocol
import HallConversation

/// The queue feed on a test clock: the file halld watches, the POST form the HTTP route
/// calls, a feed gone silent, and the `live:` section of halld.yaml.
final class QueueFeedServiceTests: XCTestCase {
    var directory: URL!
    var file: String { directory.appendingPathComponent("queue-feed.json").path }
    static let key = "feed-key-0123456789abcdef"

    override func setUpWithError() throws {
        directory = URL(fileURLWithPath: "/tmp/hgq-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func feed(_ hall: TestHall, file: String? = nil, key: String? = nil, log: CapturedLog? = nil) -> QueueFeedService {
        QueueFeedService(settings: .init(file: file, key: key.map { Array($0.utf8) }, maxAge: 120), conversation: hall.conversation,
                         clock: hall.clock, logger: log?.logger ?? quietLogger)
    }

    func write(_ text: String) throws { try text.write(toFile: file, atomically: true, encoding: .utf8) }

    /// The file is looked at every second on the daemon's clock and read again when it
    /// changed; a broken one is refused with file:line and the last snapshot stays.
    func testAChangedFeedFileIsPickedUp() throws {
        let hall = try TestHall()
        let robot = try hall.robot("robot-north")
        try write(feedText(at: hall.clock.wallClock(), exitEntry: 12))
        let queue = feed(hall, file: file)
        let running = Task { try await queue.run() }
        defer { running.cancel() }
        block("the first snapshot") { await queue.changes.wait(until: 1) }
        XCTAssertTrue(try robot.ask("护照在哪办").text.contains("现在约12人等候。"))

        try write(feedText(at: hall.clock.wallClock(), exitEntry: 3))
        block("the poll timer") { [clock = hall.clock] in await clock.waitForSleepers(1) }
        hall.advance(by: .seconds(1))
        block("the changed snapshot") { await queue.changes.wait(until: 2) }
        XCTAssertTrue(try robot.ask("护照在哪办").text.contains("现在约3人等候。"))

        try write(feedText(at: hall.clock.wallClock(), exitEntry: 5, extraZone: "nowhere"))
        block("the poll timer") { [clock = hall.clock] in await clock.waitForSleepers(1) }
        hall.advance(by: .seconds(1))
        block("the refusal") { await queue.changes.wait(until: 3) }
        let status = queue.status(at: hall.clock.wallClock(), timeZone: .shanghai)
        XCTAssertEqual(status.lastError, "\(file):2: unknown zone 'nowhere' (not a place of kind zone)")
        XCTAssertEqual(status.updates, 2)
        XCTAssertEqual(status.rejected, 1)
        XCTAssertEqual(status.waiting?["exit-entry"], 3, "the last good snapshot stays")
        XCTAssertTrue(try robot.ask("护照在哪办").text.contains("现在约3人等候。"))
    }

    /// A feed that stops changing is quoted only while its snapshot is fresh: once older
    /// than the configured age, answers say nothing of the wait.
    func testASilentFeedIsIgnoredOnceTooOld() throws {
        let hall = try TestHall()
        let robot = try hall.robot("robot-north")
        try write(feedText(at: hall.clock.wallClock()))
        let queue = feed(hall, file: file)
        queue.pollFile()
        XCTAssertTrue(try robot.ask("护照在哪办").text.contains("现在约12人等候。"))
        hall.advance(by: .seconds(121))
        queue.pollFile()  // unchanged: nothing new
        let answer = try robot.ask("护照在哪办")
        XCTAssertFalse(answer.text.contains("等候"), answer.text)
        let recorded = try XCTUnwrap(hall.answers.all.last?.answer)
        XCTAssertNil(recorded.waiting)
        XCTAssertEqual(recorded.liveRules.map(\.code).filter { $0.hasPrefix("queue") }, ["queue-stale"])
        let status = queue.status(at: hall.clock.wallClock(), timeZone: .shanghai)
        XCTAssertFalse(status.fresh)
        XCTAssertGreaterThanOrEqual(status.ageSeconds ?? 0, 121)

        // A snapshot that is old when it comes is taken (the status shows it) but not quoted.
        try write(feedText(at: hall.clock.wallClock().addingTimeInterval(-300), exitEntry: 7))
        queue.pollFile()
        XCTAssertEqual(queue.status(at: hall.clock.wallClock(), timeZone: .shanghai).waiting?["exit-entry"], 7)
        XCTAssertFalse(try robot.ask("护照在哪办").text.contains("等候"))
    }

    func testThePostFormChecksTheKeyAndSaysWhereTheFeedIsWrong() throws {
        let hall = try TestHall()
        let log = CapturedLog()
        let queue = feed(hall, key: Self.key, log: log)
        let good = Array(feedText(at: hall.clock.wallClock()).utf8)

        XCTAssertEqual(feed(hall).post(body: good, key: Self.key).status, 404, "no key configured: the POST is off")
        XCTAssertEqual(queue.post(body: good, key: nil).status, 401)
        let wrong = queue.post(body: good, key: "feed-key-0123456789abcdeX", peer: "10.0.5.7:40222")
        XCTAssertEqual(wrong.status, 403)
        XCTAssertEqual(wrong.body, #"{"error":"wrong key","ok":false}"#)
        XCTAssertEqual(queue.post(body: good, key: "short").status, 403)
        XCTAssertNil(hall.conversation.live.queue, "nothing taken from a refused POST")
        // Refusals are logged at most once per 10 s.
        XCTAssertEqual(log.text.components(separatedBy: "wrong key").count - 1, 1, log.text)
        hall.clock.advance(by: .seconds(11))
        _ = queue.post(body: good, key: "x", peer: "10.0.5.7:40223")
        XCTAssertTrue(log.text.contains("refused a POST from 10.0.5.7:40223: wrong key (and 1 more in the last 10 s)"), log.text)

        let malformed = queue.post(body: Array("{\"format\": 1,\n \"time\": ".utf8), key: Self.key)
        XCTAssertEqual(malformed.status, 400)
        XCTAssertEqual(malformed.reply.problems, ["POST body:2: YAML syntax error: did not find expected node content (column 1)"])
        let unknown = queue.post(body: Array(feedText(at: hall.clock.wallClock(), extraZone: "nowhere").utf8), key: Self.key)
        XCTAssertEqual(unknown.status, 400)
        XCTAssertEqual(unknown.reply.problems, ["POST body:2: unknown zone 'nowhere' (not a place of kind zone)"])
        XCTAssertEqual(queue.post(body: [UInt8](repeating: 0x20, count: QueueFeedService.maxBodyBytes + 1), key: Self.key).status, 413)
        XCTAssertEqual(queue.post(body: [0xFF, 0xFE], key: Self.key).status, 400)

        let taken = queue.post(body: good, key: Self.key)
        XCTAssertEqual(taken.status, 200)
        XCTAssertEqual(taken.body, #"{"calling":2,"fresh":true,"ok":true,"time":"2026-12-02T10:00:00+08:00","zones":2}"#)
        XCTAssertEqual(hall.conversation.live.queue?.waiting["exit-entry"], 12)
        XCTAssertEqual(hall.conversation.live.queueMaxAge, 120)
        XCTAssertTrue(try hall.robot("robot-north").ask("护照在哪办").text.contains("现在约12人等候。"))

        let stale = queue.post(body: Array(feedText(at: hall.clock.wallClock().addingTimeInterval(-600)).utf8), key: Self.key)
        XCTAssertEqual(stale.status, 200)
        XCTAssertEqual(stale.reply.fresh, false)
        XCTAssertEqual(stale.reply.warning, "the snapshot's time is 600 s from halld's clock (at most 120): answers will not quote it")

        XCTAssertEqual(QueueFeedService.bearerToken(fromAuthorization: "Bearer \(Self.key)"), Self.key)
        XCTAssertEqual(QueueFeedService.bearerToken(fromAuthorization: "bearer  abc "), "abc")
        XCTAssertNil(QueueFeedService.bearerToken(fromAuthorization: "Basic YWxhZGRpbg=="))
        XCTAssertTrue(QueueFeedService.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        XCTAssertFalse(QueueFeedService.constantTimeEqual(Array("abcd".utf8), Array("abc".utf8)))
        XCTAssertFalse(QueueFeedService.constantTimeEqual([], Array("abc".utf8)))
    }

    func testTheLiveSectionOfTheConfiguration() throws {
        let keyFile = directory.appendingPathComponent("queue-feed.key").path
        try "\(Self.key)\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        let config = try DaemonConfig.parse("""
            live:
              closures: /var/lib/hallguide/closures.json
              queue_feed: /var/lib/hallguide/queue-feed.json
              queue_feed_key_file: \(keyFile)
              queue_max_age_seconds: 90
            """, file: "halld.yaml")
        XCTAssertEqual(config.live.closuresPath, "/var/lib/hallguide/closures.json")
        XCTAssertEqual(config.live.queueFeedFile, "/var/lib/hallguide/queue-feed.json")
        XCTAssertEqual(config.live.queueFeedKey, Array(Self.key.utf8), "the trailing newline is not part of it")
        XCTAssertEqual(config.live.queueMaxAgeSeconds, 90)
        XCTAssertNil(try DaemonConfig.parse("listen:\n  tcp: off\n", file: "halld.yaml").live.queueFeedKey)

        XCTAssertThrowsError(try DaemonConfig.parse("""
            live:
              queue_feeds: /tmp/feed.json
              queue_feed_key: short-secret
              queue_max_age_seconds: "90"
            """, file: "halld.yaml")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("halld.yaml:2: unknown key 'queue_feeds' in live"), text)
            XCTAssertTrue(text.contains("halld.yaml:3: live: queue_feed_key: the key must be at least 16 characters (it has 12; the key is not shown)"), text)
            XCTAssertFalse(text.contains("short-secret"), "a refused key is never printed")
            XCTAssertTrue(text.contains("halld.yaml:4: live.queue_max_age_seconds"), text)
        }
        XCTAssertThrowsError(try DaemonConfig.parse("live:\n  queue_feed_key: \(Self.key)\n  queue_feed_key_file: \(keyFile)\n",
                                                    file: "halld.yaml")) { error in
            XCTAssertTrue("\(error)".contains("halld.yaml:3: live: give queue_feed_key or queue_feed_key_file, not both"), "\(error)")
        }

        XCTAssertEqual(DaemonConfig.closuresPath(configured: "/srv/c.json", environment: ["STATE_DIRECTORY": "/var/lib/hallguide"], queryLog: nil), "/srv/c.json")
        XCTAssertEqual(DaemonConfig.closuresPath(configured: nil, environment: ["STATE_DIRECTORY": "/var/lib/hallguide"], queryLog: .init()),
                       "/var/lib/hallguide/closures.json")
        XCTAssertEqual(DaemonConfig.closuresPath(configured: nil, environment: [:], queryLog: .init(path: "/data/hall/queries.sqlite")),
                       "/data/hall/closures.json")
        XCTAssertEqual(DaemonConfig.closuresPath(configured: nil, environment: [:], queryLog: .init()), "./halld-closures.json")
    }
}
