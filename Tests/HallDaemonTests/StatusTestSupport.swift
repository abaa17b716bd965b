import Foundation
@testable import HallDaemon
import Logging
import NIOPosix
import StatusProtocol
import Synchronization
import XCTest
import NIOCore

/// A gate a task waits at until the test opens it, and an event for the test that a task
/// has arrived there.
final class Gate: Sendable {
    private struct State {
        var open = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var arrivals = 0
        var arrivalWatchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    var isOpen: Bool { state.withLock { $0.open } }

    /// Waits until the gate is open (at once when it is).
    func pass() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (resume, arrived) = state.withLock { s -> (Bool, [CheckedContinuation<Void, Never>]) in
                s.arrivals += 1
                let arrived = s.arrivalWatchers.filter { $0.count <= s.arrivals }.map(\.continuation)
                s.arrivalWatchers.removeAll { $0.count <= s.arrivals }
                if !s.open { s.waiting.append(continuation) }
                return (s.open, arrived)
            }
            for watcher in arrived { watcher.resume() }
            if resume { continuation.resume() }
        }
    }

    /// Returns once `count` tasks have come to the gate (passed or waiting).
    func arrivals(_ count: Int = 1) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.arrivals >= count { return true }
                s.arrivalWatchers.append((count, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    func open() {
        let waiting = state.withLock { s in
            s.open = true
            defer { s.waiting = [] }
            return s.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}

/// A StatusProvider with a fixed status and recorded admin calls, so the socket can be
/// tested without a hall or devices.
final class FakeStatusProvider: StatusProvider {
    let calls = Mutex<[String]>([])
    let reloadResult: DaemonStatus.Reload
    /// Where a reload waits until the test opens it (none: it returns at once): lets a
    /// test show that replies keep request order while an earlier request still runs.
    let reloadGate: Gate?
    private let reloadsRunning = Mutex(0)
    /// Calls that came while a reload was still running.
    let overlapping = Mutex<[String]>([])

    init(reloadResult: DaemonStatus.Reload = FakeStatusProvider.applied, reloadGate: Gate? = nil) {
        self.reloadResult = reloadResult
        self.reloadGate = reloadGate
    }

    var recorded: [String] { calls.withLock { $0 } }

    private func called(_ call: String) {
        calls.withLock { $0.append(call) }
        if reloadsRunning.withLock({ $0 }) > 0 { overlapping.withLock { $0.append(call) } }
    }

    func status() -> DaemonStatus { Self.sample }

    func reload() async -> DaemonStatus.Reload {
        called("reload")
        reloadsRunning.withLock { $0 += 1 }
        await reloadGate?.pass()
        reloadsRunning.withLock { $0 -= 1 }
        return reloadResult
    }

    func recall(robot: String) -> Bool {
        called("recall \(robot)")
        return robot == "robot-north"
    }

    func audioTest(place: String) async -> String {
        called("audio-test \(place)")
        return "played the greeting on hall-north (north-door)"
    }

    func flushQueryLog() async -> DaemonStatus.QueryLog? {
        called("flush")
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
        try await Self.blocking(body)
    }

    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Sends `lines` in one write and reads `count` reply lines (fewer if halld closes).
    func exchange(_ bytes: [UInt8], replies count: Int) async throws -> [String] {
        try await Self.exchange(path: path, bytes, replies: count)
    }

    static func exchange(path: String, _ bytes: [UInt8], replies count: Int) async throws -> [String] {
        try await blocking {
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
