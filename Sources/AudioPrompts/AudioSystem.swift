import CALSAShim
import Foundation
import HallModel
import Logging

/// What to say on an output.
public struct AudioRequest: Sendable, Hashable {
    /// An answer's prompt id ("intent/exit-entry", "window/12", "clarify", "fallback",
    /// "greeting"), or nil to synthesise `text`.
    public var promptID: String?
    public var language: Language
    /// Spoken by synthesis when the library has no recording for `promptID`.
    public var text: String?
    public var priority: PromptPriority

    public init(promptID: String?, language: Language, text: String? = nil, priority: PromptPriority = .guidance) {
        self.promptID = promptID
        self.language = language
        self.text = text
        self.priority = priority
    }

    /// An answer's recorded prompt, with its sentence as the synthesis fallback.
    public static func answer(prompt: String, language: Language, sentence: String?) -> AudioRequest {
        AudioRequest(promptID: prompt, language: language, text: sentence, priority: .guidance)
    }
}

/// halld's audio: one `AudioOutput` per configured speaker, the prompt library and the
/// synthesiser. Every method returns at once; playback, reopening and synthesis happen on
/// the outputs' own threads.
public final class AudioSystem: Sendable {
    public let config: AudioConfig
    public let library: PromptLibrary
    public let outputs: [AudioOutput]
    public let synthesizer: SpeechSynthesizer?

    /// `library` defaults to loading `config.promptsDirectory` (an empty library without
    /// one); check `library.problems` and `library.missingPrompts(for:)` to report them.
    public init(config: AudioConfig, library: PromptLibrary? = nil, logger: Logger = Logger(label: "hallguide.audio"),
                now: @escaping @Sendable () -> Date = { Date() }, timeZone: TimeZone = .current) {
        // ALSA prints its errors to stderr by default; HallGuide reports them in status instead.
        hallguide_alsa_silence_errors()
        let library = library ?? config.promptsDirectory.map { PromptLibrary.load(directory: $0) }
            ?? PromptLibrary(sampleRate: 16_000, recordings: [:])
        let synthesizer = config.synthesis.enabled ? SpeechSynthesizer(config: config.synthesis, sampleRate: library.sampleRate) : nil
        self.config = config
        self.library = library
        self.synthesizer = synthesizer
        outputs = config.outputs.map { output in
            AudioOutput(config: output, sampleRate: library.sampleRate, alsaConfigFile: config.alsaConfigFile,
                        initialBackoff: config.initialBackoff, maximumBackoff: config.maximumBackoff,
                        bufferTime: config.bufferTime, synthesizer: synthesizer, logger: logger, now: now, timeZone: timeZone)
        }
    }

    /// Starts every output's thread (each opens its PCM, or keeps retrying with backoff).
    public func start() {
        for output in outputs { output.start() }
    }

    public func shutdown() async {
        for output in outputs { await output.shutdown() }
    }

    /// The output for a place id, a device id or an output name.
    public func output(for target: String) -> AudioOutput? {
        guard let name = config.output(for: target)?.name else { return nil }
        return outputs.first { $0.config.name == name }
    }

    /// Queues a request on the output of `target` (a place or device id). Never blocks:
    /// the recording (or composed window prompt) is looked up in memory; text without a
    /// recording is synthesised later on the output's thread.
    @discardableResult
    public func play(_ request: AudioRequest, at target: String) -> EnqueueResult {
        guard let output = output(for: target) else { return .rejected("no audio output for '\(target)'") }
        return play(request, on: output)
    }

    @discardableResult
    public func play(_ request: AudioRequest, on output: AudioOutput) -> EnqueueResult {
        guard let source = source(for: request) else {
            let id = request.promptID ?? "text"
            return .rejected("no recording for '\(id)' (\(request.language.rawValue))\(synthesizer == nil ? " and synthesis is off" : " and no text to synthesise")")
        }
        return output.enqueue(source, label: request.promptID ?? "speech", priority: request.priority)
    }

    /// The clip or text an output would play for a request, nil when there is nothing.
    public func source(for request: AudioRequest) -> PromptSource? {
        if let id = request.promptID, let clip = library.clip(for: id, language: request.language) { return .clip(clip) }
        if synthesizer != nil, let text = request.text, !text.isEmpty { return .speech(text: text, language: request.language) }
        return nil
    }

    /// Every output's snapshot, in configuration order.
    public func status() -> [AudioStatus] { outputs.map { $0.status() } }
}
