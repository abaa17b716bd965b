import Foundation
import HallTestFixtures
import StatusProtocol
import XCTest

/// The status types are one contract for halld and hallctl, which may be different
/// versions during an upgrade: the wire stays as documented, an older reply (fields
/// missing) and a newer one (fields unknown) both decode, and hallctl shows "-" for what
/// the other side did not send.
final class StatusCompatibilityTests: XCTestCase {
    /// A status reply as halld 0.3.0, the first with a status socket, sent it: no
    /// query_log, no serial ports, only played and failed per audio output. Frozen: a field
    /// added to DaemonStatus that is not optional makes this fail.
    static let reply030 = #"""
        {"ok":true,"result":{"answers":{"answered":1204,"by_outcome":{"clarify":170,"fallback":34,"route":1000},"failed":0},"audio":[{"failed":1,"last_error":"underrun","name":"hall-north","pcm":"hw:1,0","played":412,"queued":0,"state":"idle"}],"bad_frames":17,"devices":[{"activity":"leading","battery":87,"connected":true,"firmware":"hg-robot 2.1.0","id":"robot-north","kind":"robot","last_seen_seconds_ago":0.4,"lead_destination":"exit-entry","link_errors":0,"peer":"tcp:10.0.5.21:50112","reconnects":1,"station":"robot-north","transport":"tcp"},{"connected":false,"firmware":"","id":"screen-west","kind":"screen","last_seen_seconds_ago":192,"link_errors":3,"peer":"","reconnects":4,"station":"screen-west","transport":"serial"}],"hall":{"data_version":"29178fa7ebf14495","id":"changchun-municipal","intent_count":27,"intents":"/etc/hallguide/intents","loaded_seconds_ago":312,"map":"/etc/hallguide/maps/changchun-municipal.yaml","node_count":95},"last_reload":{"data_version":"29178fa7ebf14495","ok":false,"problems":["/etc/hallguide/intents/facilities.yaml:12: keyword '护照' is claimed by intents 'toilet' (facilities.yaml:12) and 'exit-entry' (west-hall.yaml:7)"],"seconds_ago":0},"malformed":[{"device":"robot-north","hex":"7e48470102001800000001000568656c6c6fffeeddccbbaa","offset":20,"peer":"tcp:10.0.5.99:40001","reason":"CRC mismatch","seconds_ago":12}],"pid":4242,"uptime_seconds":7530,"version":"0.3.0"}}
        """#

    func decode<T: Decodable>(_ type: T.Type, _ line: String) throws -> T {
        try StatusWire.decoder().decode(StatusReplyOf<T>.self, from: Data(line.utf8)).result.orThrow()
    }

    /// What halld sends today: the 0.3.0 reply plus the query log, keys snake_case and
    /// sorted, absent fields left out (README, "Status socket").
    func testTheWireIsAsDocumented() throws {
        let line = String(decoding: try StatusWire.line(StatusReply.success(FakeStatusProvider.sample)), as: UTF8.self)
        let queryLog = #","query_log":{"committed":1198,"dropped":0,"failed_writes":0,"path":"/var/lib/hallguide/queries.sqlite","pending":6,"pruned":0,"recorded":1204}"#
        var expected = Self.reply030
        expected.insert(contentsOf: queryLog, at: try XCTUnwrap(expected.range(of: #","uptime_seconds""#)).lowerBound)
        XCTAssertEqual(line, expected + "\n")
    }

    func testAnOlderReplyDecodesWithTheNewerFieldsAbsent() throws {
        let status = try decode(DaemonStatus.self, Self.reply030)
        var expected = FakeStatusProvider.sample
        expected.queryLog = nil
        XCTAssertEqual(status, expected)
        XCTAssertNil(status.devices[1].serial)
        XCTAssertNil(status.audio[0].dropped)
    }

    func testANewerReplyWithUnknownFieldsDecodes() throws {
        // A later halld: a top-level section, a device field and an audio field this
        // hallctl does not know.
        let newer = Self.reply030
            .replacingOccurrences(of: #""version":"0.3.0"}"#, with: #""version":"0.9.0","conversations":{"open":3,"idle_seconds":30}}"#)
            .replacingOccurrences(of: #""transport":"serial"}"#, with: #""transport":"serial","face":{"mood":"calm"}}"#)
            .replacingOccurrences(of: #""state":"idle"}"#, with: #""state":"idle","volume":0.8,"reopens":2}"#)
        let status = try decode(DaemonStatus.self, newer)
        XCTAssertEqual(status.version, "0.9.0")
        XCTAssertEqual(status.devices.map(\.id), ["robot-north", "screen-west"])
        XCTAssertEqual(status.audio[0].reopens, 2, "a field this version knows is read")
        XCTAssertEqual(try decode(StatusResults.Errors.self, #"{"ok":true,"result":{"bad_frames":2,"malformed":[],"since":"boot"}}"#),
                       StatusResults.Errors(badFrames: 2, malformed: []))
    }

    func testNewerFieldsRoundTrip() throws {
        var status = FakeStatusProvider.sample
        status.devices[1].serial = .init(port: "/dev/ttyUSB0", open: false, opens: 0, openFailures: 12,
                                         lastError: "cannot open /dev/ttyUSB0: No such file or directory")
        status.audio[0].dropped = 3
        let line = try StatusWire.line(StatusReply.success(status))
        let text = String(decoding: line, as: UTF8.self)
        XCTAssertTrue(text.contains(#""serial":{"last_error":"cannot open /dev/ttyUSB0: No such file or directory","open":false,"open_failures":12,"opens":0,"port":"/dev/ttyUSB0"}"#), text)
        XCTAssertTrue(text.contains(#""dropped":3,"failed":1"#), text)
        XCTAssertEqual(try decode(DaemonStatus.self, text), status)
    }

    /// hallctl against a halld 0.3.0: the table, with "-" for the counters it did not send.
    func testHallctlShowsAnOlderHalld() throws {
        let server = try CannedStatusServer(reply: Self.reply030)
        defer { server.close() }
        server.answerOneConnection()
        let run = try ProgramRun.run(Binaries.path("hallctl"), ["status", "--socket", server.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        for expected in [
            "halld 0.3.0 (pid 4242), up 2h05m",
            "query log: off",
            "AUDIO OUTPUT  PCM     STATE  QUEUED  PLAYED  FAILED  DROPPED  SUPPRESSED  REOPENS  LAST ERROR",
            "hall-north    hw:1,0  idle        0     412       1        -           -        -  underrun",
        ] {
            XCTAssertTrue(run.stdout.contains(expected), "missing \(expected)\n\(run.stdout)")
        }
        XCTAssertFalse(run.stdout.contains("SERIAL PORT"), "no serial section from a halld that reports no ports")
    }

    /// A newer halld's serial port and audio counters, as hallctl shows them.
    func testHallctlShowsSerialPortsAndAudioCounters() throws {
        var status = FakeStatusProvider.sample
        status.devices[1].serial = .init(port: "/dev/ttyUSB0", open: false, opens: 2, openFailures: 12,
                                         lastError: "cannot open: No such file or directory")
        status.audio[0].dropped = 3
        status.audio[0].suppressed = 40
        status.audio[0].reopens = 1
        let server = try CannedStatusServer(reply: String(decoding: try StatusWire.line(StatusReply.success(status)), as: UTF8.self))
        defer { server.close() }
        server.answerOneConnection()
        let run = try ProgramRun.run(Binaries.path("hallctl"), ["status", "--socket", server.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        for expected in [
            "SERIAL PORT   DEVICE       STATE   OPENS  FAILURES  LAST ERROR",
            "/dev/ttyUSB0  screen-west  closed      2        12  cannot open: No such file or directory",
            "hall-north    hw:1,0  idle        0     412       1        3          40        1  underrun",
        ] {
            XCTAssertTrue(run.stdout.contains(expected), "missing \(expected)\n\(run.stdout)")
        }
    }
}

private extension Optional {
    func orThrow() throws -> Wrapped {
        guard let value = self else { throw CocoaError(.coderValueNotFound) }
        return value
    }
}

/// A status socket that answers every connection's first request with one fixed line:
/// an old or a future halld, as far as hallctl can tell.
final class CannedStatusServer {
    let path: String
    private let directory: String
    private let listener: Int32
    private let reply: String

    init(reply: String) throws {
        directory = "/tmp/hgc-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/status.sock"
        self.reply = reply
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(listener, 4) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    /// Answers one connection's first request, on a thread of its own.
    func answerOneConnection() {
        let listener = listener, reply = reply
        Thread.detachNewThread {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            var byte: UInt8 = 0
            while read(connection, &byte, 1) == 1, byte != 0x0A {}
            let line = Array((reply + "\n").utf8)
            _ = line.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            Glibc.close(connection)
        }
    }

    /// Also wakes a thread still waiting in accept (hallctl never connected).
    func close() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
