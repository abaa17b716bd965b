import Foundation
@testable import HallDaemon
import HallTestFixtures
import StatusProtocol
import XCTest

/// The built `hallctl` against a real status socket served from a fake provider.
final class StatusCtlTests: XCTestCase {
    /// Runs a program to completion on a thread of its own (the server's tasks need the
    /// cooperative pool meanwhile).
    func run(_ executable: String, _ arguments: [String], in harness: StatusHarness) async throws -> ProgramRun {
        try await harness.blocking {
            try ProgramRun.run(executable, arguments, environment: ["HALLGUIDE_STATUS_SOCKET": nil])
        }
    }

    func hallctl(_ arguments: [String], _ harness: StatusHarness) async throws -> ProgramRun {
        try await run(Binaries.path("hallctl"), arguments + ["--socket", harness.path], in: harness)
    }

    func withServer(_ provider: FakeStatusProvider = FakeStatusProvider(), adminUIDs: [UInt32] = [getuid()],
                    _ body: (StatusHarness) async throws -> Void) async throws {
        let harness = try StatusHarness(provider: provider)
        do {
            try await harness.start(adminUIDs: adminUIDs)
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    func testStatusRendersTheTable() async throws {
        try await withServer { h in
            let run = try await hallctl(["status"], h)
            XCTAssertEqual(run.status, 0, run.stderr)
            let out = run.stdout
            for expected in [
                "halld 0.3.0 (pid 4242), up 2h05m",
                "hall changchun-municipal: data 29178fa7ebf14495, 27 intents, 95 nodes, loaded 5m12s ago",
                "last reload 0.0s ago: REFUSED, 1 problem; running data 29178fa7ebf14495 stays",
                "  /etc/hallguide/intents/facilities.yaml:12: keyword '护照'",
                "answers: 1204 (route 1000, clarify 170, fallback 34), failed 0",
                "query log /var/lib/hallguide/queries.sqlite: 1198 committed, 6 pending, 0 dropped, 0 failed writes",
                "DEVICE       KIND    STATION      STATE  LAST SEEN  LINK                 FIRMWARE        ERRORS  RECONNECTS  ACTIVITY",
                "robot-north  robot   robot-north  up     0.4s ago   tcp:10.0.5.21:50112  hg-robot 2.1.0       0           1  leading → exit-entry, battery 87%",
                "screen-west  screen  screen-west  down   3m12s ago  -                    -                    3           4  -",
                "AUDIO OUTPUT  PCM     STATE  QUEUED  PLAYED  FAILED  DROPPED  SUPPRESSED  REOPENS  LAST ERROR",
                "hall-north    hw:1,0  idle        0     412       1        -           -        -  underrun",
                "malformed frames: 17 since start; the last 1, newest first:",
                "[1] 12s ago, peer tcp:10.0.5.99:40001 (robot-north): CRC mismatch",
                "    24 bytes, error at byte 20:",
                "  00000  7e 48 47 01 02 00 18 00  00 00 01 00 05 68 65 6c  ~HG..........hel",
                "  00016  6c 6f ff ee dd cc bb aa                           lo......",
                "                     ^^",
            ] {
                XCTAssertTrue(out.contains(expected), "missing \(expected)\n\(out)")
            }
            // The caret sits under byte 20 (row 1, column 4: 0xdd).
            let lines = out.components(separatedBy: "\n")
            let caret = try XCTUnwrap(lines.firstIndex { $0.hasSuffix("^^") })
            let row = lines[caret - 1], marker = lines[caret]
            let column = marker.distance(from: marker.startIndex, to: marker.firstIndex(of: "^")!)
            XCTAssertEqual(String(row.dropFirst(column).prefix(2)), "dd")

            let json = try await hallctl(["status", "--json"], h)
            XCTAssertEqual(json.status, 0, json.stderr)
            let reply = try h.reply(DaemonStatus.self, json.stdout.trimmingCharacters(in: .newlines))
            XCTAssertEqual(reply.result, FakeStatusProvider.sample)

            let errors = try await hallctl(["errors"], h)
            XCTAssertEqual(errors.status, 0, errors.stderr)
            XCTAssertTrue(errors.stdout.hasPrefix("malformed frames: 17 since start"), errors.stdout)
            XCTAssertTrue(errors.stdout.contains("  00016  6c 6f ff ee dd cc bb aa"), errors.stdout)
        }
    }

    func testReloadExitCodesAndProblems() async throws {
        try await withServer(FakeStatusProvider(reloadResult: FakeStatusProvider.refused)) { h in
            let run = try await hallctl(["reload"], h)
            XCTAssertEqual(run.status, 1)
            XCTAssertTrue(run.stderr.contains("/etc/hallguide/intents/facilities.yaml:12: keyword '护照' is claimed"), run.stderr)
            XCTAssertTrue(run.stderr.hasSuffix("reload refused: 1 problem; halld keeps data 29178fa7ebf14495\n"), run.stderr)
        }
        try await withServer { h in
            let run = try await hallctl(["reload"], h)
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(run.stdout, "reload applied: data 5e1f00d2c0ffee42\n")
        }
        // Not an admin: refused, exit 1, the reason on stderr.
        try await withServer(adminUIDs: []) { h in
            let run = try await hallctl(["reload"], h)
            XCTAssertEqual(run.status, 1)
            XCTAssertTrue(run.stderr.contains("not authorised"), run.stderr)
        }
    }

    func testRecallAndAnUnreachableSocket() async throws {
        try await withServer { h in
            let north = try await hallctl(["recall", "robot-north"], h)
            XCTAssertEqual(north.status, 0, north.stderr)
            XCTAssertEqual(north.stdout, "recalled robot-north\n")
            let south = try await hallctl(["recall", "robot-south"], h)
            XCTAssertEqual(south.status, 1)
            XCTAssertEqual(south.stderr, "hallctl: robot 'robot-south' is not connected\n")
            XCTAssertEqual(h.provider.recorded, ["recall robot-north", "recall robot-south"])
        }
        let harness = try StatusHarness()
        let none = try await hallctl(["status"], harness)
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("cannot connect to \(harness.path)"), none.stderr)
        await harness.stop()
    }

    /// The README's example, as operators type it: socat half-closes after the request.
    func testSocatExampleFromTheReadme() async throws {
        guard let socat = Binaries.which("socat") else { throw XCTSkip("needs socat") }
        try await withServer { h in
            let run = try await run("/bin/sh", ["-c", "echo '{\"command\":\"errors\"}' | \(socat) - UNIX-CONNECT:\(h.path)"], in: h)
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(run.stdout, #"{"ok":true,"result":{"bad_frames":17,"malformed":[{"device":"robot-north","hex":"7e48470102001800000001000568656c6c6fffeeddccbbaa","offset":20,"peer":"tcp:10.0.5.99:40001","reason":"CRC mismatch","seconds_ago":12}]}}"# + "\n")
        }
    }

    /// The peer check with a real other user: as root, run hallctl as nobody (setpriv).
    /// nobody reaches the socket through its group, reads, and is refused reload; a user
    /// outside the group cannot connect at all.
    func testAnotherUserReadsButIsRefusedAdminCommands() async throws {
        guard getuid() == 0, let setpriv = Binaries.which("setpriv") else { throw XCTSkip("needs root and setpriv") }
        try await withServer(adminUIDs: [0]) { h in
            // What the unit arranges with its group: here the socket's group is nogroup.
            XCTAssertEqual(chown(h.path, 0, 65534), 0)
            let hallctl = Binaries.path("hallctl")
            let asNobody = [setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups", hallctl]
            let status = try await run(asNobody[0], Array(asNobody.dropFirst()) + ["status", "--socket", h.path], in: h)
            XCTAssertEqual(status.status, 0, status.stderr)
            XCTAssertTrue(status.stdout.contains("robot-north"), status.stdout)
            let reload = try await run(asNobody[0], Array(asNobody.dropFirst()) + ["reload", "--socket", h.path], in: h)
            XCTAssertEqual(reload.status, 1)
            XCTAssertTrue(reload.stderr.contains("not authorised: uid 65534 is not in status.admin_uids"), reload.stderr)
            XCTAssertTrue(h.log.text.contains("refused reload from uid 65534 gid 65534"), h.log.text)

            let outsider = try await run(setpriv, ["--reuid", "65533", "--regid", "65533", "--clear-groups", hallctl,
                                                   "status", "--socket", h.path], in: h)
            XCTAssertEqual(outsider.status, 2)
            XCTAssertTrue(outsider.stderr.contains("permission denied"), outsider.stderr)

            // Root is an admin here because the configuration lists uid 0.
            let asRoot = try await self.hallctl(["reload"], h)
            XCTAssertEqual(asRoot.status, 0, asRoot.stderr)
            XCTAssertEqual(h.provider.recorded, ["reload"])
        }
    }
}
