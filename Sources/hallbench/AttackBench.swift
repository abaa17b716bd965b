import DeviceProtocol
import DeviceSessions
import DeviceSimulation
import Foundation
import HallTime
import Synchronization

/// `hallbench attacks`: halld (the release binary) under the attacks of issue 12, with
/// the figures that say they no longer work: a robot's answer latency while another
/// connection sends crafted garbage at full rate, and how long a new device takes to
/// connect while 2,000 idle connections are held.
enum AttackBench {
    static func run() throws {
        let key = "text:attack-bench-key-0123456789"
        let halld = try HalldChild(config: """
            listen:
              tcp: 127.0.0.1:0
            limits:
              query_burst: 100000
              query_refill_seconds: 0.001
            devices:
              - {id: robot-north, kind: robot, station: robot-north, key: "\(key)"}
            """, name: "attacks")
        defer { halld.stop() }
        let port = halld.port
        let keyBytes = Array(key.dropFirst(5).utf8)
        print("## Attacks (halld pid \(halld.process.processIdentifier), release build)")

        // 1. Crafted garbage: a false header every 9 bytes, each claiming 1,024 bytes.
        let garbage = Array(repeating: [0xA5, 0x5A, 0x01, 0x00, 0x10, 0x01, 0x00, 0x00, 0x04] as [UInt8], count: 64 * 1024 / 9).flatMap { $0 }
        let flooding = Mutex(true)
        let sent = Mutex(0)
        let flooder = Thread {
            // halld hangs up on a stranger sending only noise; the flood dials again.
            while flooding.withLock({ $0 }) {
                guard let connection = try? TCPTransport(host: "127.0.0.1", port: port) else { continue }
                while flooding.withLock({ $0 }), (try? connection.write(garbage)) != nil { sent.withLock { $0 += garbage.count } }
                connection.close()
            }
        }
        flooder.start()
        let robot = SimulatedDevice(id: "robot-north", kind: .robot, key: keyBytes, transport: try TCPTransport(host: "127.0.0.1", port: port))
        try robot.connect()
        var latencies: [Double] = []
        let questions = ["护照在哪办", "厕所在哪", "社保在哪办", "三十号窗口", "where is the toilet"]
        for i in 0..<2000 {
            let (_, sentAt, receivedAt) = try robot.timedAsk(questions[i % questions.count])
            latencies.append(Double((receivedAt - sentAt).nanosecondCount))
        }
        flooding.withLock { $0 = false }
        flooder.cancel()
        latencies.sort()
        let floodBytes = sent.withLock { $0 }
        print(String(format: "a robot's answers while another connection sends crafted garbage (%.0f MB in the run): p50 %.0f µs, p99 %.0f µs, max %.0f µs (target p99 ≤ 5 ms)",
                     Double(floodBytes) / 1e6, percentile(latencies, 50) / 1000, percentile(latencies, 99) / 1000, (latencies.last ?? 0) / 1000))
        robot.close()

        // 2. 2,000 idle connections, then a device.
        var idle: [TCPTransport] = []
        for _ in 0..<2000 { if let c = try? TCPTransport(host: "127.0.0.1", port: port) { idle.append(c) } }
        var connects: [Double] = []
        for _ in 0..<5 {
            let t0 = Instant.monotonicNow()
            let device = SimulatedDevice(id: "robot-north", kind: .robot, key: keyBytes, transport: try TCPTransport(host: "127.0.0.1", port: port))
            try device.connect(timeoutMilliseconds: 5000)
            _ = try device.ask("厕所在哪")
            connects.append(Double((Instant.monotonicNow() - t0).nanosecondCount))
            device.close()
        }
        connects.sort()
        print(String(format: "a device connects and is answered beside %d idle connections: median %.1f ms, max %.1f ms (target < 1 s)",
                     idle.count, percentile(connects, 50) / 1e6, (connects.last ?? 0) / 1e6))
        for connection in idle { connection.close() }
    }
}
