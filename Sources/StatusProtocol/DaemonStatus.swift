// The status socket's results: the one definition halld encodes and hallctl decodes.
//
// During an upgrade hallctl and the running halld may be different versions, so both
// directions must keep working:
// - an older hallctl reading a newer halld: JSONDecoder ignores keys it does not know;
// - a newer hallctl reading an older halld: what the first status socket (0.3.0) sent is
//   required, and every field added since is optional, so its absence decodes (hallctl
//   shows "-"). StatusCompatibilityTests decodes a 0.3.0 reply: a new field that is not
//   optional fails it.
// nil fields are left out on the wire, never sent as null.

/// What halld reports on its status socket (`{"command":"status"}`).
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

        public init(id: String, dataVersion: String, map: String, intents: String, intentCount: Int, nodeCount: Int,
                    loadedSecondsAgo: Double) {
            self.id = id
            self.dataVersion = dataVersion
            self.map = map
            self.intents = intents
            self.intentCount = intentCount
            self.nodeCount = nodeCount
            self.loadedSecondsAgo = loadedSecondsAgo
        }
    }

    /// A reload's outcome: the `reload` command's result, and `last_reload` in the status.
    public struct Reload: Codable, Sendable, Hashable {
        public var secondsAgo: Double
        /// False when the edit was refused and the running data kept.
        public var ok: Bool
        /// `file:line: problem` lines of a refused edit.
        public var problems: [String]
        /// The data answering now.
        public var dataVersion: String

        public init(secondsAgo: Double, ok: Bool, problems: [String], dataVersion: String) {
            self.secondsAgo = secondsAgo
            self.ok = ok
            self.problems = problems
            self.dataVersion = dataVersion
        }
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
        /// Devices on a serial port: the port as halld opens it. Added after 0.3.0.
        public var serial: SerialPort?
        /// What the device's links did since halld started. Added after 0.3.0.
        public var counters: LinkCounters?

        public init(id: String, kind: String, station: String, connected: Bool, transport: String, peer: String,
                    lastSeenSecondsAgo: Double?, firmware: String, linkErrors: Int, reconnects: Int,
                    activity: String? = nil, battery: Int? = nil, leadDestination: String? = nil, serial: SerialPort? = nil,
                    counters: LinkCounters? = nil) {
            self.id = id
            self.kind = kind
            self.station = station
            self.connected = connected
            self.transport = transport
            self.peer = peer
            self.lastSeenSecondsAgo = lastSeenSecondsAgo
            self.firmware = firmware
            self.linkErrors = linkErrors
            self.reconnects = reconnects
            self.activity = activity
            self.battery = battery
            self.leadDestination = leadDestination
            self.serial = serial
            self.counters = counters
        }
    }

    /// A device's session counters over all its links (PROTOCOL.md §7).
    public struct LinkCounters: Codable, Sendable, Hashable {
        public var framesIn: Int
        public var framesOut: Int
        public var naksSent: Int
        public var duplicates: Int
        public var retransmits: Int
        public var rateLimited: Int
        public var malformed: Int
        public var authFailures: Int

        public init(framesIn: Int, framesOut: Int, naksSent: Int, duplicates: Int, retransmits: Int, rateLimited: Int,
                    malformed: Int, authFailures: Int) {
            self.framesIn = framesIn
            self.framesOut = framesOut
            self.naksSent = naksSent
            self.duplicates = duplicates
            self.retransmits = retransmits
            self.rateLimited = rateLimited
            self.malformed = malformed
            self.authFailures = authFailures
        }
    }

    /// A serial port's side of a device: whether it is open, and why not. A port that
    /// fails to open (unplugged, permissions) shows here before its device is ever seen.
    public struct SerialPort: Codable, Sendable, Hashable {
        /// "/dev/ttyUSB0", or "usb-serial:A10KD9XQ" for an adapter found by serial number.
        public var port: String
        public var open: Bool
        /// Successful opens since start (a vanished port is reopened).
        public var opens: Int
        public var openFailures: Int
        /// The last open or I/O error; absent when there was none.
        public var lastError: String?

        public init(port: String, open: Bool, opens: Int, openFailures: Int, lastError: String? = nil) {
            self.port = port
            self.open = open
            self.opens = opens
            self.openFailures = openFailures
            self.lastError = lastError
        }
    }

    public struct Answers: Codable, Sendable, Hashable {
        public var answered: Int
        public var byOutcome: [String: Int]
        public var failed: Int

        public init(answered: Int, byOutcome: [String: Int], failed: Int) {
            self.answered = answered
            self.byOutcome = byOutcome
            self.failed = failed
        }
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

        public init(peer: String, device: String?, secondsAgo: Double, reason: String, hex: String, offset: Int) {
            self.peer = peer
            self.device = device
            self.secondsAgo = secondsAgo
            self.reason = reason
            self.hex = hex
            self.offset = offset
        }
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
        // Added after 0.3.0: the output's other counters since start.
        /// Dropped unplayed: queue full, waited too long, or pre-empted.
        public var dropped: Int?
        /// Not played because of quiet hours.
        public var suppressed: Int?
        /// Reopened after the device was lost.
        public var reopens: Int?
        public var openFailures: Int?

        public init(name: String, pcm: String, state: String, queued: Int, played: Int, failed: Int, lastError: String,
                    dropped: Int? = nil, suppressed: Int? = nil, reopens: Int? = nil, openFailures: Int? = nil) {
            self.name = name
            self.pcm = pcm
            self.state = state
            self.queued = queued
            self.played = played
            self.failed = failed
            self.lastError = lastError
            self.dropped = dropped
            self.suppressed = suppressed
            self.reopens = reopens
            self.openFailures = openFailures
        }
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

        public init(path: String, recorded: UInt64, committed: UInt64, pending: Int, dropped: UInt64, failedWrites: UInt64,
                    pruned: UInt64, error: String? = nil) {
            self.path = path
            self.recorded = recorded
            self.committed = committed
            self.pending = pending
            self.dropped = dropped
            self.failedWrites = failedWrites
            self.pruned = pruned
            self.error = error
        }
    }

    public var version: String
    public var pid: Int32
    public var uptimeSeconds: Double
    public var hall: HallData
    /// Absent until the first reload.
    public var lastReload: Reload?
    public var devices: [Device]
    public var answers: Answers
    public var badFrames: Int
    public var malformed: [MalformedFrame]
    public var audio: [AudioOutput]
    /// Absent when the query log is off (and from halld before the query log, 0.3.0).
    public var queryLog: QueryLog?
    /// Closures, windows open and the queue feed (LiveStatus.swift). Added after 0.3.0.
    public var live: Live?

    public init(version: String, pid: Int32, uptimeSeconds: Double, hall: HallData, lastReload: Reload?, devices: [Device],
                answers: Answers, badFrames: Int, malformed: [MalformedFrame], audio: [AudioOutput], queryLog: QueryLog? = nil,
                live: Live? = nil) {
        self.version = version
        self.pid = pid
        self.uptimeSeconds = uptimeSeconds
        self.hall = hall
        self.lastReload = lastReload
        self.devices = devices
        self.answers = answers
        self.badFrames = badFrames
        self.malformed = malformed
        self.audio = audio
        self.queryLog = queryLog
        self.live = live
    }
}
