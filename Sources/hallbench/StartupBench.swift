import Foundation

/// `hallbench startup`: time from starting halld (the release binary, default hall) to
/// its READY=1 on a notify socket this benchmark plays systemd with.
enum StartupBench {
    static func run(rounds: Int = 10) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hallbench-startup-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let socketPath = dir.appendingPathComponent("notify").path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            socketPath.utf8CString.withUnsafeBytes { raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(raw.count))) }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { print("cannot bind a notify socket"); return }
        let config = dir.appendingPathComponent("halld.yaml")
        try "listen:\n  tcp: 127.0.0.1:0\nmetrics:\n  listen: 127.0.0.1:0\nhttp:\n  listen: 127.0.0.1:0\nstatus:\n  socket: \(dir.path)/status.sock\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let halld = try HalldBinary.path()
        var times: [Double] = []
        for _ in 0..<rounds {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: halld)
            process.arguments = ["--config", config.path, "--log-level", "error"]
            var env = ProcessInfo.processInfo.environment
            env["NOTIFY_SOCKET"] = socketPath
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            let t0 = now()
            try process.run()
            var buffer = [UInt8](repeating: 0, count: 4096)
            var ready = false
            while !ready {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 5000) == 1 else { break }
                let n = recv(fd, &buffer, buffer.count, 0)
                if n > 0, String(decoding: buffer[0..<n], as: UTF8.self).contains("READY=1") { ready = true }
            }
            if ready { times.append(Double(now() - t0)) }
            process.terminate()
            process.waitUntilExit()
        }
        guard !times.isEmpty else { print("halld never sent READY=1 (\(halld))"); return }
        print(String(format: "## Start-up: halld start → READY=1 (links listening, default hall loaded): median %.0f ms, min %.0f ms, max %.0f ms (%d runs)",
                     median(times) / 1e6, times.min()! / 1e6, times.max()! / 1e6, times.count))
    }
}
