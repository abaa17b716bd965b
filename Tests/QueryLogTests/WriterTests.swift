import Foundation
import GRDB
import HallAnswers
import HallTime
@testable import QueryLog
import Synchronization
import XCTest
import IntentMatching

/// The writer: group commits, the bounded buffer, retention, redaction, reopening, and
/// the sync settings the README's durability promise rests on.
final class WriterTests: XCTestCase {
    var directory: URL!
    var path: String { directory.appendingPathComponent("queries.sqlite").path }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("querylog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The writer's clock: time moves only when a test says so.
    var clock: TestClock!

    override func setUp() {
        clock = TestClock()
    }

    func writer(_ configure: (inout QueryLogWriter.Configuration) -> Void = { _ in },
                normalize: @escaping @Sendable (String) -> String = { $0 }) throws -> QueryLogWriter {
        var configuration = QueryLogWriter.Configuration(path: path, clock: clock)
        configure(&configuration)
        return try QueryLogWriter(configuration: configuration, normalize: normalize)
    }

    func record(_ text: String, at time: Date? = nil, device: String = "robot-north") -> QueryRecord {
        QueryRecord(time: time ?? clock.wallClock(), device: device, place: device, text: text, outcome: .fallback, rule: "nothing matched")
    }

    func storedTexts() throws -> [String] {
        try QueryLogReader.records(path: path, since: nil).map(\.text)
    }

    /// Waits until the writer thread has done what it was woken for and sleeps on the clock
    /// again: whatever it was going to do at this time on the clock, it has done.
    func atRest(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(clock.waitForBlockedThreads(1), "the writer never went back to sleep", file: file, line: line)
    }

    /// Where the resting writer will wake next, on its own.
    var writerDeadline: Instant? { clock.blockedThreadDeadlines.first ?? nil }

    func testWALAndSynchronousFull() throws {
        let log = try writer()
        defer { log.close() }
        let pragmas = try log.pragmas()
        XCTAssertEqual(pragmas.journalMode, "wal")
        XCTAssertEqual(pragmas.synchronous, 2, "synchronous must be FULL (2): a committed batch survives a power loss")
    }

    func testAFullBatchIsCommittedAtOnceInOneTransactionAndTheRestWhenDue() throws {
        // A long interval: only a full batch, or a flush, may commit.
        let log = try writer { $0.flushInterval = .seconds(30); $0.batchSize = 10 }
        defer { log.close() }
        atRest()
        for i in 1...10 { log.record(record("q\(i)")) }
        atRest()
        // No time has passed on the clock: the full batch went at once.
        XCTAssertEqual(log.counters.committed, 10, "\(log.counters)")
        XCTAssertEqual(log.counters.batches, 1)

        let recordedAt = clock.now()
        for i in 11...13 { log.record(record("q\(i)")) }
        atRest()
        XCTAssertEqual(log.counters.committed, 10, "a part batch waits for its interval")
        XCTAssertEqual(log.counters.pending, 3)
        XCTAssertEqual(writerDeadline, recordedAt + .seconds(30), "due a flush interval after the oldest waiting record")
        clock.advance(by: .seconds(30) - .nanoseconds(1))
        atRest()
        XCTAssertEqual(log.counters.committed, 10, "not due yet")
        clock.advance(by: .nanoseconds(1))
        atRest()
        XCTAssertEqual(log.counters.committed, 13, "due")

        // A flush commits at once, without the clock moving.
        log.record(record("q14"))
        XCTAssertTrue(log.flush(timeout: .seconds(5)))
        let c = log.counters
        XCTAssertEqual([c.recorded, c.committed, c.batches, c.lastCommittedSequence, c.dropped, c.failedWrites], [14, 14, 3, 14, 0, 0])
        XCTAssertEqual(try storedTexts(), (1...14).map { "q\($0)" })
    }

    func testAPartBatchIsCommittedWhenItsFlushIntervalHasPassed() throws {
        let log = try writer { $0.flushInterval = .milliseconds(50) }
        defer { log.close() }
        atRest()
        log.record(record("厕所在哪"))
        atRest()
        XCTAssertEqual(log.counters.committed, 0)
        clock.advance(by: .milliseconds(50) - .nanoseconds(1))
        atRest()
        XCTAssertEqual(log.counters.committed, 0, "not due yet")
        clock.advance(by: .nanoseconds(1))
        atRest()
        XCTAssertEqual(log.counters.committed, 1, "due: the oldest record is a flush interval old")
        XCTAssertEqual(log.counters.batches, 1)

        // Many records in a burst go in few transactions (group commit): with the clock
        // standing still only full batches (256) commit, and the flush takes the rest.
        for i in 0..<1000 { log.record(record("q\(i)")) }
        XCTAssertTrue(log.flush())
        XCTAssertEqual(log.counters.committed, 1001)
        XCTAssertLessThanOrEqual(log.counters.batches, 1 + 1000 / 256 + 1, "\(log.counters)")
    }

    /// A stuck disk (another connection holds the write lock): record() returns while the
    /// writer is stuck inside a write, the buffer stays bounded, the oldest are dropped and
    /// counted, failed writes are counted and retried with a doubling backoff, and the
    /// newest are written once the disk comes back.
    func testAStuckDiskDropsTheOldestAndNeverBlocksTheCaller() throws {
        let log = try writer { $0.bufferLimit = 100; $0.busyTimeout = .milliseconds(100); $0.flushInterval = .milliseconds(20) }
        defer { log.close() }
        atRest()  // the retention pass at open is done: the database is free
        var blockerConfiguration = Configuration()
        blockerConfiguration.busyMode = .immediateError
        let blocker = try DatabaseQueue(path: path, configuration: blockerConfiguration)
        let locked = ThreadWakeup(), release = ThreadWakeup(), released = ThreadWakeup()
        let lockFailure = Mutex<String?>(nil)
        Thread.detachNewThread {
            do {
                try blocker.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        locked.signal()
                        release.wait(until: nil)
                        return .commit
                    }
                }
            } catch {
                lockFailure.withLock { $0 = "\(error)" }
                locked.signal()
            }
            released.signal()
        }
        XCTAssertEqual(locked.wait(for: .seconds(60)), .signalled, "the blocker never got the lock")
        if let failure = lockFailure.withLock({ $0 }) { return XCTFail("the blocker could not take the lock: \(failure)") }

