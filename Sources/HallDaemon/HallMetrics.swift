import Foundation
import Prometheus
import Synchronization

/// halld's Prometheus metrics, in a registry of its own (no process-wide bootstrap, so
/// several daemons can live in one test process). Every metric is made from its
/// definition in `MetricCatalogue`, so each has its HELP line; swift-metrics' factory
/// would register them with none. Serving the text over HTTP is another part's job
/// (`exposition()`).
public final class HallMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let devicesUp: Gauge
    let devicesConfigured: Gauge
    let badFrames: Gauge
    let reloadsOK: Counter
    let reloadsRefused: Counter
    let failures: Counter
    let watchdogPassed: Counter
    let watchdogFailed: Counter
    let queryLog: QueryLogMetrics

    /// Answers take microseconds; the buckets say so.
    static let answerBuckets: [Duration] = [
        .microseconds(5), .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100),
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(25),
    ]

    public init(startedAt: Date = Date(), version: String = HallGuideVersion.string) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        registry.gauge(MetricCatalogue.processStartTime).set(to: startedAt.timeIntervalSince1970)
        registry.gauge(MetricCatalogue.buildInfo, [("version", version)]).set(to: 1)
        devicesUp = registry.gauge(MetricCatalogue.devicesUp)
        devicesConfigured = registry.gauge(MetricCatalogue.devicesConfigured)
        badFrames = registry.gauge(MetricCatalogue.badFrames)
        reloadsOK = registry.counter(MetricCatalogue.reloads, [("result", "applied")])
        reloadsRefused = registry.counter(MetricCatalogue.reloads, [("result", "refused")])
        failures = registry.counter(MetricCatalogue.questionsFailed)
        watchdogPassed = registry.counter(MetricCatalogue.watchdogChecks, [("result", "passed")])
        watchdogFailed = registry.counter(MetricCatalogue.watchdogChecks, [("result", "failed")])
        queryLog = QueryLogMetrics(registry: registry)
    }

    /// One answered question: its outcome, intent and how long matching and routing took.
    public func answered(outcome: String, intent: String?, duration: Duration) {
        let key = AnswerKey(outcome: outcome, intent: intent ?? "none")
        let handles = answerHandles.withLock { cache in
            if let found = cache[key] { return found }
            let made = (registry.counter(MetricCatalogue.questions, [("outcome", key.outcome), ("intent", key.intent)]),
                        registry.histogram(MetricCatalogue.answerDuration, [("outcome", key.outcome)], buckets: Self.answerBuckets))
            cache[key] = made
            return made
        }
        handles.0.increment()
        handles.1.record(duration)
    }

    struct AnswerKey: Hashable {
        var outcome: String
        var intent: String
    }

    /// Handles by outcome and intent, made once: the registry's own lookup by label and
    /// labels would otherwise run for every answer. Bounded by the hall's intents.
    private let answerHandles = Mutex<[AnswerKey: (Counter, DurationHistogram)]>([:])

    /// A question the hall could not answer at all (the device was sent to the desk).
    public func failedAnswer() { failures.increment() }

    /// The devices at a scrape: every configured device's link, up or not.
    public func update(devices: [(id: String, kind: String, connected: Bool)], badFrames total: Int) {
        devicesUp.record(Int64(devices.filter(\.connected).count))
        devicesConfigured.record(Int64(devices.count))
        for device in devices {
            registry.gauge(MetricCatalogue.deviceUp, [("device", device.id), ("kind", device.kind)]).set(to: device.connected ? 1 : 0)
        }
        badFrames.record(Int64(total))
    }

    public func reloaded(ok: Bool) { (ok ? reloadsOK : reloadsRefused).increment() }

    /// One health check before a watchdog ping: passed (pinged) or failed (no ping).
    public func watchdogChecked(passed: Bool) { (passed ? watchdogPassed : watchdogFailed).increment() }

    /// Audio counters per output, as totals reported by the audio part.
    public func audio(output: String, played: Int, failed: Int, state: String) {
        registry.gauge(MetricCatalogue.audioPlays, [("output", output)]).record(Int64(played))
        registry.gauge(MetricCatalogue.audioFailures, [("output", output)]).record(Int64(failed))
        registry.gauge(MetricCatalogue.audioAvailable, [("output", output)]).set(to: state == "unavailable" ? 0 : 1)
    }

    /// The text exposition format.
    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// The query log writer's totals, mirrored into counters at each scrape. The writer keeps
/// its own running totals (for the status socket too); a counter only ever grows, so the
/// growth since the last scrape is what is added.
final class QueryLogMetrics: Sendable {
    let open: Gauge
    let pending: Gauge
    let recorded: MirroredCounter
    let committed: MirroredCounter
    let dropped: MirroredCounter
    let failedWrites: MirroredCounter

    init(registry: PrometheusCollectorRegistry) {
        open = registry.gauge(MetricCatalogue.queryLogOpen)
        pending = registry.gauge(MetricCatalogue.queryLogPending)
        recorded = MirroredCounter(registry.counter(MetricCatalogue.queryLogRecorded))
        committed = MirroredCounter(registry.counter(MetricCatalogue.queryLogCommitted))
        dropped = MirroredCounter(registry.counter(MetricCatalogue.queryLogDropped))
        failedWrites = MirroredCounter(registry.counter(MetricCatalogue.queryLogFailedWrites))
    }
}

/// A counter that follows a running total kept elsewhere.
final class MirroredCounter: Sendable {
    private let counter: Counter
    private let last = Mutex<UInt64>(0)

    init(_ counter: Counter) { self.counter = counter }

    func follow(total: UInt64) {
        let growth = last.withLock { seen -> UInt64 in
            defer { seen = max(seen, total) }
            return total > seen ? total - seen : 0
        }
        if growth > 0 { counter.increment(by: Int64(clamping: growth)) }
    }
}

extension HallMetrics {
    /// The query log at a scrape (nil: the log is off, and its metrics stay absent).
    public func update(queryLog state: (open: Bool, recorded: UInt64, committed: UInt64, pending: Int, dropped: UInt64, failedWrites: UInt64)) {
        queryLog.open.set(to: state.open ? 1 : 0)
        queryLog.pending.record(Int64(state.pending))
        queryLog.recorded.follow(total: state.recorded)
        queryLog.committed.follow(total: state.committed)
        queryLog.dropped.follow(total: state.dropped)
        queryLog.failedWrites.follow(total: state.failedWrites)
    }
}

extension PrometheusCollectorRegistry {
    func gauge(_ metric: MetricDefinition, _ labels: [(String, String)] = []) -> Gauge {
        makeGauge(descriptor: metric.descriptor, labels: labels)
    }

    func counter(_ metric: MetricDefinition, _ labels: [(String, String)] = []) -> Counter {
        makeCounter(descriptor: metric.descriptor, labels: labels)
    }

    func histogram(_ metric: MetricDefinition, _ labels: [(String, String)], buckets: [Duration]) -> DurationHistogram {
        makeDurationHistogram(descriptor: metric.descriptor, labels: labels, buckets: buckets)
    }
}

extension MetricDefinition {
    /// The whole name in `metricName` (no unit suffix: ours are part of the name).
    var descriptor: MetricNameDescriptor { MetricNameDescriptor(metricName: name, unitName: "", helpText: help) }
}
