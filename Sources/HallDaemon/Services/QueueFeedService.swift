#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DeviceSessions
import Foundation
import HallAnswers
import HallModel
import HallTime
import Logging
import ServiceLifecycle
import StatusProtocol
import Synchronization

/// The queue feed (README "The queue feed"): snapshots of the queue system, from a file
/// halld watches or posted to its HTTP API, checked against the map and handed to the
/// conversation with the configured age. The answers quote a snapshot only while it is
/// fresh (QueueSnapshot.isFresh, by the snapshot's own time): a feed gone silent is
/// ignored without anything done here.
///
/// The file is checked every `pollInterval` (1 s) on the daemon's clock: its inode, size,
/// modification and change times; when any differs it is read again. Writers should write
/// a new file and rename it over the old (the adapter does), so that halld never reads
/// half a snapshot; one it does read half-written is refused and read again once complete.
public final class QueueFeedService: Service, Sendable {
    public struct Settings: Sendable {
        public var file: String?
        /// The key a POST must carry; nil: POST refused (404).
        public var key: [UInt8]?
        public var maxAge: Double
        public var pollInterval: Duration

        public init(file: String?, key: [UInt8]?, maxAge: Double, pollInterval: Duration = .seconds(1)) {
            self.file = file
            self.key = key
            self.maxAge = maxAge
            self.pollInterval = pollInterval
        }
    }

    /// A POST body larger than this is refused (413); a feed of a 48-window hall is ~3 KB.
    public static let maxBodyBytes = 64 << 10
    /// A file larger than this is not read.
    static let maxFileBytes = 1 << 20

    public let settings: Settings
    let conversation: ConversationExecutor
    let clock: any HallClock
    let logger: Logger
    /// Every snapshot taken or refused (file or POST), for tests.
    public let changes = EventCount()
    /// Every look at the file, changed or not, for tests.
    public let polls = EventCount()

    struct State {
        var snapshot: QueueSnapshot?
        var source: String?
        var updates = 0
        var rejected = 0
        var updatesBySource: [String: Int] = [:]
        var rejectedBySource: [String: Int] = [:]
        var lastError: String?
        var fileStamp: FileStamp?
        /// The file was missing at the last look (said once, not every second).
        var fileMissing = false
        var refusalLog = QuietLog()
    }

    private let state = Mutex(State())

    public init(settings: Settings, conversation: ConversationExecutor, clock: any HallClock, logger: Logger) {
        self.settings = settings
        self.conversation = conversation
        self.clock = clock
        self.logger = logger
        conversation.setQueue(nil, maxAge: settings.maxAge)
    }

    // MARK: - The POST form

    /// The body of a POST of the queue feed and the key it carried (the bearer token of
    /// `Authorization: Bearer KEY`, see `bearerToken`): what the HTTP route answers, its
    /// status and a JSON body. `peer` (the client's address) is only logged.
    public func post(body: some Collection<UInt8>, key: String?, peer: String = "") -> QueueFeedPostResult {
        guard let expected = settings.key else {
            return .refused(404, "the queue feed POST is off: set live.queue_feed_key_file in halld.yaml")
        }
        guard let key, !key.isEmpty else {
            return .refused(401, "a key is needed: Authorization: Bearer KEY")
        }
        guard Self.constantTimeEqual(Array(key.utf8), expected) else {
            let line = state.withLock { $0.refusalLog.admit(at: clock.now()) }
            if let line { logger.warning("queue feed: refused a POST\(peer.isEmpty ? "" : " from \(LogText.escaped(peer))"): wrong key\(line)") }
            rejected(source: "post", error: "a POST with a wrong key")
            return .refused(403, "wrong key")
        }
        guard body.count <= Self.maxBodyBytes else {
            rejected(source: "post", error: "a POST of \(body.count) bytes (at most \(Self.maxBodyBytes))")
            return .refused(413, "the body has \(body.count) bytes; at most \(Self.maxBodyBytes)")
        }
        guard let text = String(validating: Array(body), as: UTF8.self) else {
            rejected(source: "post", error: "a POST body that is not UTF-8")
            return .refused(400, "the body is not UTF-8 text")
        }
        switch take(text, file: "POST body", source: "post") {
        case .success(let snapshot):
            let now = clock.wallClock()
            let fresh = snapshot.isFresh(at: now, maxAge: settings.maxAge)
            return QueueFeedPostResult(status: 200, reply: .init(
                ok: true, time: conversation.hall.timetable.timeZone.iso8601(snapshot.time), zones: snapshot.waiting.count,
                calling: snapshot.calling.count, fresh: fresh,
                warning: fresh ? nil : "the snapshot's time is \(Int(now.timeIntervalSince(snapshot.time).rounded())) s from halld's clock (at most \(Int(settings.maxAge))): answers will not quote it"))
        case .failure(let refused):
            return QueueFeedPostResult(status: 400, reply: .init(ok: false, error: "the queue feed was refused", problems: refused.problems))
        }
    }