        // One record, due after the flush interval: the writer takes it and waits for the lock.
        log.record(record("q1"))
        atRest()
        clock.advance(by: .milliseconds(20))
        atRest()
        XCTAssertTrue(log.isWriting, "the writer sleeps inside its write, waiting for the lock")
        XCTAssertEqual(log.counters.failedWrites, 0)
        let stuckSince = clock.now()

        // Meanwhile the answer path goes on. Were record() to wait for the disk, it would
        // wait for ever: the writer stays stuck until the clock moves. (The guard only
        // turns that hang into a failure.)
        let records = (2...20_001).map { record("q\($0)") }
        let recorded = ThreadWakeup()
        Thread.detachNewThread {
            for r in records { log.record(r) }
            recorded.signal()
        }
        guard recorded.wait(for: .seconds(60)) == .signalled else {
            XCTFail("record() waited while the writer was stuck in a write")
            release.signal()
            clock.advance(by: .seconds(3600))
            return
        }
        XCTAssertTrue(log.isWriting, "still inside the same write")
        XCTAssertEqual(clock.blockedThreadCount, 1)
        let stuck = log.counters
        XCTAssertEqual(stuck.pending, 100 + 1, "bounded: the buffer plus the record in flight")
        XCTAssertEqual(stuck.dropped, 20_001 - 101, "the oldest waiting went")
        XCTAssertEqual([stuck.committed, stuck.failedWrites], [0, 0])

        // The lock stays held past the busy timeout: the write fails, is counted, and is
        // tried again after the flush interval, then after twice that.
        clock.advance(by: .milliseconds(100))
        atRest()
        XCTAssertEqual(log.counters.failedWrites, 1, "\(log.counters)")
        XCTAssertFalse(log.isWriting)
        XCTAssertEqual(writerDeadline, stuckSince + .milliseconds(100) + .milliseconds(20), "retried after the flush interval")
        clock.advance(by: .milliseconds(20))
        atRest()
        XCTAssertTrue(log.isWriting, "retrying")
        clock.advance(by: .milliseconds(100))
        atRest()
        XCTAssertEqual(log.counters.failedWrites, 2, "\(log.counters)")
        XCTAssertEqual(writerDeadline, clock.now() + .milliseconds(40), "the backoff doubles")

