// The live hall on the status socket: closures (the `close`, `open` and `closures`
// commands, and `live` in the status) and the queue feed. Added after 0.3.0, so every
// field that reaches an older hallctl is optional where it sits (`DaemonStatus.live`).
// Times are ISO 8601 with the hall's offset ("2026-12-07T13:30:00+08:00").

/// One closure as staff see it.
public struct ClosureEntry: Codable, Sendable, Hashable {
    /// The id staff typed: `window-16`, `social-insurance`, `restroom@west-restroom`,
    /// `edge:west-corridor-3,west-corridor-4`, `area:east-hall`.
    public var target: String
    /// window, zone, place, edge or area.
    public var kind: String
    /// Said to visitors; absent: "暂停服务".
    public var reason: String?
    public var reasonEn: String?
    /// When it reopens by itself; absent: when staff reopen it.
    public var until: String?
    /// When it was closed.
    public var since: String?

    public init(target: String, kind: String, reason: String? = nil, reasonEn: String? = nil, until: String? = nil,
                since: String? = nil) {
        self.target = target
        self.kind = kind
        self.reason = reason
        self.reasonEn = reasonEn
        self.until = until
        self.since = since
    }
}

extension DaemonStatus {
    /// The live hall in the status: what staff closed, how many windows serve now, the
    /// queue feed.
    public struct Live: Codable, Sendable, Hashable {
        public var closures: [ClosureEntry]
        /// Where halld keeps them (README "Closures").
        public var closuresFile: String
        /// Why the last change could not be saved (it holds until a restart only); absent
        /// when saved.
        public var closuresSaveError: String?
        /// Windows serving now: by the hours, the calendar and the closures.
        public var windowsOpen: Int
        /// Windows a closure shuts now (whatever the hours).
        public var windowsClosed: Int
        public var windowsTotal: Int
        /// Absent when no queue feed is configured.
        public var queue: QueueFeed?
        /// halld's time, in the hall's offset (today's times show as HH:MM).
        public var now: String?

        public init(closures: [ClosureEntry], closuresFile: String, closuresSaveError: String? = nil, windowsOpen: Int,
                    windowsClosed: Int, windowsTotal: Int, queue: QueueFeed? = nil, now: String? = nil) {
            self.now = now
            self.closures = closures
            self.closuresFile = closuresFile
            self.closuresSaveError = closuresSaveError
            self.windowsOpen = windowsOpen
            self.windowsClosed = windowsClosed
            self.windowsTotal = windowsTotal
            self.queue = queue
        }
    }

    /// The queue feed: where snapshots come from and the last one.
    public struct QueueFeed: Codable, Sendable, Hashable {
        /// The file halld watches; absent when none is configured.
        public var file: String?
        /// Whether snapshots may be posted (a key is configured).
        public var post: Bool
        public var maxAgeSeconds: Double
        /// The last snapshot's own time; absent before the first.
        public var time: String?
        /// Seconds from the snapshot's time to now.
        public var ageSeconds: Double?
        /// Answers quote it (taken at most max_age_seconds ago).
        public var fresh: Bool
        /// file or post: where the last snapshot came from.
        public var source: String?
        public var updates: Int
        /// Snapshots refused (malformed, unknown zones, a wrong key).
        public var rejected: Int
        /// The last refusal's problems (`file:line: problem`), until a snapshot is accepted.
        public var lastError: String?
        /// People waiting per zone, and the ticket each window calls, in the last snapshot.
        public var waiting: [String: Int]?
        public var calling: [Calling]?

        public struct Calling: Codable, Sendable, Hashable {
            public var window: Int
            public var ticket: String

            public init(window: Int, ticket: String) {
                self.window = window
                self.ticket = ticket
            }
        }

        public init(file: String?, post: Bool, maxAgeSeconds: Double, time: String? = nil, ageSeconds: Double? = nil,
                    fresh: Bool = false, source: String? = nil, updates: Int = 0, rejected: Int = 0, lastError: String? = nil,
                    waiting: [String: Int]? = nil, calling: [Calling]? = nil) {
            self.file = file
            self.post = post
            self.maxAgeSeconds = maxAgeSeconds
            self.time = time
            self.ageSeconds = ageSeconds
            self.fresh = fresh
            self.source = source
            self.updates = updates
            self.rejected = rejected
            self.lastError = lastError
            self.waiting = waiting
            self.calling = calling
        }
    }
}

extension StatusResults {
    /// `{"command":"closures"}`.
    public struct Closures: Codable, Sendable, Hashable {
        public var closures: [ClosureEntry]
        /// halld's time now, in the hall's offset: hallctl shows today's times as HH:MM.
        public var now: String
        public var timeZone: String
        public var file: String
        public var saveError: String?

        public init(closures: [ClosureEntry], now: String, timeZone: String, file: String, saveError: String? = nil) {
            self.closures = closures
            self.now = now
            self.timeZone = timeZone
            self.file = file
            self.saveError = saveError
        }
    }

    /// `{"command":"close",…}` and `{"command":"open",…}`: the closure made or removed.
    public struct ClosureChange: Codable, Sendable, Hashable {
        public var closure: ClosureEntry
        /// close: the target was closed already (its reason or end replaced); open: always false.
        public var replaced: Bool
        public var now: String
        /// Written to the closures file; false with `save_error` when it could not be
        /// (the change holds, but not across a restart).
        public var saved: Bool
        public var saveError: String?

        public init(closure: ClosureEntry, replaced: Bool, now: String, saved: Bool, saveError: String? = nil) {
            self.closure = closure
            self.replaced = replaced
            self.now = now
            self.saved = saved
            self.saveError = saveError
        }
    }
}
