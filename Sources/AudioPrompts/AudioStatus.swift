import HallModel

/// What an output is doing, for the status socket and metrics.
public enum AudioOutputState: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Open and waiting for prompts.
    case idle
    case playing
    /// The device was open and then failed; reopening with backoff.
    case reopening
    /// The device has not opened since start (no card, wrong name, busy); retrying with backoff.
    case unavailable
    /// Idle inside quiet hours: only announcements play.
    case quiet

    public var description: String { rawValue }
}

/// Running totals since the output started.
public struct AudioCounters: Sendable, Hashable, Codable {
    public var played = 0
    /// Prompts cut off by a device failure or that could not be synthesised.
    public var failed = 0
    /// Underruns (-EPIPE) and suspends (-ESTRPIPE) recovered with snd_pcm_recover.
    public var underrunsRecovered = 0
    /// Successful reopens after the device was lost.
    public var reopens = 0
    public var openFailures = 0
    /// Prompts dropped unplayed: queue full, waited too long, or pre-empted.
    public var dropped = 0
    /// Of `dropped`: cut off at a period boundary by a higher-priority prompt.
    public var preempted = 0
    /// Prompts not played because of quiet hours.
    public var suppressed = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case played, failed, reopens, dropped, preempted, suppressed
        case underrunsRecovered = "underruns_recovered"
        case openFailures = "open_failures"
    }
}

/// A snapshot of one output.
public struct AudioStatus: Sendable, Hashable, Codable {
    public var name: String
    public var pcm: String
    public var state: AudioOutputState
    public var queueDepth: Int
    /// The prompt playing now ("intent/exit-entry", "speech", "tone").
    public var playing: String?
    public var counters: AudioCounters
    public var lastError: String?

    enum CodingKeys: String, CodingKey {
        case name, pcm, state, playing, counters
        case queueDepth = "queue_depth"
        case lastError = "last_error"
    }
}

/// What `enqueue` did; it always returns at once.
public enum EnqueueResult: Sendable, Hashable {
    /// Waiting on the output's queue; follow it with `AudioOutput.report(ticket:)`.
    case queued(ticket: UInt64)
    /// Quiet hours: counted, not played.
    case suppressed
    /// Nothing to play (no recording and no synthesis), or no output for the target.
    case rejected(String)

    public var ticket: UInt64? {
        if case .queued(let ticket) = self { ticket } else { nil }
    }
}

/// How a queued prompt ended.
public enum PromptOutcome: Sendable, Hashable {
    case played
    /// Cut off at a period boundary by a higher-priority prompt.
    case preempted
    case dropped(reason: String)
    case suppressed
    case failed(reason: String)
}

/// One queued prompt's history, kept for the most recent prompts.
public struct PromptReport: Sendable, Hashable {
    public var ticket: UInt64
    public var label: String
    public var priority: PromptPriority
    public var enqueuedAt: ContinuousClock.Instant
    /// When the first period had been written to the PCM (snd_pcm_writei returned).
    public var firstPeriodWrittenAt: ContinuousClock.Instant?
    public var outcome: PromptOutcome?
}

/// What an output plays: a clip, or text it synthesises on its own thread first.
public enum PromptSource: Sendable, Hashable {
    case clip(PCMClip)
    case speech(text: String, language: Language)
}
