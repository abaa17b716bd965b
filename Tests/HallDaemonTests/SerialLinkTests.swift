import Foundation
import XCTest

/// halld and hallsim over a real serial pty pair through libserialport, as child processes
/// (the pty needs a modem-line shim preloaded; ENVIRONMENT.md). Pulls the plug by killing
/// socat and checks halld reopens the port without a restart.
final class SerialLinkTests: XCTestCase {
    var directory: URL!
    var shim = ""

    override func setUpWithError() throws {
        guard let _ = Binaries.which("socat") else { throw XCTSkip("socat is not installed (apt-get install socat)") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hallguide-serial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        shim = try Binaries.ptyShim(in: directory)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// libserialport wants a name under /dev/ that it can look up; this one resolves to the pty link.
    func portName(_ link: URL) -> String { "/dev/../../.." + link.path }

    func startSocat() throws -> ChildProcess {
        let a = directory.appendingPathComponent("ttyHALL"), b = directory.appendingPathComponent("ttyDEV")
        let socat = try ChildProcess(Binaries.which("socat")!, ["-d", "-d", "pty,raw,echo=0,link=\(a.path)", "pty,raw,echo=0,ignoreeof,link=\(b.path)"])
        // With -d -d socat says when both ends are open (and linked): it starts moving data.
        guard socat.waitFor("starting data transfer loop") else { throw XCTSkip("socat did not create the pty pair: \(socat.text)") }
        XCTAssertTrue(FileManager.default.fileExists(atPath: a.path) && FileManager.default.fileExists(atPath: b.path), socat.text)
        return socat
    }

    func ask(_ question: String) throws -> (Int32, String) {
        let run = try ChildProcess(Binaries.path("hallsim"),
                                   ["robot", "--id", "robot-north", "--key", "text:serial-test-key-0123456789",
                                    "--serial", portName(directory.appendingPathComponent("ttyDEV")), "--ask", question],
                                   environment: ["LD_PRELOAD": shim])
        let status = run.waitUntilExit()
        return (status, run.text)
    }

    func testAQuestionOverSerialAndRecoveryAfterThePlugIsPulled() throws {
        var socat = try startSocat()
        let config = directory.appendingPathComponent("halld.yaml")
        try """
        listen:
          tcp: off
        metrics:
          listen: off
        http:
          listen: 127.0.0.1:0
        status:
          socket: \(directory.appendingPathComponent("status.sock").path)
        devices:
          - id: robot-north
            kind: robot
            key: text:serial-test-key-0123456789
            serial: \(portName(directory.appendingPathComponent("ttyHALL")))
        """.write(to: config, atomically: true, encoding: .utf8)
        let halld = try ChildProcess(Binaries.path("halld"), ["--config", config.path], environment: ["LD_PRELOAD": shim])
        defer { halld.stop() }
        XCTAssertTrue(halld.waitFor("open, 115200 8N1"), halld.text)

        let (status, output) = try ask("护照在哪办")
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("route exit-entry"), output)

        // Pull the plug: the pty pair vanishes under halld.
        socat.stop(SIGKILL)
        XCTAssertTrue(halld.waitFor("link down"), halld.text)
        XCTAssertTrue(halld.process.isRunning)
        // Plug it back in: halld reopens the same name by itself.
        socat = try startSocat()
        defer { socat.stop() }
        XCTAssertTrue(halld.waitFor("open, 115200 8N1", occurrences: 2), halld.text)
        XCTAssertEqual(halld.text.components(separatedBy: "open, 115200 8N1").count - 1, 2, "opened once more, not again and again: \(halld.text)")
        let (again, answer) = try ask("厕所在哪")
        XCTAssertEqual(again, 0, answer)
        XCTAssertTrue(answer.contains("route restroom"), answer)
    }
}