    /// `Bearer KEY` → KEY, for the route (nil for any other scheme or none).
    public static func bearerToken(fromAuthorization header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    /// Compares in time that depends on the expected key's length only.
    static func constantTimeEqual(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt8 = given.count == expected.count ? 0 : 1
        for i in expected.indices {
            difference |= expected[i] ^ (i < given.count ? given[i] : 0)
        }
        return difference == 0
    }

    // MARK: - The file form

    /// Looks at the file once: reads it again when it changed.
    func pollFile() {
        defer { polls.happened() }
        guard let file = settings.file else { return }
        let stamp = FileStamp(path: file)
        let (changed, wasMissing) = state.withLock { s -> (Bool, Bool) in
            defer {
                s.fileStamp = stamp
                s.fileMissing = stamp == nil
            }
            return (stamp != s.fileStamp, s.fileMissing)
        }
        guard changed else { return }
        guard let stamp else {
            if !wasMissing { logger.notice("queue feed: \(file) is not there (the last snapshot, if any, stays until it is too old)") }
            return
        }
        guard stamp.size <= Self.maxFileBytes else {
            rejected(source: "file", error: "\(file): \(stamp.size) bytes, at most \(Self.maxFileBytes)")
            return
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            rejected(source: "file", error: "cannot read \(file): \(String(cString: strerror(errno)))")
            return
        }
        guard let text = String(data: data, encoding: .utf8) else {
            rejected(source: "file", error: "\(file):1: not UTF-8 text")
            return
        }
        _ = take(text, file: file, source: "file")
    }

    /// Checks a snapshot against the map and hands it to the conversation.
    private func take(_ text: String, file: String, source: String) -> Result<QueueSnapshot, FeedRefused> {
        let snapshot: QueueSnapshot
        do {
            snapshot = try QueueFeed.load(text: text, file: file, map: conversation.hall.map)
        } catch {
            let problems = error.diagnostics.map(\.description)
            rejected(source: source, error: problems.joined(separator: "\n"), problems: problems)
            return .failure(FeedRefused(problems: problems))
        }
        state.withLock { s in
            s.snapshot = snapshot
            s.source = source
            s.updates += 1
            s.updatesBySource[source, default: 0] += 1
            s.lastError = nil
        }
        conversation.setQueue(snapshot, maxAge: settings.maxAge)
        changes.happened()
        return .success(snapshot)
    }

    private func rejected(source: String, error: String, problems: [String]? = nil) {
        let first = state.withLock { s -> Bool in
            defer {
                s.rejected += 1
                s.rejectedBySource[source, default: 0] += 1
                s.lastError = error
            }
            return s.lastError != error
        }
        // The same problem every second (a broken file left in place) is said once, a line
        // a problem, escaped: a zone name in the file cannot forge a log line.
        if first, source == "file" {
            for problem in problems ?? [error] { logger.warning("queue feed: refused: \(LogText.escaped(problem, limit: 500))") }
        }
        changes.happened()
    }

    public func run() async throws {
        guard settings.file != nil else {
            try? await gracefulShutdown()
            return
        }
        if let file = settings.file { logger.info("queue feed: watching \(file) (every \(settings.pollInterval))") }
        try? await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                pollFile()
                try await clock.sleep(for: settings.pollInterval)
            }
        }
    }

    // MARK: - Status

    /// What the status shows of the feed, as at `now`.
    func status(at now: Date, timeZone: HallTimeZone) -> DaemonStatus.QueueFeed {
        state.withLock { s in
            var feed = DaemonStatus.QueueFeed(file: settings.file, post: settings.key != nil, maxAgeSeconds: settings.maxAge,
                                              source: s.source, updates: s.updates, rejected: s.rejected, lastError: s.lastError)
            if let snapshot = s.snapshot {
                feed.time = timeZone.iso8601(snapshot.time)
                feed.ageSeconds = now.timeIntervalSince(snapshot.time)
                feed.fresh = snapshot.isFresh(at: now, maxAge: settings.maxAge)
                feed.waiting = snapshot.waiting
                feed.calling = snapshot.calling.sorted { $0.key < $1.key }.map { .init(window: $0.key, ticket: $0.value) }
            }
            return feed
        }
    }

    /// Counts by source, for the metrics.
    var counts: (updates: [String: Int], rejected: [String: Int], snapshot: QueueSnapshot?) {
        state.withLock { ($0.updatesBySource, $0.rejectedBySource, $0.snapshot) }
    }
}