        release.signal()
        XCTAssertEqual(released.wait(for: .seconds(60)), .signalled, "the blocker never let go")
        clock.advance(by: .milliseconds(40))
        atRest()
        XCTAssertTrue(log.flush(timeout: .zero), "everything is committed once the disk is back")
        let c = log.counters
        XCTAssertEqual(c.recorded, 20_001)
        XCTAssertEqual(c.failedWrites, 2)
        XCTAssertEqual(c.committed, 100, "\(c)")
        XCTAssertEqual(c.committed + c.dropped, 20_001, "\(c)")
        XCTAssertEqual(c.lastCommittedSequence, 20_001)
        // The newest were kept; what went were the oldest.
        XCTAssertEqual(try storedTexts(), (19_902...20_001).map { "q\($0)" })
    }

    func testRetentionAtOpenDeletesOldRowsAndKeepsAtMostMaxRecords() throws {
        let now = clock.wallClock()
        var log = try writer()
        for day in [120, 100, 91] { log.record(record("old \(day)", at: now.addingTimeInterval(-Double(day) * 86_400))) }
        for i in 1...25 { log.record(record("new \(i)", at: now.addingTimeInterval(-Double(30 - i) * 3600))) }
        XCTAssertTrue(log.close())
        XCTAssertEqual(try storedTexts().count, 28)

        // Reopen with the defaults (90 days): the three old ones go at open.
        log = try writer()
        atRest()
        XCTAssertEqual(log.counters.retentionPasses, 1)
        XCTAssertEqual(log.counters.pruned, 3)
        XCTAssertTrue(log.close())
        XCTAssertEqual(try storedTexts(), (1...25).map { "new \($0)" })

        // At most 10 records: the oldest go first.
        log = try writer { $0.maxRecords = 10 }
        atRest()
        XCTAssertEqual(log.counters.retentionPasses, 1)
        XCTAssertTrue(log.close())
        XCTAssertEqual(try storedTexts(), (16...25).map { "new \($0)" })
    }

    func testRetentionRunsOnItsScheduleAgainstTheWallClock() throws {
        let log = try writer { $0.retentionInterval = .seconds(3600) }
        defer { log.close() }
        atRest()
        let opened = clock.now()
        XCTAssertEqual(log.counters.retentionPasses, 1, "one pass at open")
        log.record(record("today"))
        XCTAssertTrue(log.flush())
        atRest()
        XCTAssertEqual(try storedTexts(), ["today"])

        // The wall clock steps 91 days (the record is now past the 90 days): nothing runs
        // until the pass is due, which measures against the wall clock of that moment.
        clock.setWallClock(to: clock.wallClock().addingTimeInterval(91 * 86_400))
        XCTAssertEqual(writerDeadline, opened + .seconds(3600))
        clock.advance(by: .seconds(3600) - .nanoseconds(1))
        atRest()
        XCTAssertEqual(log.counters.retentionPasses, 1, "not due yet")
        XCTAssertEqual(try storedTexts(), ["today"])
        clock.advance(by: .nanoseconds(1))
        atRest()
        XCTAssertEqual(log.counters.retentionPasses, 2)
        XCTAssertEqual(log.counters.pruned, 1, "\(log.counters)")
        XCTAssertEqual(try storedTexts(), [])
        XCTAssertEqual(writerDeadline, opened + .seconds(7200), "and again an interval later")
    }

    func testStoredTextIsRedactedAndNormalised() throws {
        let hall = try Hall.builtIn()
        let log = try writer(normalize: { hall.matcher.normalize($0) })
        defer { log.close() }
        log.record(record("我的身份证号是11010519491231002X，手机13812345678，護照在哪辦？"))
        log.record(record("身份证 110105194912310021 丢了"))
        log.record(record("电话 138-1234-5678 能查吗"))
        log.record(record("号码１３８１２３４５６７８"))  // full-width digits
        log.record(record("Where is the TOILET, please?"))
        XCTAssertTrue(log.flush())
        let texts = try storedTexts()
        XCTAssertEqual(texts[0], "我的身份证号是[身份证号]，手机[手机号]，护照在哪办")
        XCTAssertEqual(texts[1], "身份证 [身份证号] 丢了")
        XCTAssertEqual(texts[2], "电话 [手机号] 能查吗")
        XCTAssertEqual(texts[3], "号码[手机号]")
        XCTAssertEqual(texts[4], "where is toilet, please", "normalised as the matcher reads it: no articles")
        for text in texts {
            XCTAssertNil(text.firstMatch(of: /[0-9０-９]{6,}/), "digits left in \(text)")
            XCTAssertFalse(text.unicodeScalars.contains { $0.value == 0x1F }, "clause break left in \(text)")
        }
    }

    func testReopeningKeepsTheRowsAndAppends() throws {
        var log = try writer()
        for i in 1...5 { log.record(record("first \(i)")) }
        XCTAssertTrue(log.close())
        log.record(record("after close"))
        XCTAssertEqual(log.counters.dropped, 1, "a record after close is counted, not written")

        log = try writer()
        for i in 1...3 { log.record(record("second \(i)")) }
        XCTAssertTrue(log.close())
        let rows = try QueryLogReader.records(path: path, since: nil)
        XCTAssertEqual(rows.map(\.text), (1...5).map { "first \($0)" } + (1...3).map { "second \($0)" })
        let ids = rows.compactMap(\.id)
        XCTAssertEqual(ids, ids.sorted())
        XCTAssertEqual(Set(ids).count, 8)
    }

    func testEveryFieldRoundTrips() throws {
        let log = try writer()
        let time = Date(timeIntervalSince1970: 1_795_000_000.125)
        let original = QueryRecord(time: time, device: "screen-west", place: "screen-west", text: "保险", outcome: .clarify,
                                   intent: nil, destination: nil, candidates: ["social-insurance", "medical-insurance"],
                                   confidence: 0.5, latencyMicroseconds: 412, homophoneRepair: true,
                                   rule: "ambiguous: 保险", language: "zh")
        log.record(original)
        XCTAssertTrue(log.close())
        var read = try XCTUnwrap(QueryLogReader.records(path: path, since: nil).first)
        XCTAssertNotNil(read.id)
        read.id = nil
        XCTAssertEqual(read.time.timeIntervalSince1970, time.timeIntervalSince1970, accuracy: 0.001)
        read.time = time
        XCTAssertEqual(read, original)
    }

    func testReaderErrors() throws {
        XCTAssertThrowsError(try QueryLogReader.records(path: path, since: nil)) { error in
            XCTAssertEqual(error as? QueryLogError, .noSuchFile(path))
            XCTAssertTrue("\(error)".contains("no query log at \(path)"))
        }
        let other = directory.appendingPathComponent("other.sqlite").path
        let queue = try DatabaseQueue(path: other)
        try queue.write { try $0.execute(sql: "CREATE TABLE t (x)") }
        try queue.close()
        XCTAssertThrowsError(try QueryLogReader.records(path: other, since: nil)) { error in
            XCTAssertEqual(error as? QueryLogError, .notAQueryLog(other))
        }
    }

    func testDefaultPaths() {
        XCTAssertEqual(QueryLogPath.server(environment: [:]), "./halld-queries.sqlite")
        XCTAssertEqual(QueryLogPath.server(environment: ["STATE_DIRECTORY": "/var/lib/hallguide"]), "/var/lib/hallguide/queries.sqlite")
        XCTAssertEqual(QueryLogPath.server(environment: ["STATE_DIRECTORY": "/a/:/b"]), "/a/queries.sqlite")
        XCTAssertEqual(QueryLogPath.server(environment: ["STATE_DIRECTORY": "/a"], configured: "/x.sqlite"), "/x.sqlite")
        XCTAssertEqual(QueryLogPath.client(explicit: nil, environment: [:], exists: { _ in false }), QueryLogPath.system)
        XCTAssertEqual(QueryLogPath.client(explicit: nil, environment: [:], exists: { $0 == QueryLogPath.development }),
                       QueryLogPath.development)
        XCTAssertEqual(QueryLogPath.client(explicit: nil, environment: ["HALLGUIDE_QUERY_LOG": "/e"], exists: { _ in true }), "/e")
        XCTAssertEqual(QueryLogPath.client(explicit: "/x", environment: ["HALLGUIDE_QUERY_LOG": "/e"]), "/x")
    }
}
