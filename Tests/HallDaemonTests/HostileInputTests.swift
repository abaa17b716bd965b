import DeviceProtocol
import DeviceSimulation
import Foundation
import HallDaemon
import HallTime
import Logging
import Synchronization
import XCTest
import DeviceLinks

/// Bytes no firmware should send: corrupt, truncated and oversized frames on a device's
/// own link, and a flood of garbage on another connection while devices keep asking.
final class HostileInputTests: XCTestCase {
    var running: RunningDaemon!
    var daemon: HallDaemon { running.daemon }

    override func setUp() async throws {
        running = try await RunningDaemon.start(RunningDaemon.config(devices: [
            .init(id: "robot-south", kind: .robot, station: "robot-south", key: Array("hostile-test-key-0123456789".utf8)),
        ]))
    }

    override func tearDown() async throws { try await running.stop() }

    func robot(transport: (any ByteTransport)? = nil) throws -> SimulatedDevice {
        let d = SimulatedDevice(id: "robot-south", kind: .robot, key: Array("hostile-test-key-0123456789".utf8),
                                transport: try transport ?? TCPTransport(host: "127.0.0.1", port: running.tcpPort))
        try d.connect()
        return d
    }

    func testCorruptTruncatedAndOversizedFramesAreCountedAndSkipped() throws {
        let raw = try TCPTransport(host: "127.0.0.1", port: running.tcpPort)
        let device = try robot(transport: raw)
        let valid = try MessageCodec.frame(.heartbeat(state: .idle, battery: 80, position: Position()), sequence: 500)
        var badCRC = valid
        badCRC[badCRC.count - 1] ^= 0xFF
        // A header claiming a 60,000-byte payload, then garbage.
        let oversized: [UInt8] = [0xA5, 0x5A, 1, 0, 0x05, 1, 0, 0x60, 0xEA] + Array(repeating: 0x41, count: 20)
        let truncated = Array(valid.prefix(valid.count - 3))
        try raw.write(badCRC + oversized + truncated)
        // The session survives all of it and answers the next question.
        XCTAssertEqual(try device.ask("社保在哪办").destination, "social-insurance")
        XCTAssertGreaterThanOrEqual(daemon.hub.badFrameCount, 2)
        let samples = daemon.hub.recentMalformed
        XCTAssertFalse(samples.isEmpty)
        XCTAssertTrue(samples.allSatisfy { $0.bytes.count <= 64 && $0.offset >= 0 && $0.offset <= $0.bytes.count })
        XCTAssertEqual(samples.first?.device, "robot-south")
        XCTAssertEqual(daemon.hub.statuses.first?.linkErrors ?? 0, samples.count)
    }

    func testAGarbageFloodOnOneLinkDoesNotStopTheOthers() throws {
        let device = try robot()
        let flooding = Mutex(true)
        let sent = Mutex(0)
        let port = running.tcpPort
        let hangups = Mutex(0)
        // Signalled once the flood has sent 1 MB (or has given up): the test asks only then.
        let underWay = ThreadWakeup()
        let gaveUp = Mutex(false)
        let flooder = Thread {
            defer {
                gaveUp.withLock { $0 = flooding.withLock { $0 } }
                underWay.signal()
            }
            var generator = SystemRandomNumberGenerator()
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            // halld hangs up on a stranger sending only noise; the flood dials again.
            while flooding.withLock({ $0 }) {
                guard let garbage = try? TCPTransport(host: "127.0.0.1", port: port) else { break }
                while flooding.withLock({ $0 }) {
                    for i in chunk.indices { chunk[i] = UInt8.random(in: 0...255, using: &generator) }
                    // Sprinkle sync pairs so the decoder keeps trying to resynchronise.
                    for i in stride(from: 0, to: chunk.count - 1, by: 997) { chunk[i] = 0xA5; chunk[i + 1] = 0x5A }
                    guard (try? garbage.write(chunk)) != nil else {
                        hangups.withLock { $0 += 1 }
                        break
                    }
                    if sent.withLock({ $0 += chunk.count; return $0 }) >= 1_000_000 { underWay.signal() }
                }
                garbage.close()
            }
        }
        flooder.start()
        defer { flooding.withLock { $0 = false } }
        // Wait until the flood is under way, then ask: every answer must come while it goes on
        // (the ask's own timeout only keeps a broken daemon from hanging the test).
        XCTAssertEqual(underWay.wait(for: .seconds(60)), .signalled, "the flood never got going")
        XCTAssertGreaterThanOrEqual(sent.withLock { $0 }, 1_000_000, "the flood did not start")
        for question in Array(repeating: ["护照在哪办", "厕所", "保险", "三十号窗口"], count: 10).flatMap({ $0 }) {
            XCTAssertNoThrow(try device.ask(question))
        }
        // The flood was still on (writing, or blocked on a full socket) when the last answer came.
        XCTAssertFalse(gaveUp.withLock { $0 }, "the flood stopped before the questions were answered")
        XCTAssertGreaterThan(daemon.hub.badFrameCount, 0)
        XCTAssertGreaterThan(hangups.withLock { $0 }, 0, "a noisy stranger is hung up on")
        XCTAssertLessThanOrEqual(daemon.hub.recentMalformed.count, daemon.hub.malformedHistory, "the error history is bounded")
    }
}
