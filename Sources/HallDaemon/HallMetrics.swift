import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// halld's Prometheus metrics, in a registry of its own (no process-wide bootstrap, so
/// several daemons can live in one test process).
public final class HallMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    let devicesUp: CoreMetrics.Gauge
    let badFrames: CoreMetrics.Gauge
    let reloadsOK: CoreMetrics.Counter
    let reloadsRefused: CoreMetrics.Counter
    let failures: CoreMetrics.Counter

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Answers take microseconds; the buckets say so.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(5), .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100),
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(25),
        ]
        self.factory = factory
        devicesUp = CoreMetrics.Gauge(label: "hallguide_devices_up", factory: factory)
        badFrames = CoreMetrics.Gauge(label: "hallguide_bad_frames", factory: factory)
        reloadsOK = CoreMetrics.Counter(label: "hallguide_reloads_total", dimensions: [("result", "applied")], factory: factory)
        reloadsRefused = CoreMetrics.Counter(label: "hallguide_reloads_total", dimensions: [("result", "refused")], factory: factory)
        failures = CoreMetrics.Counter(label: "hallguide_questions_failed_total", factory: factory)
    }

    /// One answered question: its outcome, intent and how long matching and routing took.
    public func answered(outcome: String, intent: String?, duration: Duration) {
        let key = AnswerKey(outcome: outcome, intent: intent ?? "none")
        let handles = answerHandles.withLock { cache in
            if let found = cache[key] { return found }
            let made = (CoreMetrics.Counter(label: "hallguide_questions_total", dimensions: [("outcome", key.outcome), ("intent", key.intent)], factory: factory),
                        CoreMetrics.Timer(label: "hallguide_answer_duration_seconds", dimensions: [("outcome", key.outcome)], factory: factory))
            cache[key] = made
            return made
        }
        handles.0.increment()
        handles.1.recordNanoseconds(duration.nanoseconds)
    }

    struct AnswerKey: Hashable {
        var outcome: String
        var intent: String
    }

    /// Handles by outcome and intent, made once: the registry's own lookup by label and
    /// dimensions would otherwise run for every answer. Bounded by the hall's intents.
    private let answerHandles = Mutex<[AnswerKey: (CoreMetrics.Counter, CoreMetrics.Timer)]>([:])

    /// A question the hall could not answer at all (the device was sent to the desk).
    public func failedAnswer() { failures.increment() }

    public func update(devicesUp count: Int, badFrames total: Int) {
        devicesUp.record(count)
        badFrames.record(total)
    }

    public func reloaded(ok: Bool) { (ok ? reloadsOK : reloadsRefused).increment() }

    /// Audio counters per output, as totals reported by the audio part.
    public func audio(output: String, played: Int, failed: Int, state: String) {
        CoreMetrics.Gauge(label: "hallguide_audio_plays", dimensions: [("output", output)], factory: factory).record(played)
        CoreMetrics.Gauge(label: "hallguide_audio_failures", dimensions: [("output", output)], factory: factory).record(failed)
        CoreMetrics.Gauge(label: "hallguide_audio_available", dimensions: [("output", output)], factory: factory)
            .record(state == "unavailable" ? 0 : 1)
    }

    /// The text exposition format.
    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
