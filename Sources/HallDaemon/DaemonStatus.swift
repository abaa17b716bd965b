
/// What halld reports on its status socket (`{"command":"status"}`), as JSON.
public struct DaemonStatus: Codable, Sendable, Hashable {
    public struct HallData: Codable, Sendable, Hashable {
        public var id: String
        /// A hash of the map and intent files in use.
        public var dataVersion: String
        public var map: String
        public var intents: String
        public var intentCount: Int
        public var nodeCount: Int
        public var loadedSecondsAgo: Double
    }

    public struct Reload: Codable, Sendable, Hashable {
        public var secondsAgo: Double
        public var ok: Bool
        /// `file:line: problem` lines of a refused edit.
        public var problems: [String]
        public var dataVersion: String
    }

    public struct Device: Codable, Sendable, Hashable {
        public var id: String
        public var kind: String
        public var station: String
        public var connected: Bool
        public var transport: String
        public var peer: String
        public var lastSeenSecondsAgo: Double?
        public var firmware: String
        public var linkErrors: Int
        public var reconnects: Int
        /// Robots only: idle, leading, returning, charging, busy, offline.
        public var activity: String?
        public var battery: Int?
        public var leadDestination: String?
        /// Why the device's transport is down (a serial port that cannot be opened).
        public var transportProblem: String? = nil
        /// The device's session counters, over all its links since halld started.
        public var counters: LinkCounters? = nil
    }

    /// What a device's links did since halld started (PROTOCOL.md §7).
    public struct LinkCounters: Codable, Sendable, Hashable {
        public var framesIn: Int
        public var framesOut: Int
        public var naksSent: Int
        public var duplicates: Int
        public var retransmits: Int
        public var rateLimited: Int
        public var malformed: Int
        public var authFailures: Int
    }

    public struct Answers: Codable, Sendable, Hashable {
        public var answered: Int
        public var byOutcome: [String: Int]
        public var failed: Int
    }

    /// A dropped piece of device input, like HAProxy's "show errors".
    public struct MalformedFrame: Codable, Sendable, Hashable {
        public var peer: String
        public var device: String?
        public var secondsAgo: Double
        public var reason: String
        public var hex: String
        /// Where in `hex` (in bytes) the problem was found.
        public var offset: Int
    }

    /// One audio output's state, as the audio part reports it.
    public struct AudioOutput: Codable, Sendable, Hashable {
        public var name: String
        public var pcm: String
        public var state: String
        public var queued: Int
        public var played: Int
        public var failed: Int
        public var lastError: String
    }

    /// The query log: where it is and how its writer keeps up. Counts since halld started.
    public struct QueryLog: Codable, Sendable, Hashable {
        public var path: String
        /// Accepted from the answer path.
        public var recorded: UInt64
        /// In the database and fsynced: survives a crash and a power loss.
        public var committed: UInt64
        /// Waiting for the next group commit.
        public var pending: Int
        /// Never written (the buffer was full while the disk was stuck).
        public var dropped: UInt64
        /// Transactions that failed (their records are retried).
        public var failedWrites: UInt64
        /// Rows deleted by retention.
        public var pruned: UInt64
        /// Why the log could not be opened; the counters are then all 0.
        public var error: String?
    }

    public var version: String
    public var pid: Int32
    public var uptimeSeconds: Double
    public var hall: HallData
    public var lastReload: Reload?
    public var devices: [Device]
    public var answers: Answers
    public var badFrames: Int
    public var malformed: [MalformedFrame]
    public var audio: [AudioOutput]
    /// Absent when the query log is off.
    public var queryLog: QueryLog? = nil
}

/// What the status socket asks of the daemon. Reads are for the ops group; the rest are
/// admin commands, checked against the configured uids and groups first.
public protocol StatusProvider: Sendable {
    func status() -> DaemonStatus
    /// Re-reads the map and intents; refuses a bad edit and keeps the running data.
    func reload() async -> DaemonStatus.Reload
    /// Tells a robot to go back to its station; false when it is not connected.
    func recall(robot: String) -> Bool
    /// Plays a test prompt on the output serving a place; a line saying what happened.
    func audioTest(place: String) async -> String
}

public enum HallGuideVersion {
    public static let string = "0.3.0"
}
