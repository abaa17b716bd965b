/// Every metric halld exports, with its type and the HELP line Prometheus shows. The one
/// list the metrics code registers from, and that the alert rules and the Grafana
/// dashboard in ops/ are checked against (HallMetricsTests), so a dashboard cannot name a
/// metric halld does not have. Kept apart from the code that serves /metrics over HTTP.
public struct MetricDefinition: Sendable, Hashable {
    public enum Kind: String, Sendable { case counter, gauge, histogram }

    public let name: String
    public let kind: Kind
    public let help: String
    /// Label names, for the documentation and the dashboard check.
    public let labels: [String]

    init(_ name: String, _ kind: Kind, labels: [String] = [], _ help: String) {
        self.name = name
        self.kind = kind
        self.help = help
        self.labels = labels
    }

    /// The series names a scrape shows for it: a histogram's come with suffixes.
    public var seriesNames: [String] {
        kind == .histogram ? [name + "_bucket", name + "_sum", name + "_count"] : [name]
    }
}

public enum MetricCatalogue {
    // The process.
    static let processStartTime = MetricDefinition(
        "process_start_time_seconds", .gauge,
        "When halld started, in seconds since the Unix epoch (a change means a restart).")
    static let buildInfo = MetricDefinition(
        "hallguide_build_info", .gauge, labels: ["version"],
        "Always 1; the version label says which halld is running.")

    // Devices.
    static let devicesUp = MetricDefinition(
        "hallguide_devices_up", .gauge, "Configured devices with an authenticated link now.")
    static let devicesConfigured = MetricDefinition(
        "hallguide_devices_configured", .gauge, "Devices listed in halld.yaml.")
    static let deviceUp = MetricDefinition(
        "hallguide_device_up", .gauge, labels: ["device", "kind"],
        "1 while the device has an authenticated link, 0 otherwise; one series per configured device.")
    static let badFrames = MetricDefinition(
        "hallguide_bad_frames", .gauge, "Frames dropped as malformed since start (CRC, length, framing).")

    // Answers.
    static let questions = MetricDefinition(
        "hallguide_questions_total", .counter, labels: ["outcome", "intent"],
        "Questions answered, by outcome (route, clarify, fallback) and intent (none for a fallback).")
    static let answerDuration = MetricDefinition(
        "hallguide_answer_duration_seconds", .histogram, labels: ["outcome"],
        "Time to match, route and word one answer.")
    static let questionsFailed = MetricDefinition(
        "hallguide_questions_failed_total", .counter,
        "Questions the hall could not answer at all (the device was sent to the desk).")
    static let reloads = MetricDefinition(
        "hallguide_reloads_total", .counter, labels: ["result"],
        "Reloads of the map and intents, by result (applied, refused).")

    // The watchdog.
    static let watchdogChecks = MetricDefinition(
        "hallguide_watchdog_checks_total", .counter, labels: ["result"],
        "Health checks before a systemd watchdog ping, by result (passed: pinged; failed: no ping sent). Only counted while systemd watches halld.")

    // The query log.
    static let queryLogOpen = MetricDefinition(
        "hallguide_query_log_open", .gauge, "1 while the query log is open, 0 when it could not be opened (questions are then not recorded).")
    static let queryLogRecorded = MetricDefinition(
        "hallguide_query_log_recorded_total", .counter, "Answers handed to the query log since start.")
    static let queryLogCommitted = MetricDefinition(
        "hallguide_query_log_committed_total", .counter, "Query log records committed and fsynced since start.")
    static let queryLogPending = MetricDefinition(
        "hallguide_query_log_pending", .gauge, "Query log records waiting for the next group commit.")
    static let queryLogDropped = MetricDefinition(
        "hallguide_query_log_dropped_total", .counter, "Query log records never written (the buffer was full while the disk was stuck).")
    static let queryLogFailedWrites = MetricDefinition(
        "hallguide_query_log_failed_writes_total", .counter, "Query log transactions that failed (their records are retried).")

    // Audio.
    static let audioPlays = MetricDefinition(
        "hallguide_audio_plays", .gauge, labels: ["output"], "Prompts played on the output since start.")
    static let audioFailures = MetricDefinition(
        "hallguide_audio_failures", .gauge, labels: ["output"], "Prompts that failed on the output since start.")
    static let audioAvailable = MetricDefinition(
        "hallguide_audio_available", .gauge, labels: ["output"],
        "1 while the output can play, 0 while it is unavailable (unplugged, failing to open).")

    // The live hall.
    static let closures = MetricDefinition(
        "hallguide_closures", .gauge, labels: ["kind"], "Closures in force, by kind (window, zone, place, edge, area).")
    static let windowsOpen = MetricDefinition(
        "hallguide_windows_open", .gauge, "Windows serving now (hours, calendar and closures applied).")
    static let windowsClosed = MetricDefinition(
        "hallguide_windows_closed", .gauge, "Windows not serving now.")
    static let queueFeedUpdates = MetricDefinition(
        "hallguide_queue_feed_updates", .gauge, labels: ["source"], "Queue snapshots taken since start, by source (file, post).")
    static let queueFeedRejected = MetricDefinition(
        "hallguide_queue_feed_rejected", .gauge, labels: ["source"], "Queue snapshots refused since start, by source.")
    static let queueFeedAge = MetricDefinition(
        "hallguide_queue_feed_age_seconds", .gauge, "Age of the newest queue snapshot (absent until the first).")
    static let queueFeedFresh = MetricDefinition(
        "hallguide_queue_feed_fresh", .gauge, "1 when the newest queue snapshot is recent enough to be quoted.")

    public static let all: [MetricDefinition] = [
        processStartTime, buildInfo,
        devicesUp, devicesConfigured, deviceUp, badFrames,
        questions, answerDuration, questionsFailed, reloads,
        watchdogChecks,
        queryLogOpen, queryLogRecorded, queryLogCommitted, queryLogPending, queryLogDropped, queryLogFailedWrites,
        audioPlays, audioFailures, audioAvailable,
        closures, windowsOpen, windowsClosed, queueFeedUpdates, queueFeedRejected, queueFeedAge, queueFeedFresh,
    ]
}