/// A snapshot's `file:line: problem`s.
struct FeedRefused: Error {
    var problems: [String]
}

/// What the route answers a POST: `status` (200 taken; 400 malformed, `problems` with
/// the line; 401 no key; 403 wrong key; 404 POST off; 413 too large) and `body`, one
/// JSON object (application/json).
public struct QueueFeedPostResult: Sendable, Hashable {
    public var status: Int
    public var reply: Reply

    public struct Reply: Codable, Sendable, Hashable {
        public var ok: Bool
        public var error: String?
        public var problems: [String]?
        /// The snapshot's time, how many zones and calling windows it had, whether answers quote it.
        public var time: String?
        public var zones: Int?
        public var calling: Int?
        public var fresh: Bool?
        public var warning: String?

        init(ok: Bool, error: String? = nil, problems: [String]? = nil, time: String? = nil, zones: Int? = nil,
             calling: Int? = nil, fresh: Bool? = nil, warning: String? = nil) {
            self.ok = ok
            self.error = error
            self.problems = problems
            self.time = time
            self.zones = zones
            self.calling = calling
            self.fresh = fresh
            self.warning = warning
        }
    }

    static func refused(_ status: Int, _ error: String) -> QueueFeedPostResult {
        QueueFeedPostResult(status: status, reply: .init(ok: false, error: error))
    }

    /// The reply as the body: compact JSON, snake_case keys, sorted.
    public var body: String {
        (try? StatusWire.encoder().encode(reply)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"ok":false}"#
    }
}

/// What says a file changed: its inode, size, modification and change times.
struct FileStamp: Sendable, Hashable {
    var device: UInt64
    var inode: UInt64
    var size: Int
    var modified: timespec
    var changed: timespec

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        #if canImport(Darwin)
        modified = info.st_mtimespec
        changed = info.st_ctimespec
        #else
        modified = info.st_mtim
        changed = info.st_ctim
        #endif
    }

    static func == (a: FileStamp, b: FileStamp) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
            && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(inode)
        hasher.combine(size)
    }
}

/// At most one line per 10 s, with the count of those kept quiet.
struct QuietLog: Sendable {
    var last: Instant?
    var quiet = 0

    /// nil: keep quiet; else the suffix to log with ("" or ", and 12 more since").
    mutating func admit(at now: Instant) -> String? {
        if let last, now - last < .seconds(10) {
            quiet += 1
            return nil
        }
        defer { (last, quiet) = (now, 0) }
        return quiet == 0 ? "" : " (and \(quiet) more in the last 10 s)"
    }
}
