import StatusProtocol

/// What the status socket asks of the daemon. Reads are for the ops group; the rest are
/// admin commands, checked against the configured uids and groups first. The results are
/// StatusProtocol's types, which hallctl decodes.
public protocol StatusProvider: Sendable {
    func status() -> DaemonStatus
    /// Re-reads the map and intents; refuses a bad edit and keeps the running data.
    func reload() async -> DaemonStatus.Reload
    /// Tells a robot to go back to its station; false when it is not connected.
    func recall(robot: String) -> Bool
    /// Plays a test prompt on the output serving a place; a line saying what happened.
    func audioTest(place: String) async -> String
    /// Waits until the query log has committed everything recorded so far (bounded); its
    /// state after, nil when the log is off.
    func flushQueryLog() async -> DaemonStatus.QueryLog?
    /// What is closed now; nil when this provider keeps no closures.
    func closureList() -> StatusResults.Closures?
    /// Closes a window, zone, place, walkway or area (`target`, `until`, `reason`,
    /// `reason_en` of the request); `who` (the peer) is logged.
    func close(_ request: StatusRequest, by who: String) async -> Result<StatusResults.ClosureChange, StatusRefusal>
    /// Reopens the request's `target`.
    func reopen(_ request: StatusRequest, by who: String) async -> Result<StatusResults.ClosureChange, StatusRefusal>
}

extension StatusProvider {
    public func closureList() -> StatusResults.Closures? { nil }

    public func close(_ request: StatusRequest, by who: String) async -> Result<StatusResults.ClosureChange, StatusRefusal> {
        .failure(.init("this halld keeps no closures"))
    }

    public func reopen(_ request: StatusRequest, by who: String) async -> Result<StatusResults.ClosureChange, StatusRefusal> {
        .failure(.init("this halld keeps no closures"))
    }
}

public enum HallGuideVersion {
    public static let string = "0.3.0"
}
