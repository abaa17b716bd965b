import DeviceProtocol
import DeviceSimulation
import Foundation
import HallAnswers
import HallDaemon
import Logging
import QueryLog
import StatusProtocol
import Synchronization
import XCTest
import HallTime

/// halld's life as an operator meets it, with the built binary: a start that fails
/// cleanly, a stop under load that loses no answer, reloads that never starve the
/// watchdog, a stop during a reload.
final class LifecycleTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        // Short: a Unix socket path must fit in 108 bytes.
        directory = URL(fileURLWithPath: "/tmp/hgl-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func writeConfig(_ text: String) throws -> String {
        let file = path("halld.yaml")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// A port some other program holds.
    func occupiedPort() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 4) == 0 else { throw XCTSkip("cannot hold a port") }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// The metrics port is taken: halld says so, exits 1, and leaves its status socket and
    /// listening ports behind it closed (every part it had started was stopped).
    func testAPortInUseFailsTheStartCleanly() throws {
        let (fd, port) = try occupiedPort()
        defer { close(fd) }
        let config = try writeConfig("""
            listen:
              tcp: 127.0.0.1:0
            metrics:
              listen: 127.0.0.1:\(port)
            http:
              listen: 127.0.0.1:0
            status:
              socket: \(path("status.sock"))
            query_log:
              path: \(path("queries.sqlite"))
            """)
        let halld = try ChildProcess(Binaries.path("halld"), ["--config", config])
        halld.process.waitUntilExit()
        XCTAssertEqual(halld.process.terminationStatus, 1, halld.text)
        XCTAssertTrue(halld.text.contains("cannot start the metrics endpoint on 127.0.0.1:\(port)"), halld.text)
        XCTAssertTrue(halld.text.contains("Address already in use") || halld.text.contains("address in use"), halld.text)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("status.sock")), "the status socket was removed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("queries.sqlite-wal")), "the query log was closed")
    }

    /// The same in this process: `run` throws, and the parts it started are stopped: the
    /// device port refuses connections again and the status socket is gone.
    func testAFailedStartInProcessStopsWhatItStarted() async throws {
        let (fd, port) = try occupiedPort()
        defer { close(fd) }
        var config = RunningDaemon.config(devices: [])
        config.metricsListen = "127.0.0.1:\(port)"
        config.statusSocket = path("status.sock")
        config.queryLog = .init(path: path("queries.sqlite"))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let daemon = try HallDaemon(config: config, logger: logger)
        do {
            try await daemon.run()
            XCTFail("the start should fail")
        } catch let error as StartupError {
            XCTAssertEqual(error.part, "the metrics endpoint")
        }
        await XCTAssertThrowsErrorAsync(try await daemon.ready())
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("status.sock")))
        if let devicePort = daemon.devices?.port {
            XCTAssertThrowsError(try TCPTransport(host: "127.0.0.1", port: devicePort), "the device listener was closed")
        }
        XCTAssertFalse(daemon.queryLog?.isOpen ?? true, "the query log was closed")
    }

    /// SIGTERM while robots keep asking: every answer any robot received is in the query
    /// log once halld has exited (links end before the log drains).
    func testEveryAnswerReceivedBeforeAStopIsInTheLog() throws {
        let robots = 8
        let devices = (1...robots).map { "    - {id: load-robot-\($0), kind: robot, station: robot-north, key: \"text:hallguide-dev-key:load-robot-\($0)\"}" }
        let log = path("queries.sqlite")
        let config = try writeConfig("""
            listen:
              tcp: 127.0.0.1:0
            metrics:
              listen: off
            http:
              listen: 127.0.0.1:0
            status:
              socket: \(path("status.sock"))
            limits:
              query_burst: 100000
              query_refill_seconds: 0.001
            query_log:
              path: \(log)
            devices:
            \(devices.joined(separator: "\n"))
            """)
        let halld = try ChildProcess(Binaries.path("halld"), ["--config", config])
        defer { halld.stop(SIGKILL) }
        XCTAssertTrue(halld.waitFor("halld listening tcp"), halld.text)
        let port = try XCTUnwrap(halld.text.firstMatch(of: /listening tcp 127\.0\.0\.1:(\d+)/).flatMap { Int($0.1) })

        let received = Mutex<[String]>([])
        let asked = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        for n in 1...robots {
            finished.enter()
            Thread.detachNewThread {
                defer { finished.leave() }
                guard let robot = try? SimulatedDevice(id: "load-robot-\(n)", kind: .robot, key: Array("hallguide-dev-key:load-robot-\(n)".utf8),
                                                       transport: TCPTransport(host: "127.0.0.1", port: port)),
                      (try? robot.connect()) != nil else { return }
                // Ask until the link closes under us; a tag per question finds it in the log.
                for i in 0... {
                    let tag = "r\(n)q\(i)"
                    guard (try? robot.ask("护照在哪办 \(tag)", timeoutMilliseconds: 2000)) != nil else { return }
                    received.withLock { $0.append(tag) }
                    if i == 50 { asked.signal() }
                }
            }
        }
        // Once every robot has had 50 answers, stop halld with them still asking.
        for _ in 1...robots { XCTAssertEqual(asked.wait(timeout: .now() + 30), .success) }
        kill(halld.process.processIdentifier, SIGTERM)
        halld.process.waitUntilExit()
        XCTAssertEqual(halld.process.terminationStatus, 0, halld.text)
        XCTAssertEqual(finished.wait(timeout: .now() + 10), .success, "every robot saw its link close")

        let logged = Set(try QueryLogReader.records(path: log, since: nil).compactMap { $0.text.split(separator: " ").last.map(String.init) })
        let answers = received.withLock { $0 }
        XCTAssertGreaterThanOrEqual(answers.count, robots * 50)
        let missing = answers.filter { !logged.contains($0) }
        XCTAssertEqual(missing, [], "\(missing.count) of \(answers.count) answers a robot received are not in the log")
    }

    /// A hall big enough that a reload takes a while: two reloads requested at once,
    /// while systemd (a test's notify socket) watches the pings. No gap between
    /// WATCHDOG=1 may exceed WatchdogSec; then a stop during a reload exits promptly.
    func testConcurrentReloadsNeverStarveTheWatchdogAndAStopDuringOneExits() throws {
        let hall = directory.appendingPathComponent("hall")
        try HallFiles.exportDefault(to: hall.path)
        try BulkHall.write(intents: 100, keywordsEach: 100, to: hall.appendingPathComponent("intents/bulk.yaml"))
        let notify = try SystemdNotifyTests.NotifySocket(path: path("notify"))
        let config = try writeConfig("""
            hall:
              map: \(hall.appendingPathComponent("maps/changchun-municipal.yaml").path)
              intents: \(hall.appendingPathComponent("intents").path)
            listen:
              tcp: 127.0.0.1:0
            metrics:
              listen: off
            http:
              listen: 127.0.0.1:0
            query_log: off
            status:
              socket: \(path("status.sock"))
              admin_uids: [\(getuid())]
            """)
        // Pings every 0.75 s: a reload (about 1 s for this hall) that held them up would
        // show as a gap past 1.5 s; the old reloads starved them for 31–43 s. The margin
        // is for a machine whose two cores are shared (a thread can wait 0.8 s there).
        let watchdog: Duration = .milliseconds(1500)
        let halld = try ChildProcess(Binaries.path("halld"), ["--config", config],
                                     environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "\(watchdog.nanosecondCount / 1000)"])
        defer { halld.stop(SIGKILL) }
        XCTAssertNotNil(notify.waitFor("READY=1", timeout: 120) { $0.contains("READY=1") }.0, halld.text)

        // Every notify message from now on, with when it came.
        let messages = Mutex<[(at: ContinuousClock.Instant, text: String)]>([])
        let watching = Mutex(true)
        let reloading = DispatchSemaphore(value: 0)
        let pinged = DispatchSemaphore(value: 0)
        let watcher = Thread {
            while watching.withLock({ $0 }) {
                guard let message = notify.next(timeout: 100) else { continue }
                messages.withLock { $0.append((ContinuousClock.now, message)) }
                if message.contains("RELOADING=1") { reloading.signal() }
                if message.contains("WATCHDOG=1") { pinged.signal() }
            }
        }
        watcher.start()
        defer { watching.withLock { $0 = false } }

        let socket = path("status.sock")
        @Sendable func reload() -> DaemonStatus.Reload? {
            guard let connection = try? StatusConnection(path: socket, timeoutSeconds: 300),
                  let raw = try? connection.request(StatusRequest(.reload)) else { return nil }
            return try? StatusWire.decoder().decode(StatusReply<DaemonStatus.Reload>.self, from: Data(raw)).result
        }
        let results = Mutex<[DaemonStatus.Reload?]>([])
        let both = DispatchGroup()
        // The pings are checked from one before the reloads to one after them, so a gap
        // that spans the reloads is seen however long they take.
        XCTAssertEqual(pinged.wait(timeout: .now() + 30), .success, "a ping before the reloads")
        let started = ContinuousClock.now
        for _ in 0..<2 {
            both.enter()
            Thread.detachNewThread {
                let result = reload()
                results.withLock { $0.append(result) }
                both.leave()
            }
        }
        XCTAssertEqual(both.wait(timeout: .now() + 300), .success)
        // Two requests at once are one or two reloads (merged), never more.
        var reloadsSeen = 0
        while reloading.wait(timeout: .now()) == .success { reloadsSeen += 1 }
        XCTAssertTrue((1...2).contains(reloadsSeen), "\(reloadsSeen) reloads for two requests")
        let reloadsTook = ContinuousClock.now - started
        XCTAssertEqual(results.withLock { $0.compactMap { $0?.ok } }, [true, true], halld.text)
        while pinged.wait(timeout: .now()) == .success {}
        XCTAssertEqual(pinged.wait(timeout: .now() + 30), .success, "a ping after the reloads")

        // The pings around and during the reloads: none further apart than WatchdogSec.
        let pings = messages.withLock { $0.filter { $0.text.contains("WATCHDOG=1") }.map(\.at) }
        XCTAssertGreaterThanOrEqual(pings.count, 2, "pings came during \(reloadsTook) of reloading")
        let gaps = zip(pings.dropFirst(), pings).map { $0 - $1 }
        XCTAssertLessThan(gaps.max() ?? .zero, watchdog, "reloads took \(reloadsTook); the longest gap between pings was \(gaps.max() ?? .zero)")
        print("two merged reloads of a \(100 * 100)-keyword hall took \(reloadsTook); \(pings.count) pings, longest gap \(gaps.max() ?? .zero)")

        // A stop during a reload: halld exits without waiting for the reload, well within
        // the unit's TimeoutStopSec (20 s); the reload's requester is told halld is stopping.
        let pending = Mutex<DaemonStatus.Reload??>(nil)
        let requested = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            requested.signal()
            let result = reload()
            pending.withLock { $0 = .some(result) }
        }
        requested.wait()
        XCTAssertEqual(reloading.wait(timeout: .now() + 30), .success, "the third reload started")
        let stopAt = ContinuousClock.now
        kill(halld.process.processIdentifier, SIGTERM)
        halld.process.waitUntilExit()
        let stopTook = ContinuousClock.now - stopAt
        XCTAssertEqual(halld.process.terminationStatus, 0, halld.text)
        XCTAssertLessThan(stopTook, .seconds(20), "TimeoutStopSec")
        XCTAssertEqual(pending.withLock { $0 }??.problems ?? ["halld is stopping"], ["halld is stopping"],
                       "the reload's requester is told, or its connection closed")
        print("stop during a reload: exited in \(stopTook)")
    }
}

/// A hall with many more keywords than the default, so that loading it takes time.
enum BulkHall {
    static func write(intents: Int, keywordsEach: Int, to file: URL) throws {
        var generator = SplitMix(seed: 7)
        var seen = Set<String>()
        var lines = ["intents:"]
        for i in 0..<intents {
            var words: [String] = []
            while words.count < keywordsEach {
                let word = String((0..<4).map { _ in Character(Unicode.Scalar(0x4E00 + UInt32(generator.next() % 0x51A0))!) })
                if seen.insert(word).inserted { words.append(word) }
            }
            lines.append("  - id: bulk-\(i)\n    destination: info-desk\n    keywords:\n      zh: [\(words.joined(separator: ", "))]\n    answer:\n      zh: 请到咨询导服台。\n      en: Please ask at the desk.")
        }
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    }

    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}

func XCTAssertThrowsErrorAsync<T>(_ expression: @autoclosure () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async {
    do {
        _ = try await expression()
        XCTFail("no error thrown", file: file, line: line)
    } catch {}
}
