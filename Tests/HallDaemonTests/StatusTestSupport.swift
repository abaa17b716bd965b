import Foundation
@testable import HallDaemon
import Logging
import NIOPosix
import StatusProtocol
import Synchronization
import XCTest

/// A StatusProvider with a fixed status and recorded admin calls, so the socket can be
/// tested without a hall or devices.
final class FakeStatusProvider: StatusProvider {
    let calls = Mutex<[String]>([])
    let reloadResult: DaemonStatus.Reload
    /// How long a reload takes: lets a test show that replies keep request order even
    /// when an earlier request is the slow one.
    let reloadDelay: Duration

    init(reloadResult: DaemonStatus.Reload = FakeStatusProvider.applied, reloadDelay: Duration = .zero) {
        self.reloadResult = reloadResult
        self.reloadDelay = reloadDelay
    }

    var recorded: [String] { calls.withLock { $0 } }

    func status() -> DaemonStatus { Self.sample }

    func reload() async -> DaemonStatus.Reload {
        calls.withLock { $0.append("reload") }
        if reloadDelay > .zero { try? await Task.sleep(for: reloadDelay) }
        return reloadResult
    }

    func recall(robot: String) -> Bool {
        calls.withLock { $0.append("recall \(robot)") }
        return robot == "robot-north"
    }

    func audioTest(place: String) async -> String {
        calls.withLock { $0.append("audio-test \(place)") }
        return "played the greeting on hall-north (north-door)"
    }

    func flushQueryLog() async -> DaemonStatus.QueryLog? {
        calls.withLock { $0.append("flush") }
        return Self.sample.queryLog
    }

    static let applied = DaemonStatus.Reload(secondsAgo: 0, ok: true, problems: [], dataVersion: "5e1f00d2c0ffee42")
    static let refused = DaemonStatus.Reload(
        secondsAgo: 0, ok: false,
        problems: ["/etc/hallguide/intents/facilities.yaml:12: keyword '护照' is claimed by intents 'toilet' (facilities.yaml:12) and 'exit-entry' (west-hall.yaml:7)"],
        dataVersion: "29178fa7ebf14495")

    static let sample = DaemonStatus(
        version: "0.3.0", pid: 4242, uptimeSeconds: 7_530,
        hall: .init(id: "changchun-municipal", dataVersion: "29178fa7ebf14495", map: "/etc/hallguide/maps/changchun-municipal.yaml",
                    intents: "/etc/hallguide/intents", intentCount: 27, nodeCount: 95, loadedSecondsAgo: 312),
        lastReload: refused,
        devices: [
            .init(id: "robot-north", kind: "robot", station: "robot-north", connected: true, transport: "tcp", peer: "tcp:10.0.5.21:50112",
                  lastSeenSecondsAgo: 0.4, firmware: "hg-robot 2.1.0", linkErrors: 0, reconnects: 1, activity: "leading",
                  battery: 87, leadDestination: "exit-entry"),
            .init(id: "screen-west", kind: "screen", station: "screen-west", connected: false, transport: "serial", peer: "",
                  lastSeenSecondsAgo: 192, firmware: "", linkErrors: 3, reconnects: 4, activity: nil, battery: nil, leadDestination: nil),
        ],
        answers: .init(answered: 1204, byOutcome: ["route": 1000, "clarify": 170, "fallback": 34], failed: 0),
        badFrames: 17,
        malformed: [
            .init(peer: "tcp:10.0.5.99:40001", device: "robot-north", secondsAgo: 12, reason: "CRC mismatch",
                  hex: "7e4847010200180000000100056865" + "6c6c6fffeeddccbbaa", offset: 20),
        ],
        audio: [.init(name: "hall-north", pcm: "hw:1,0", state: "idle", queued: 0, played: 412, failed: 1, lastError: "underrun")],
        queryLog: .init(path: "/var/lib/hallguide/queries.sqlite", recorded: 1204, committed: 1198, pending: 6, dropped: 0,
                        failedWrites: 0, pruned: 0, error: nil))
}

/// Log lines, so tests can check what halld logs (a refused admin command names the uid).
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var logger: Logger {
        Logger(label: "status-test") { _ in CapturingHandler(log: self) }
    }

    struct CapturingHandler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            log.append("\(event.level) \(event.message)")
        }
    }
}

/// A status server on a socket of its own, and blocking clients for it.
final class StatusHarness {
    let directory: URL
    let path: String
    let provider: FakeStatusProvider
    let log = CapturedLog()
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private(set) var server: StatusServer?

    init(provider: FakeStatusProvider = FakeStatusProvider()) throws {
        // Short: a Unix socket path must fit in 108 bytes.
        directory = URL(fileURLWithPath: "/tmp/hgs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("status.sock").path
        self.provider = provider
    }

    func start(adminUIDs: [UInt32] = [], adminGroups: [String] = [],
               configure: (inout StatusServer.Configuration) -> Void = { _ in }) async throws {
        var configuration = StatusServer.Configuration(path: path, adminUIDs: adminUIDs, adminGroups: adminGroups)
        configure(&configuration)
        server = try await StatusServer.start(configuration: configuration, provider: provider, group: group, logger: log.logger)
    }

    func stop() async {
        await server?.stop()
        server = nil
        try? await group.shutdownGracefully()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Blocking socket work runs on a thread of its own: on the cooperative pool it could
    /// starve the server's connection tasks on a small machine.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Sends `lines` in one write and reads `count` reply lines (fewer if halld closes).
    func exchange(_ bytes: [UInt8], replies count: Int) async throws -> [String] {
        let path = path
        return try await blocking {
            let connection = try StatusConnection(path: path, timeoutSeconds: 10)
            try connection.send(bytes)
            var replies: [String] = []
            while replies.count < count, let line = try connection.readLine() {
                replies.append(String(decoding: line, as: UTF8.self))
            }
            return replies
        }
    }

    func ask(_ request: StatusRequest) async throws -> String {
        try await exchange(Array(StatusWire.line(request)), replies: 1).first ?? ""
    }

    func reply<R: Decodable>(_ type: R.Type, _ line: String) throws -> StatusReplyOf<R> {
        try StatusWire.decoder().decode(StatusReplyOf<R>.self, from: Data(line.utf8))
    }
}

/// A reply as a test reads it (StatusReply needs Codable results; tests only decode).
struct StatusReplyOf<R: Decodable>: Decodable {
    var ok: Bool
    var result: R?
    var error: String?
}
