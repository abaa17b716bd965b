import AudioPrompts
import DeviceProtocol
import DeviceSessions
import DeviceSimulation
import Foundation
@testable import HallDaemon
import HallTime
import Logging
import NIOCore
import NIOEmbedded
import StatusProtocol
import Synchronization
import XCTest
import DeviceLinks

/// The attacks of issue 12 against halld in this process over loopback, each bounded in
/// count and time, each with what it now gets. (On the code before, each of these failed:
/// a 120 s lockout, connections held open, forged log lines, slots held for ever, a
/// socket taken over, an audio test that said "queued".)
final class AttackTests: XCTestCase {
    let key = Array("attack-test-key-0123456789".utf8)

    func devices(_ ids: [String]) -> [DaemonConfig.Device] {
        ids.map { .init(id: $0, kind: $0.hasPrefix("screen") ? .screen : .robot, station: $0.hasPrefix("screen") ? "screen-west" : "robot-north", key: key) }
    }

    func connect(_ id: String, kind: DeviceKind = .robot, key: [UInt8]? = nil, port: Int) throws -> SimulatedDevice {
        let device = SimulatedDevice(id: id, kind: kind, key: key ?? self.key, transport: try TCPTransport(host: "127.0.0.1", port: port))
        try device.connect(timeoutMilliseconds: 5000)
        return device
    }

