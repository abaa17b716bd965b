import HallTime

/// The hall's memory of failed handshakes, per source address (OpenSSH's
/// PerSourcePenalties, not per account): a source that keeps failing waits a little
/// longer for its next challenge, capped at `maxPenalty`, and its refusals are logged at
/// most once per `logInterval`. A penalty only ever delays a challenge; it never refuses
/// one, and a right proof is always accepted, so an attacker without the key cannot keep
/// a device out for longer than the cap, even from the device's own gateway. Pure: the
/// links carry their sessions' reports here and ask it for admissions.
public struct AuthLedger: Sendable {
    public struct Settings: Sendable, Hashable {
        /// The first failure's pause; each further one doubles it, up to `maxPenalty`.
        public var basePenalty: Duration = .milliseconds(100)
        public var maxPenalty: Duration = .seconds(2)
        /// A source's failure count halves for every `forgiveAfter` without a failure.
        public var forgiveAfter: Duration = .seconds(30)
        public var logInterval: Duration = .seconds(10)
        /// Sources remembered; beyond it the least recently seen is forgotten.
        public var capacity = 4096

        public init() {}
    }

    struct Entry: Sendable {
        var failures: Double = 0
        var lastFailure: Instant = .zero
        /// Up to when `failures` has been forgiven.
        var forgivenUntil: Instant = .zero
        var lastLogged: Instant?
        var suppressed = 0
        var lastSeen: Instant = .zero
    }

    /// Whether a line about this source goes to the log now.
    public enum LogDecision: Sendable, Hashable {
        /// Log it, saying how many were kept quiet since the last line.
        case log(suppressed: Int)
        case quiet

        public var shouldLog: Bool { if case .log = self { true } else { false } }
    }

    public let settings: Settings
    private var sources: [String: Entry] = [:]

    public init(settings: Settings = Settings()) { self.settings = settings }

    public var count: Int { sources.count }

    /// When a hello from `request.source` may be challenged.
    public mutating func admit(_ request: AdmissionRequest, now: Instant) -> Admission {
        guard var entry = sources[request.source] else { return .challenge }
        entry.lastSeen = now
        forgive(&entry, now: now)
        sources[request.source] = entry
        guard entry.failures >= 1 else { return .challenge }
        let at = entry.lastFailure + penalty(for: entry.failures)
        return at > now ? .challengeAt(at) : .challenge
    }

    /// Records what a handshake came to; says whether to log a failure now.
    @discardableResult
    public mutating func record(_ report: AuthReport, now: Instant) -> LogDecision {
        switch report {
        case let .succeeded(source, _):
            // The key's holder is here: its source starts afresh.
            if var entry = sources[source] {
                entry.failures = 0
                entry.lastSeen = now
                sources[source] = entry
            }
            return .log(suppressed: 0)
        case let .failed(source, _, _):
            var entry = take(source, now: now)
            forgive(&entry, now: now)
            entry.failures += 1
            entry.lastFailure = now
            let decision = logDecision(&entry, now: now)
            sources[source] = entry
            return decision
        }
    }

    /// Whether another line about this source (a close, a refusal) may be logged now.
    public mutating func mayLog(source: String, now: Instant) -> LogDecision {
        var entry = take(source, now: now)
        let decision = logDecision(&entry, now: now)
        sources[source] = entry
        return decision
    }

    func penalty(for failures: Double) -> Duration {
        let doublings = min(30, max(0, Int(failures) - 1))
        let scaled = settings.basePenalty * (1 << doublings)
        return min(settings.maxPenalty, scaled)
    }

    private func forgive(_ entry: inout Entry, now: Instant) {
        let since = max(entry.lastFailure, entry.forgivenUntil)
        guard entry.failures > 0, now > since else { return }
        let periods = Int((now - since) / settings.forgiveAfter)
        guard periods >= 1 else { return }
        entry.failures /= Double(1 << min(30, periods))
        if entry.failures < 1 { entry.failures = 0 }
        entry.forgivenUntil = since + settings.forgiveAfter * periods
    }

    private func logDecision(_ entry: inout Entry, now: Instant) -> LogDecision {
        if let last = entry.lastLogged, now < last + settings.logInterval {
            entry.suppressed += 1
            return .quiet
        }
        let suppressed = entry.suppressed
        entry.suppressed = 0
        entry.lastLogged = now
        return .log(suppressed: suppressed)
    }

    /// The source's entry, made room for when new: the least recently seen source goes.
    private mutating func take(_ source: String, now: Instant) -> Entry {
        if var entry = sources[source] {
            entry.lastSeen = now
            return entry
        }
        if sources.count >= settings.capacity, let stalest = sources.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key {
            sources[stalest] = nil
        }
        var entry = Entry()
        entry.lastSeen = now
        return entry
    }
}
