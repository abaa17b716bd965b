import Foundation
import GRDB
import HallAnswers
@testable import QueryLog
import Synchronization
import XCTest

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

    func writer(_ configure: (inout QueryLogWriter.Configuration) -> Void = { _ in },
                normalize: @escaping @Sendable (String) -> String = { $0 }) throws -> QueryLogWriter {
        var configuration = QueryLogWriter.Configuration(path: path)
        configure(&configuration)
        return try QueryLogWriter(configuration: configuration, normalize: normalize)
    }

    func record(_ text: String, at time: Date = Date(), device: String = "robot-north") -> QueryRecord {
        QueryRecord(time: time, device: device, place: device, text: text, outcome: .fallback, rule: "nothing matched")
    }

    func storedTexts() throws -> [String] {
        try QueryLogReader.records(path: path, since: nil).map(\.text)
    }

    /// Polls `condition` until it holds or `seconds` pass.
    func eventually(_ seconds: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try condition() { return true }
            usleep(2000)
        }
        return try condition()
    }

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
        for i in 1...10 { log.record(record("q\(i)")) }
        XCTAssertTrue(eventually { log.counters.committed == 10 }, "\(log.counters)")
        XCTAssertEqual(log.counters.batches, 1)
        for i in 11...13 { log.record(record("q\(i)")) }
        usleep(200_000)
        XCTAssertEqual(log.counters.committed, 10, "a part batch waits for its interval")
        XCTAssertEqual(log.counters.pending, 3)
        XCTAssertTrue(log.flush(timeout: .seconds(5)))
        let c = log.counters
        XCTAssertEqual([c.recorded, c.committed, c.batches, c.lastCommittedSequence, c.dropped, c.failedWrites], [13, 13, 2, 13, 0, 0])
        XCTAssertEqual(try storedTexts(), (1...13).map { "q\($0)" })
    }

    func testAPartBatchIsCommittedWithinTheFlushInterval() throws {
        let log = try writer { $0.flushInterval = .milliseconds(50) }
        defer { log.close() }
        let started = Date()
        log.record(record("厕所在哪"))
        XCTAssertTrue(eventually { log.counters.committed == 1 })
        // 50 ms plus an fsync; generous for a loaded 2-core machine.
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
        // Many records in a burst go in few transactions (group commit).
        for i in 0..<1000 { log.record(record("q\(i)")) }
        XCTAssertTrue(log.flush())
        XCTAssertEqual(log.counters.committed, 1001)
        XCTAssertLessThanOrEqual(log.counters.batches, 1 + 1000 / 256 + 2, "\(log.counters)")
    }

    /// A stuck disk (another connection holds the write lock): record() stays fast, the
    /// buffer stays bounded, the oldest are dropped and counted, the newest are written
    /// once the disk comes back, and failed writes are counted and retried.
    func testAStuckDiskDropsTheOldestAndNeverBlocksTheCaller() throws {
        let log = try writer { $0.bufferLimit = 100; $0.busyTimeout = .milliseconds(100); $0.flushInterval = .milliseconds(20) }
        defer { log.close() }
        // The blocker waits its turn for the lock (the writer may be in its first retention
        // pass); a failure to take it fails the test instead of hanging it.
        var blockerConfiguration = Configuration()
        blockerConfiguration.busyMode = .timeout(20)
        let blocker = try DatabaseQueue(path: path, configuration: blockerConfiguration)
        let locked = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), released = DispatchSemaphore(value: 0)
        let lockFailure = Mutex<String?>(nil)
        Thread.detachNewThread {
            do {
                try blocker.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        locked.signal()
                        release.wait()
                        return .commit
                    }
                }
            } catch {
                lockFailure.withLock { $0 = "\(error)" }
                locked.signal()
            }
            released.signal()
        }
        XCTAssertEqual(locked.wait(timeout: .now() + 30), .success, "the blocker never got the lock")
        if let failure = lockFailure.withLock({ $0 }) { return XCTFail("the blocker could not take the lock: \(failure)") }

        let clock = ContinuousClock()
        var slowest = Duration.zero
        for i in 1...20_000 {
            let t = clock.now
            log.record(record("q\(i)"))
            slowest = max(slowest, clock.now - t)
            if i == 250 { usleep(300_000) }  // let the writer fail against the lock a few times
        }
        XCTAssertLessThan(slowest, .milliseconds(50), "record() must never wait for the disk")
        let stuck = log.counters
        XCTAssertLessThanOrEqual(stuck.pending, 100 + 100, "bounded: the buffer plus one batch in flight")
        XCTAssertGreaterThan(stuck.dropped, 19_000)
        // The writer runs at idle priority: on a busy machine its first try may come late.
        XCTAssertTrue(eventually(10) { log.counters.failedWrites >= 1 }, "\(log.counters)")

        release.signal()
        released.wait()
        XCTAssertTrue(log.flush(timeout: .seconds(10)), "\(log.counters)")
        let c = log.counters
        XCTAssertEqual(c.recorded, 20_000)
        XCTAssertEqual(c.committed + c.dropped, 20_000, "\(c)")
        XCTAssertEqual(c.lastCommittedSequence, 20_000)
        let texts = try storedTexts()
        XCTAssertEqual(UInt64(texts.count), c.committed)
        // The newest were kept; what went were the oldest.
        XCTAssertEqual(Array(texts.suffix(100)), (19_901...20_000).map { "q\($0)" })
    }

    func testRetentionAtOpenDeletesOldRowsAndKeepsAtMostMaxRecords() throws {
        let now = Date()
        var log = try writer()
        for day in [120, 100, 91] { log.record(record("old \(day)", at: now.addingTimeInterval(-Double(day) * 86_400))) }
        for i in 1...25 { log.record(record("new \(i)", at: now.addingTimeInterval(-Double(30 - i) * 3600))) }
        XCTAssertTrue(log.close())
        XCTAssertEqual(try storedTexts().count, 28)

        // Reopen with the defaults (90 days): the three old ones go at open.
        log = try writer()
        XCTAssertTrue(eventually { log.counters.retentionPasses >= 1 })
        XCTAssertEqual(log.counters.pruned, 3)
        XCTAssertTrue(log.close())
        XCTAssertEqual(try storedTexts(), (1...25).map { "new \($0)" })

        // At most 10 records: the oldest go first.
        log = try writer { $0.maxRecords = 10 }
        XCTAssertTrue(eventually { log.counters.retentionPasses >= 1 })
        XCTAssertTrue(log.close())
        XCTAssertEqual(try storedTexts(), (16...25).map { "new \($0)" })
    }

    func testRetentionRunsPeriodically() throws {
        let clock = Mutex(Date())
        let log = try writer { $0.retentionInterval = .milliseconds(50); $0.now = { clock.withLock { $0 } } }
        defer { log.close() }
        log.record(record("today"))
        XCTAssertTrue(log.flush())
        XCTAssertEqual(try storedTexts(), ["today"])
        clock.withLock { $0 = $0.addingTimeInterval(91 * 86_400) }
        XCTAssertTrue(eventually { log.counters.pruned == 1 }, "\(log.counters)")
        XCTAssertEqual(try storedTexts(), [])
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
        XCTAssertEqual(texts[4], "where is the toilet, please")
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