    /// Ten wrong proofs for robot-north and a run of unknown ids, all from the robot's own
    /// address (loopback: one gateway): the real robot still gets in, within the 2 s cap.
    func testNoLockoutWithoutTheKey() async throws {
        let running = try await RunningDaemon.start(RunningDaemon.config(devices: devices(["robot-north", "robot-south"])))
        let port = running.tcpPort
        // Ten wrong proofs, ten unknown ids and a wrong kind, at once from ten connections each.
        let refused = Mutex(0)
        let key = self.key
        DispatchQueue.concurrentPerform(iterations: 21) { i in
            let (id, kind, proofKey): (String, DeviceKind, [UInt8]) = switch i {
            case 0..<10: ("robot-north", .robot, Array("not-the-key-not-the-key".utf8))
            case 10..<20: ("robot-mars-\(i)", .robot, key)
            default: ("robot-north", .screen, key)
            }
            let attacker = SimulatedDevice(id: id, kind: kind, key: proofKey, transport: (try? TCPTransport(host: "127.0.0.1", port: port))!)
            if (try? attacker.connect(timeoutMilliseconds: 5000)) == nil { refused.withLock { $0 += 1 } }
            attacker.close()
        }
        XCTAssertEqual(refused.withLock { $0 }, 21)
        let started = ContinuousClock.now
        let owner = try connect("robot-north", port: port)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(3), "the owner waits at most the penalty cap (2 s)")
        XCTAssertEqual(try owner.ask("厕所在哪").outcome, .route)
        let neighbour = try connect("robot-south", port: port)
        XCTAssertEqual(try neighbour.ask("厕所在哪").outcome, .route, "another device behind the same address gets in too")
        owner.close()
        neighbour.close()
        try await running.stop()
    }

    /// 2,000 idle connections to the device port: halld keeps at most its handshake cap of
    /// them open (the oldest make room), and a device connects and is answered meanwhile.
    func testIdleConnectionsCannotHoldTheDevicePort() async throws {
        var config = RunningDaemon.config(devices: devices(["robot-north"]))
        config.connectionLimits.pendingHandshakes = 64
        config.connectionLimits.pendingPerAddress = 64
        let running = try await RunningDaemon.start(config)
        let port = running.tcpPort
        var idle: [TCPTransport] = []
        for _ in 0..<2000 { idle.append(try TCPTransport(host: "127.0.0.1", port: port)) }
        let started = ContinuousClock.now
        let robot = try connect("robot-north", port: port)
        let connected = ContinuousClock.now - started
        XCTAssertEqual(try robot.ask("护照在哪办").destination, "exit-entry")
        XCTAssertLessThanOrEqual(running.daemon.devices!.pendingCount, 64, "the cap holds")
        print("a device connected in \(connected) beside 2,000 idle connections")
        for connection in idle { connection.close() }
        robot.close()
        try await running.stop()
    }

    /// A device id holding a newline and an escape sequence cannot write a line of its own
    /// into the log; a burst of refusals from one source is one line, not a flood.
    func testLogsCannotBeForgedOrFlooded() async throws {
        let log = CapturedLog()
        var logger = log.logger
        logger.logLevel = .info
        let running = try await RunningDaemon.start(RunningDaemon.config(devices: devices(["robot-north"])), logger: logger)
        let port = running.tcpPort
        XCTAssertThrowsError(try connect("x\n2026-12-01T10:00:00+0000 info halld: robot-north (tcp:10.0.0.5:1): authenticated\u{1B}[2K", port: port))
        for i in 0..<200 { XCTAssertThrowsError(try connect("stranger-\(i)", port: port)) }
        try await running.stop()
        let lines = log.text.split(separator: "\n")
        XCTAssertFalse(lines.contains { $0.hasPrefix("2026-12-01T10:00:00") || ($0.contains("authenticated") && !$0.contains("\\n")) },
                       "a forged line: \(lines.filter { $0.contains("authenticated") })")
        XCTAssertFalse(log.text.contains("\u{1B}"), "no escape sequence reaches the log")
        let refusals = lines.filter { $0.contains("refused") || $0.contains("closing") }
        XCTAssertLessThanOrEqual(refusals.count, 4, "201 refusals from one source in a burst: \(refusals.count) lines")
        XCTAssertTrue(refusals.contains { $0.contains("more from") || $0.contains("kept quiet") } || refusals.count <= 2, "\(refusals)")
    }

    /// A second halld given the same status socket refuses to start instead of taking the
    /// running one's socket; the running one still answers on it.
    func testASecondHalldDoesNotTakeOverTheStatusSocket() async throws {
        let socket = RunningDaemon.scratch("sock") + "/status.sock"
        var config = RunningDaemon.config(devices: [])
        config.statusSocket = socket
        let first = try await RunningDaemon.start(config)
        do {
            let second = try await RunningDaemon.start(config)
            try? await second.stop()
            XCTFail("the second halld started")
        } catch let error as StartupError {
            XCTAssertTrue(error.reason.contains("another halld is serving the status socket"), error.description)
        }
        let connection = try StatusConnection(path: socket, timeoutSeconds: 5)
        XCTAssertTrue(String(decoding: try connection.request(StatusRequest(.version)), as: UTF8.self).contains("\"ok\":true"))
        try await first.stop()
    }

    /// Blank lines do not keep a status connection open: only requests (and replies) do.
    func testBlankLinesDoNotHoldAStatusConnection() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: CloseWithoutRequests(timeout: .seconds(60)), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        for _ in 0..<10 {
            loop.advanceTime(by: .seconds(30))
            try channel.writeInbound(StatusInput.line(ByteBuffer(string: "  ")))
        }
        XCTAssertFalse(channel.isActive, "closed 60 s after its last request, blank lines notwithstanding")
        let busy = EmbeddedChannel(handler: CloseWithoutRequests(timeout: .seconds(60)), loop: loop)
        try busy.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        XCTAssertTrue(busy.isActive)
        for _ in 0..<10 {
            loop.advanceTime(by: .seconds(30))
            try busy.writeInbound(StatusInput.line(ByteBuffer(string: #"{"command":"version"}"#)))
        }
        XCTAssertTrue(busy.isActive, "requests keep it open")
        _ = try? busy.finish()

        // A request whose reply takes longer than the idle time (a reload of a big hall on a
        // busy machine) is not cut off; the idle clock starts again at its reply.
        let waiting = EmbeddedChannel(handler: CloseWithoutRequests(timeout: .seconds(60)), loop: loop)
        try waiting.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try waiting.writeInbound(StatusInput.line(ByteBuffer(string: #"{"command":"reload"}"#)))
        loop.advanceTime(by: .seconds(300))
        XCTAssertTrue(waiting.isActive, "a request in progress holds its connection")
        try waiting.writeOutbound(ByteBuffer(string: "{\"ok\":true}\n"))
        loop.advanceTime(by: .seconds(59))
        XCTAssertTrue(waiting.isActive)
        loop.advanceTime(by: .seconds(2))
        XCTAssertFalse(waiting.isActive, "idle again after the reply")
    }

    /// An output with no sound card behind it: audio-test says so instead of "queued".
    func testAudioTestTellsTheTruthAboutTheOutput() async throws {
        var config = RunningDaemon.config(devices: [])
        config.audio = AudioConfig(outputs: [OutputConfig(name: "north", pcm: "hw:CARD=HallGuideNoSuchCard,DEV=0", places: ["north-door"])])
        let running = try await RunningDaemon.start(config)
        // The output tries to open on its thread; wait until it knows it cannot.
        let output = try XCTUnwrap(running.daemon.audio?.system.output(for: "north-door"))
        _ = await output.waitForStatus { $0.state == .unavailable }
        let reply = await running.daemon.audioTest(place: "north-door")
        XCTAssertTrue(reply.contains("not played") && reply.contains("unavailable"), reply)
        try await running.stop()
    }

    /// Crafted garbage (a false header every 9 bytes, each claiming a 1,024-byte frame) on
    /// one connection while a robot asks on another: the robot is answered every time, and
    /// the stranger is hung up on once its noise passes the limit.
    func testCraftedGarbageDoesNotStallAnotherRobot() async throws {
        let running = try await RunningDaemon.start(RunningDaemon.config(devices: devices(["robot-north"])))
        let port = running.tcpPort
        let robot = try connect("robot-north", port: port)
        var garbage: [UInt8] = []
        while garbage.count < 128 * 1024 { garbage += [0xA5, 0x5A, 0x01, 0x00, 0x10, 0x01, 0x00, 0x00, 0x04] }
        let flooder = try TCPTransport(host: "127.0.0.1", port: port)
        var hungUp = false
        for question in Array(repeating: ["护照在哪办", "厕所", "保险", "三十号窗口"], count: 5).flatMap({ $0 }) {
            if !hungUp, (try? flooder.write(garbage)) == nil { hungUp = true }
            XCTAssertNoThrow(try robot.ask(question), question)
        }
        // The decoder's work stayed one CRC step per byte (DecoderWorkBoundTests); here,
        // that halld ended the stranger's link (within its first 64 KiB of noise, one
        // run of garbage still being resynchronised: no discard need be reported first).
        for _ in 0..<100 where !hungUp { if (try? flooder.write(garbage)) == nil { hungUp = true } }
        XCTAssertTrue(hungUp, "the stranger sending only noise was hung up on")
        flooder.close()
        robot.close()
        try await running.stop()
    }

    /// A query log that cannot be opened at start is opened once its directory can be
    /// written, without a restart (on the service's clock: a test clock here).
    func testTheQueryLogRecoversWithoutARestart() async throws {
        let parent = RunningDaemon.scratch("qlog")
        let blocked = parent + "/log"
        // A file where the log's directory should be: the open fails.
        XCTAssertTrue(FileManager.default.createFile(atPath: blocked, contents: Data("not a directory".utf8)))
        let clock = TestClock()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let service = QueryLogService(settings: .init(path: blocked + "/queries.sqlite"), environment: [:], clock: clock,
                                      retryInterval: .seconds(30), logger: logger)
        XCTAssertFalse(service.isOpen)
        XCTAssertNotNil(service.state.error)
        let run = Task { try await service.run() }
        // Mend the disk, let the retry come round.
        try FileManager.default.removeItem(atPath: blocked)
        try FileManager.default.createDirectory(atPath: blocked, withIntermediateDirectories: true)
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(30))
        let opened = await service.waitUntilOpen(timeout: .seconds(10))
        XCTAssertTrue(opened, "\(service.state)")
        XCTAssertNil(service.state.error)
        run.cancel()
        _ = try? await run.value
    }
}
