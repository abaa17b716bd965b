import Foundation
import XCTest
// struct stat and timespec come from the first C module that included their headers,
// ALSA's here (MemberImportVisibility names that module, not Glibc).
import CALSA

/// halld as systemd runs it: a test plays systemd's part on NOTIFY_SOCKET and checks the
/// order READY, WATCHDOG pings, RELOADING with MONOTONIC_USEC, READY, STOPPING.
final class SystemdNotifyTests: XCTestCase {
    /// A unix datagram socket standing in for systemd's notify socket.
    final class NotifySocket: Sendable {
        let path: String
        let fd: Int32

        init(path: String) throws {
            self.path = path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                path.utf8CString.withUnsafeBytes { raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(raw.count))) }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard fd >= 0, bound == 0 else { throw XCTSkip("cannot bind a notify socket") }
        }

        deinit {
            close(fd)
            unlink(path)
        }

        /// The next message, or nil after the timeout.
        func next(timeout: Int32 = 5000) -> String? {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, timeout) == 1 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buffer, buffer.count, 0)
            return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
        }

        /// Skips messages until one satisfies `match`; returns it and what was skipped.
        func waitFor(_ what: String, timeout: Double = 10, _ match: (String) -> Bool) -> (String?, [String]) {
            var skipped: [String] = []
            let end = Date().addingTimeInterval(timeout)
            while Date() < end {
                guard let message = next(timeout: 500) else { continue }
                if match(message) { return (message, skipped) }
                skipped.append(message)
            }
            XCTFail("no \(what) within \(timeout) s; got \(skipped)")
            return (nil, skipped)
        }
    }

    func testNotifySequence() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hallguide-notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let notify = try NotifySocket(path: dir.appendingPathComponent("notify").path)
        let config = dir.appendingPathComponent("halld.yaml")
        try "listen:\n  tcp: 127.0.0.1:0\nmetrics:\n  listen: 127.0.0.1:0\nhttp:\n  listen: 127.0.0.1:0\nstatus:\n  socket: \(dir.path)/status.sock\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let halld = try ChildProcess(Binaries.path("halld"), ["--config", config.path],
                                     environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"])
        defer { halld.stop() }

        let (ready, _) = notify.waitFor("READY=1") { $0.contains("READY=1") }
        XCTAssertTrue(ready?.contains("STATUS=") == true, ready ?? "")
        // Each part says where it listens once (the status socket was once logged twice).
        let socketLines = halld.text.split(separator: "\n").filter { $0.contains("] status socket ") }
        XCTAssertEqual(socketLines.count, 1, halld.text)
        // Watchdog pings come at half the interval while the event loops answer.
        for _ in 0..<2 { _ = notify.waitFor("WATCHDOG=1", timeout: 3) { $0.contains("WATCHDOG=1") } }

        kill(halld.process.processIdentifier, SIGHUP)
        let (reloading, _) = notify.waitFor("RELOADING=1") { $0.contains("RELOADING=1") }
        XCTAssertTrue(reloading?.contains("MONOTONIC_USEC=") == true, "RELOADING=1 must carry MONOTONIC_USEC in the same message: \(reloading ?? "")")
        let usec = reloading.flatMap { m in m.split(separator: "\n").first { $0.hasPrefix("MONOTONIC_USEC=") }.flatMap { UInt64($0.dropFirst(15)) } }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        XCTAssertLessThanOrEqual(usec ?? .max, UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000)
        _ = notify.waitFor("READY=1 after the reload") { $0.contains("READY=1") }

        halld.stop(SIGTERM)
        _ = notify.waitFor("STOPPING=1", timeout: 5) { $0.contains("STOPPING=1") }
        XCTAssertEqual(halld.process.terminationStatus, 0, halld.text)
    }
}
