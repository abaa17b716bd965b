import Foundation
@testable import HallDaemon
import StatusProtocol
import XCTest
// struct stat and timespec come from the first C module that included their headers,
// ALSA's here (MemberImportVisibility names that module, not Glibc).
import CALSA
import NIOCore
import Synchronization

/// The status socket over real Unix sockets, with a fake provider.
final class StatusServerTests: XCTestCase {
    func withServer(_ provider: FakeStatusProvider = FakeStatusProvider(), adminUIDs: [UInt32] = [], adminGroups: [String] = [],
                    configure: (inout StatusServer.Configuration) -> Void = { _ in },
                    _ body: (StatusHarness) async throws -> Void) async throws {
        let harness = try StatusHarness(provider: provider)
        do {
            try await harness.start(adminUIDs: adminUIDs, adminGroups: adminGroups, configure: configure)
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    func testStatusAndVersionReplies() async throws {
        try await withServer { h in
            let line = try await h.ask(StatusRequest(.status))
            let status = try h.reply(DaemonStatus.self, line)
            XCTAssertTrue(status.ok)
            XCTAssertEqual(status.result, FakeStatusProvider.sample)
            // The documented shape: snake_case keys, the envelope first-class.
            XCTAssertTrue(line.hasPrefix("{\"ok\":true,\"result\":{"), line)
            XCTAssertTrue(line.contains("\"data_version\":\"29178fa7ebf14495\""), line)
            XCTAssertTrue(line.contains("\"last_seen_seconds_ago\":0.4"), line)

            let version = try h.reply(StatusResults.Version.self, try await h.ask(StatusRequest(.version)))
            XCTAssertEqual(version.result?.version, "0.3.0")
            XCTAssertEqual(version.result?.pid, 4242)
            XCTAssertEqual(version.result?.hall.dataVersion, "29178fa7ebf14495")

            let errors = try h.reply(StatusResults.Errors.self, try await h.ask(StatusRequest(.errors)))
            XCTAssertEqual(errors.result?.badFrames, 17)
            XCTAssertEqual(errors.result?.malformed.first?.offset, 20)
            let devices = try h.reply(StatusResults.Devices.self, try await h.ask(StatusRequest(.devices)))
            XCTAssertEqual(devices.result?.devices.map(\.id), ["robot-north", "screen-west"])
            let audio = try h.reply(StatusResults.Audio.self, try await h.ask(StatusRequest(.audio)))
            XCTAssertEqual(audio.result?.outputs.first?.played, 412)
        }
    }

    func testPipelinedRequestsAreAnsweredInOrder() async throws {
        // The reload comes first and waits at a gate until the test opens it: the requests
        // sent after it must still be answered after it.
        let gate = Gate()
        let provider = FakeStatusProvider(reloadGate: gate)
        try await withServer(provider, adminUIDs: [getuid()]) { h in
            let requests = [
                #"{"command":"reload"}"#, #"{"command":"version"}"#, "not json", #"{"command":"shutdown"}"#,
                "", #"{"command":"recall","robot":"robot-south"}"#, #"{"command":"recall"}"#, #"{"command":"errors"}"#,
                #"{"command":"audio-test","place":"north-door"}"#,
            ]
            let path = h.path, bytes = Array((requests.joined(separator: "\n") + "\r\n").utf8)
            async let exchanged = StatusHarness.exchange(path: path, bytes, replies: 8)
            await gate.arrivals(1)
            // The reload is running. Meanwhile the server serves other connections (a
            // whole round trip), but nothing sent after the reload on its connection runs.
            let other = try? await h.ask(StatusRequest(.version))
            let duringReload = provider.recorded
            gate.open()
            let replies = try await exchanged
            XCTAssertEqual(try h.reply(StatusResults.Version.self, other ?? "").result?.pid, 4242, "another connection is answered during the reload")
            XCTAssertEqual(duringReload, ["reload"], "what came after the reload waited for it")
            XCTAssertEqual(provider.overlapping.withLock { $0 }, [], "no request ran while the reload ran")
            XCTAssertEqual(replies.count, 8, "the blank line gets no reply, every other line one")
            XCTAssertEqual(try h.reply(StatusResults.Version.self, replies[1]).result?.version, "0.3.0")
            XCTAssertEqual(try h.reply(DaemonStatus.Reload.self, replies[0]).result, FakeStatusProvider.applied)
            XCTAssertTrue(replies[2].contains("not a request"), replies[2])
            XCTAssertTrue(replies[3].contains("unknown command 'shutdown'"), replies[3])
            XCTAssertTrue(replies[4].contains("robot 'robot-south' is not connected"), replies[4])
            XCTAssertTrue(replies[5].contains("recall needs"), replies[5])
            XCTAssertEqual(try h.reply(StatusResults.Errors.self, replies[6]).result?.badFrames, 17)
            XCTAssertEqual(try h.reply(StatusResults.AudioTest.self, replies[7]).result?.place, "north-door")
            XCTAssertEqual(provider.recorded, ["reload", "recall robot-south", "audio-test north-door"])
        }
    }

    func testOverlongRequestLineIsRefusedAndTheConnectionClosed() async throws {
        try await withServer { h in
            // Exactly the limit is fine (JSON allows the padding).
            let padded = #"{"command":"version"}"# + String(repeating: " ", count: StatusWire.maxRequestBytes - 21)
            XCTAssertEqual(padded.utf8.count, StatusWire.maxRequestBytes)
            let atLimit = try await h.exchange(Array((padded + "\n").utf8), replies: 1)
            XCTAssertTrue(atLimit.first?.hasPrefix("{\"ok\":true") == true, "\(atLimit)")

            // One byte more, no newline yet: refused at once, then closed (more than the
            // two replies asked for, to see the end of the connection).
            let over = #"{"command":"status"}"# + "\n" + String(repeating: "x", count: StatusWire.maxRequestBytes + 1)
            let replies = try await h.exchange(Array(over.utf8), replies: 3)
            XCTAssertEqual(replies.count, 2, "\(replies)")
            XCTAssertTrue(replies[0].hasPrefix("{\"ok\":true"))
            XCTAssertEqual(replies[1], #"{"error":"request line longer than 4096 bytes","ok":false}"#)
            XCTAssertTrue(h.log.text.contains("over 4096 bytes from uid \(getuid())"), h.log.text)
        }
    }

    /// What `printf '{"command":"version"}' | socat - UNIX-CONNECT:…` does: no newline,
    /// then a half-close. The request is still answered before the connection ends.
    func testLastRequestWithoutNewlineBeforeHalfCloseIsAnswered() async throws {
        try await withServer { h in
            let path = h.path
            let replies = try await h.blocking { () -> [String] in
                let connection = try StatusConnection(path: path, timeoutSeconds: 5)
                try connection.send(Array(#"{"command":"version"}"#.utf8))
                try connection.finishSending()
                var lines: [String] = []
                while let line = try connection.readLine() { lines.append(String(decoding: line, as: UTF8.self)) }
                return lines
            }
            XCTAssertEqual(replies.count, 1)
            XCTAssertEqual(try h.reply(StatusResults.Version.self, replies.first ?? "").result?.pid, 4242)
        }
    }

    func testAdminCommandsAreRefusedForAnUnauthorisedPeer() async throws {
        let me = getuid()
        let someoneElse = me == 4000 ? 4001 : 4000
        let provider = FakeStatusProvider()
        try await withServer(provider, adminUIDs: [UInt32(someoneElse)]) { h in
            for request in [StatusRequest(.reload), StatusRequest(.recall, robot: "robot-north"), StatusRequest(.audioTest, place: "north-door")] {
                let reply = try h.reply(DaemonStatus.Reload.self, try await h.ask(request))
                XCTAssertFalse(reply.ok)
                XCTAssertEqual(reply.error, "not authorised: uid \(me) is not in status.admin_uids and none of its groups is in status.admin_groups")
            }
            XCTAssertEqual(provider.recorded, [], "nothing ran")
            XCTAssertTrue(h.log.text.contains("warning status socket: refused reload from uid \(me) gid \(getgid()) pid \(getpid())"), h.log.text)
            // Reads stay open to whoever can connect.
            let read = try await h.ask(StatusRequest(.status))
            XCTAssertTrue(try h.reply(DaemonStatus.self, read).ok)
        }
        // Root is not an admin by being root, nor is anyone with nothing configured.
        try await withServer(provider) { h in
            let reply = try h.reply(DaemonStatus.Reload.self, try await h.ask(StatusRequest(.reload)))
            XCTAssertEqual(reply.error, "not authorised: no status.admin_uids or status.admin_groups are configured")
        }
        try await withServer(provider, adminUIDs: [me]) { h in
            let reply = try h.reply(DaemonStatus.Reload.self, try await h.ask(StatusRequest(.reload)))
            XCTAssertEqual(reply.result, FakeStatusProvider.applied)
            XCTAssertTrue(h.log.text.contains("notice status socket: reload by uid \(me)"), h.log.text)
        }
        XCTAssertEqual(provider.recorded, ["reload"])
    }

    func testAdminByGroupNameAndUnknownGroupsGrantNothing() async throws {
        var entry = group()
        var found: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrgid_r(getgid(), &entry, &buffer, buffer.count, &found) == 0, let mine = found else {
            throw XCTSkip("the test's group has no name")
        }
        let myGroup = String(cString: mine.pointee.gr_name)
        try await withServer(adminUIDs: [], adminGroups: ["hallguide-no-such-group", myGroup]) { h in
            let reply = try h.reply(DaemonStatus.Reload.self, try await h.ask(StatusRequest(.reload)))
            XCTAssertTrue(reply.ok, reply.error ?? "")
            XCTAssertTrue(h.log.text.contains("admin group 'hallguide-no-such-group' does not exist"), h.log.text)
        }
        try await withServer(adminUIDs: [], adminGroups: ["hallguide-no-such-group"]) { h in
            let line = try await h.ask(StatusRequest(.reload))
            XCTAssertFalse(try h.reply(DaemonStatus.Reload.self, line).ok)
        }
        // Supplementary groups come from the user database; the peer's gid counts too.
        XCTAssertTrue(AdminPolicy.groups(ofUID: getuid(), primary: getgid()).contains(getgid()))
        let policy = AdminPolicy(uids: [], gids: [777], groupsOfUser: { uid, _ in uid == 1000 ? [100, 777] : [100] })
        XCTAssertNil(policy.refusal(for: PeerCredentials(pid: 1, uid: 1000, gid: 100)))
        XCTAssertNotNil(policy.refusal(for: PeerCredentials(pid: 1, uid: 1001, gid: 100)))
        XCTAssertNil(policy.refusal(for: PeerCredentials(pid: 1, uid: 1001, gid: 777)))
        XCTAssertNotNil(policy.refusal(for: nil))
    }

    func testSocketFileIsGroupReadWriteOnly() async throws {
        // The unit's UMask=0027 would make bind() create the socket 0750.
        let old = umask(0o027)
        defer { umask(old) }
        try await withServer { h in
            var info = stat()
            XCTAssertEqual(stat(h.path, &info), 0)
            XCTAssertEqual(info.st_mode & S_IFMT, S_IFSOCK)
            XCTAssertEqual(info.st_mode & 0o7777, 0o660)
        }
    }

    func testConnectionLimitAndIdleTimeout() async throws {
        let harness = try StatusHarness()
        try await harness.start { $0.maxConnections = 2; $0.idleTimeout = .milliseconds(400) }
        let path = harness.path
        let outcome = try await harness.blocking { () -> [String] in
            var seen: [String] = []
            let first = try StatusConnection(path: path, timeoutSeconds: 5)
            let second = try StatusConnection(path: path, timeoutSeconds: 5)
            for c in [first, second] { _ = try c.request(StatusRequest(.version)) }
            let third = try StatusConnection(path: path, timeoutSeconds: 5)
            seen.append(String(decoding: try third.readLine() ?? [], as: UTF8.self))
            seen.append(try third.readLine() == nil ? "closed" : "open")
            // Idle for longer than the timeout: both are closed by halld.
            seen.append(try first.readLine() == nil && second.readLine() == nil ? "idle closed" : "idle kept")
            // And their slots are free again.
            seen.append(try StatusConnection(path: path, timeoutSeconds: 5).request(StatusRequest(.version)).isEmpty ? "" : "accepted")
            return seen
        }
        XCTAssertEqual(outcome, [#"{"error":"too many connections (at most 2)","ok":false}"#, "closed", "idle closed", "accepted"])
        await harness.stop()
    }

    /// stop() closes what is open, rather than waiting for it to go idle, and removes the
    /// socket file.
    func testStopClosesOpenConnectionsAndRemovesTheSocket() async throws {
        let harness = try StatusHarness()
        // Idle for an hour before halld would close it itself: only stop() can, here.
        try await harness.start { $0.idleTimeout = .hours(1) }
        let path = harness.path
        // The read's timeout only keeps the test from hanging when stop() does not close it.
        let open = try await harness.blocking { ConnectionBox(try StatusConnection(path: path, timeoutSeconds: 60)) }
        _ = try await harness.blocking { try open.connection.request(StatusRequest(.version)) }
        let server = try XCTUnwrap(harness.server)
        let stopping = Task { await server.stop() }
        let after = try await harness.blocking { try open.connection.readLine() }
        XCTAssertNil(after, "stop() closed the open connection")
        await stopping.value
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        await harness.stop()
    }

    func testSocketPaths() {
        let writable: (String) -> Bool = { _ in true }
        let readOnly: (String) -> Bool = { _ in false }
        XCTAssertEqual(StatusServer.defaultPath(environment: ["RUNTIME_DIRECTORY": "/run/hallguide:/run/other"]),
                       "/run/hallguide/status.sock")
        XCTAssertEqual(StatusServer.defaultPath(environment: ["RUNTIME_DIRECTORY": "/run/hallguide"], configured: "/srv/hg.sock"),
                       "/srv/hg.sock")
        XCTAssertEqual(StatusSocketPath.server(environment: [:], isWritableDirectory: writable), "/run/hallguide/status.sock")
        XCTAssertEqual(StatusSocketPath.server(environment: [:], isWritableDirectory: readOnly), "./halld-status.sock")
        XCTAssertEqual(StatusSocketPath.client(explicit: nil, environment: ["HALLGUIDE_STATUS_SOCKET": "/x.sock"]), "/x.sock")
        XCTAssertEqual(StatusSocketPath.client(explicit: "/y.sock", environment: ["HALLGUIDE_STATUS_SOCKET": "/x.sock"]), "/y.sock")
        XCTAssertEqual(StatusSocketPath.client(explicit: nil, environment: [:], exists: { $0 == "./halld-status.sock" }),
                       "./halld-status.sock")
        XCTAssertEqual(StatusSocketPath.client(explicit: nil, environment: [:], exists: { _ in false }), "/run/hallguide/status.sock")
    }
}

/// Hands one blocking connection from thread to thread; only one thread uses it at a time.
final class ConnectionBox: @unchecked Sendable {
    let connection: StatusConnection
    init(_ connection: StatusConnection) { self.connection = connection }
}
