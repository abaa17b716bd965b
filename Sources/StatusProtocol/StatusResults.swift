/// The `result` of each command that is not the whole status (`reload`'s is
/// `DaemonStatus.Reload`). Objects rather than bare arrays, so that a field can be added
/// without breaking a script. The same versioning rule as DaemonStatus: new fields are
/// optional.
public enum StatusResults {
    public struct Version: Codable, Sendable, Hashable {
        public var version: String
        public var pid: Int32
        public var uptimeSeconds: Double
        public var hall: DaemonStatus.HallData

        public init(version: String, pid: Int32, uptimeSeconds: Double, hall: DaemonStatus.HallData) {
            self.version = version
            self.pid = pid
            self.uptimeSeconds = uptimeSeconds
            self.hall = hall
        }
    }

    public struct Devices: Codable, Sendable, Hashable {
        public var devices: [DaemonStatus.Device]

        public init(devices: [DaemonStatus.Device]) { self.devices = devices }
    }

    public struct Audio: Codable, Sendable, Hashable {
        public var outputs: [DaemonStatus.AudioOutput]

        public init(outputs: [DaemonStatus.AudioOutput]) { self.outputs = outputs }
    }

    public struct Errors: Codable, Sendable, Hashable {
        /// Since halld started; `malformed` keeps only the last few.
        public var badFrames: Int
        public var malformed: [DaemonStatus.MalformedFrame]

        public init(badFrames: Int, malformed: [DaemonStatus.MalformedFrame]) {
            self.badFrames = badFrames
            self.malformed = malformed
        }
    }

    public struct Recall: Codable, Sendable, Hashable {
        public var robot: String
        public var recalled: Bool

        public init(robot: String, recalled: Bool) {
            self.robot = robot
            self.recalled = recalled
        }
    }

    public struct AudioTest: Codable, Sendable, Hashable {
        public var place: String
        /// What was played where, or why not.
        public var outcome: String

        public init(place: String, outcome: String) {
            self.place = place
            self.outcome = outcome
        }
    }

    /// `{"command":"flush"}`: the query log once everything recorded before the request
    /// is committed (or the wait of 5 s ran out: compare `committed` with `recorded`).
    public struct Flush: Codable, Sendable, Hashable {
        public var queryLog: DaemonStatus.QueryLog

        public init(queryLog: DaemonStatus.QueryLog) { self.queryLog = queryLog }
    }
}
