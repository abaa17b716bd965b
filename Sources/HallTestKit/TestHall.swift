import DeviceLinks
import DeviceProtocol
import DeviceSessions
import Foundation
import HallAnswers
import HallConversation
import HallDaemon
import HallModel
import HallTime
import Logging
import Synchronization

/// A hall in memory, for tests and benchmarks: the real conversation, its executor, the
/// device hub and a link session per device, over in-memory links instead of sockets,
/// with a test clock. Everything runs on the caller's thread, one step at a time, so a
/// test reads as a visit: `try hall.robot("robot-north").ask("护照在哪办")`.
public final class TestHall {
    public let clock: TestClock
    public let hub: DeviceHub
    public let conversation: ConversationExecutor
    /// Every answered question, as the query log would get it.
    public let answers = RecordedAnswers()
    public let timing: SessionTiming
    let logger: Logger
    private var devices: [String: TestDevice] = [:]
    private let roster: [String: DeviceCredentials]

    /// - Parameters:
    ///   - devices: the configured devices; by default the map's stations with development keys.
    ///   - timing: session timers; by default the protocol's, with the query rate limit
    ///     raised so that a test may ask freely (`SessionTiming()` keeps the real one).
    public init(hall: Hall? = nil, devices: [DeviceCredentials]? = nil, timing: SessionTiming = .testKit,
                settings: ConversationSettings = ConversationSettings(), clock: TestClock = TestClock(),
                recorder: (any AnswerRecorder)? = nil, logger: Logger? = nil) throws {
        let hall = try hall ?? Hall.builtIn()
        let configured = devices ?? hall.map.stations.map {
            DeviceCredentials(id: $0.id, kind: $0.kind == .robot ? .robot : .screen, station: $0.id, key: DeviceKey.development(for: $0.id))
        }
        self.timing = timing
        self.clock = clock
        var quiet = Logger(label: "hallguide.testkit")
        quiet.logLevel = .critical
        self.logger = logger ?? quiet
        roster = Dictionary(configured.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        hub = DeviceHub(roster: DeviceRoster(configured))
        conversation = ConversationExecutor(
            conversation: Conversation(hall: hall, devices: configured.map { ConversationDevice(id: $0.id, kind: $0.kind, station: $0.station) },
                                       settings: settings),
            hub: hub, audio: nil, recorder: recorder ?? answers, metrics: nil, clock: clock, logger: self.logger)
    }

    /// The configured robot, connected and authenticated on first use.
    public func robot(_ id: String) throws(TestDeviceError) -> TestDevice { try connected(id, kind: .robot) }

    public func screen(_ id: String) throws(TestDeviceError) -> TestDevice { try connected(id, kind: .screen) }

    private func connected(_ id: String, kind: DeviceKind) throws(TestDeviceError) -> TestDevice {
        if let known = devices[id], known.isReady { return known }
        guard let credentials = roster[id] else { throw .notConfigured(id) }
        let device = self.device(id, kind: kind, key: credentials.key)
        try device.connect()
        return device
    }

    /// A device on a new in-memory link, not yet connected: any id, kind and key (a wrong
    /// key, an unknown id), from `source` (devices behind one gateway share a source).
    public func device(_ id: String, kind: DeviceKind, key: [UInt8], source: String = "memory:10.0.0.1") -> TestDevice {
        let device = TestDevice(id: id, kind: kind, key: key, source: source, hall: self)
        devices[id] = device
        return device
    }

    /// Moves the clock on in steps of the links' tick (100 ms), ticking every link and
    /// letting every device do what its firmware would (heartbeats, acks, retransmits).
    public func advance(by duration: Duration) {
        var left = duration
        while left > .zero {
            let step = min(left, .milliseconds(100))
            clock.advance(by: step)
            left -= step
            for device in devices.values { device.tick() }
        }
    }

    var everyDevice: [TestDevice] { Array(devices.values) }
}

extension SessionTiming {
    /// The protocol's timers with the query rate limit out of the way.
    public static var testKit: SessionTiming {
        var timing = SessionTiming()
        timing.queryBurst = 1_000_000
        return timing
    }
}

/// Answered questions kept in memory, in order.
public final class RecordedAnswers: AnswerRecorder {
    private let records = Mutex<[(question: AnsweredQuestion, latency: Duration)]>([])

    public init() {}

    public func record(_ question: AnsweredQuestion, latency: Duration, at time: Date) {
        records.withLock { $0.append((question, latency)) }
    }

    public var all: [AnsweredQuestion] { records.withLock { $0.map(\.question) } }

    public var latencies: [Duration] { records.withLock { $0.map(\.latency) } }

    public func removeAll() { records.withLock { $0.removeAll() } }
}

public enum TestDeviceError: Error, Equatable, CustomStringConvertible {
    case notConfigured(String)
    case refused(String, NakCode?)
    case noAnswer(String)
    case unsendable(String)
    case disconnected

    public var description: String {
        switch self {
        case .notConfigured(let id): "no device '\(id)' in the test hall"
        case let .refused(reason, code): "refused: \(reason) (\(code.map { "\($0)" } ?? "no code"))"
        case .noAnswer(let what): "no answer to \(what)"
        case .unsendable(let why): "cannot encode: \(why)"
        case .disconnected: "the link is closed"
        }
    }
}
