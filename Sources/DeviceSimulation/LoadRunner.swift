import DeviceProtocol
import DeviceSessions
import Foundation
import HallTime
import Synchronization

/// Many simulated devices asking questions at a fixed total rate, each on its own thread
/// with its own connection; measures the time from query sent to answer received.
public struct LoadRunner: Sendable {
    public struct Device: Sendable {
        public var id: String
        public var kind: DeviceKind
        public var key: [UInt8]
        public init(id: String, kind: DeviceKind, key: [UInt8]) {
            self.id = id
            self.kind = kind
            self.key = key
        }
    }

    public struct Result: Sendable {
        public var answers = 0
        public var failures = 0
        public var seconds = 0.0
        /// Nanoseconds from query sent to answer received, sorted.
        public var latencies: [Double] = []
        public var errors: [String] = []

        public var answersPerSecond: Double { seconds > 0 ? Double(answers) / seconds : 0 }

        public func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return .nan }
            let i = min(latencies.count - 1, max(0, Int((p / 100 * Double(latencies.count - 1)).rounded())))
            return latencies[i]
        }
    }

    /// How the devices reach halld: its TCP device port, or its HTTP port's `/ws/device`.
    public enum Link: String, Sendable { case tcp, ws }

    public var host: String
    public var port: Int
    public var link: Link = .tcp
    public var devices: [Device]
    /// Questions per second across all devices.
    public var rate: Double
    public var seconds: Double
    public var questions: [String]

    public init(host: String, port: Int, devices: [Device], rate: Double, seconds: Double, questions: [String]) {
        self.host = host
        self.port = port
        self.devices = devices
        self.rate = rate
        self.seconds = seconds
        self.questions = questions
    }

    /// Runs the load; every device connects first, then all start together.
    public func run() -> Result {
        let results = Mutex([Result]())
        let ready = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        let perDevice = rate / Double(devices.count)
        let interval = Duration.nanoseconds(Int64(1e9 / perDevice))
        let questions = questions
        let (host, port, seconds, link) = (host, port, seconds, link)
        for (index, device) in devices.enumerated() {
            finished.enter()
            let thread = Thread {
                var result = Result()
                defer {
                    results.withLock { $0.append(result) }
                    finished.leave()
                }
                let simulated: SimulatedDevice
                do {
                    let transport: any ByteTransport = switch link {
                    case .tcp: try TCPTransport(host: host, port: port)
                    case .ws: try WebSocketTransport(host: host, port: port)
                    }
                    simulated = SimulatedDevice(id: device.id, kind: device.kind, key: device.key, transport: transport)
                    try simulated.connect()
                } catch {
                    result.errors.append("\(device.id): \(error)")
                    ready.signal()
                    go.wait()
                    return
                }
                ready.signal()
                go.wait()
                let start = Instant.monotonicNow()
                let end = start + .nanoseconds(Int64(seconds * 1e9))
                // Devices start spread over one interval, so the load is even.
                var next = start + interval * index / max(1, devices.count)
                var k = index
                result.latencies.reserveCapacity(Int(seconds * perDevice) + 16)
                while next < end {
                    // Sleep until the question is due (no spinning: the device threads must not
                    // take the CPU halld answers on).
                    var due = timespec(tv_sec: Int(next.nanoseconds / 1_000_000_000), tv_nsec: Int(next.nanoseconds % 1_000_000_000))
                    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, nil) == EINTR {}
                    do {
                        let (_, sent, received) = try simulated.timedAsk(questions[k % questions.count])
                        result.latencies.append(Double((received - sent).nanosecondCount))
                        result.answers += 1
                    } catch {
                        result.failures += 1
                        if result.errors.count < 5 { result.errors.append("\(device.id): \(error)") }
                    }
                    k += devices.count
                    next += interval
                }
                result.seconds = (Instant.monotonicNow() - start).seconds
                simulated.close()
            }
            thread.start()
        }
        for _ in devices { ready.wait() }
        for _ in devices { go.signal() }
        finished.wait()
        let all = results.withLock { $0 }
        var total = Result()
        for r in all {
            total.answers += r.answers
            total.failures += r.failures
            total.latencies += r.latencies
            total.errors += r.errors
            total.seconds = max(total.seconds, r.seconds)
        }
        total.latencies.sort()
        return total
    }
}
