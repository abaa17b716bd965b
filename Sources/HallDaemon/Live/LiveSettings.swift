import Foundation
import HallAnswers
import HallModel

extension DaemonConfig {
    /// `live:` in halld.yaml (README "The live hall: for staff"): where the closures are
    /// kept, and the queue feed.
    public struct LiveSettings: Sendable, Hashable {
        /// The closures file; nil: `$STATE_DIRECTORY/closures.json`, else beside the query
        /// log, else `./halld-closures.json` (see `closuresPath`).
        public var closuresPath: String?
        /// A queue feed file halld watches (re-read when it changes); nil: none.
        public var queueFeedFile: String?
        /// The key a queue feed POST must carry (`Authorization: Bearer KEY`); nil: POST off.
        public var queueFeedKey: [UInt8]?
        /// A snapshot older than this is not quoted.
        public var queueMaxAgeSeconds = LiveConditions.defaultQueueMaxAge

        public init() {}

        /// Whether a queue feed is configured at all (a file, or a key for POST).
        public var hasQueueFeed: Bool { queueFeedFile != nil || queueFeedKey != nil }
    }

    /// Where the closures live: `live.closures` when set; otherwise the state directory
    /// (systemd's `StateDirectory=`, `/var/lib/hallguide/closures.json` under the unit);
    /// otherwise beside a configured query log; otherwise `./halld-closures.json` (a
    /// development run).
    public static func closuresPath(configured: String?, environment: [String: String], queryLog: QueryLogSettings?) -> String {
        if let configured, !configured.isEmpty { return configured }
        if let state = environment["STATE_DIRECTORY"]?.split(separator: ":").first, !state.isEmpty {
            return state.hasSuffix("/") ? "\(state)closures.json" : "\(state)/closures.json"
        }
        if let log = queryLog?.path, log.contains("/") {
            return ((log as NSString).deletingLastPathComponent as NSString).appendingPathComponent("closures.json")
        }
        return "./halld-closures.json"
    }
}

extension DaemonConfig.LiveSettings {
    /// `closures`, `queue_feed`, `queue_feed_key` or `queue_feed_key_file`, `queue_max_age_seconds`.
    static var yaml: YAMLValue<DaemonConfig.LiveSettings> {
        let fields: [YAMLField<Entry>] = [
            .field("closures", \.closures, .text),
            .field("queue_feed", \.queueFeed, .text),
            // Kept as text and checked in `build`, so that a refusal never prints the key.
            .field("queue_feed_key", \.key, .text),
            .field("queue_feed_key_file", \.keyFile, .text),
            .field("queue_max_age_seconds", \.maxAge, .number(in: 1...86_400)),
        ]
        return .mapping(from: Entry(), fields, build: build)
    }

    private struct Entry {
        var closures: String?
        var queueFeed: String?
        var key: String?
        var keyFile: String?
        var maxAge: Double?
    }

    private static func build(_ entry: Entry, _ check: inout YAMLCheck) -> DaemonConfig.LiveSettings? {
        var settings = DaemonConfig.LiveSettings()
        settings.closuresPath = entry.closures
        settings.queueFeedFile = entry.queueFeed
        if let maxAge = entry.maxAge { settings.queueMaxAgeSeconds = maxAge }
        var key: [UInt8]?
        switch (entry.key, entry.keyFile) {
        case (let text?, nil):
            key = Array(text.utf8)
        case (nil, let path?):
            // As device key files: the bytes as they are, a trailing newline dropped.
            key = FileManager.default.contents(atPath: path).map { Array($0.reversed().drop { $0 == 10 || $0 == 13 }.reversed()) }
            if key == nil { check.fail("queue_feed_key_file: cannot read \(path)", at: "queue_feed_key_file") }
        case (.some, .some):
            check.fail("give queue_feed_key or queue_feed_key_file, not both", at: "queue_feed_key_file")
        case (nil, nil):
            break
        }
        let at = entry.key != nil ? "queue_feed_key" : "queue_feed_key_file"
        if let bytes = key {
            if bytes.count < 16 {
                check.fail("\(at): the key must be at least 16 characters (it has \(bytes.count); the key is not shown)", at: at)
                key = nil
            } else if !bytes.allSatisfy({ (0x21...0x7E).contains($0) }) {
                check.fail("\(at): the key must be printable ASCII without spaces: it is sent in an HTTP header (the key is not shown)", at: at)
                key = nil
            }
        }
        settings.queueFeedKey = key
        return settings
    }
}
