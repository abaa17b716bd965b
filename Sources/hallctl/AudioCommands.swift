import ArgumentParser
import AudioPrompts
import Foundation
import HallModel
import HallAnswers

/// `hallctl audio …`: try a speaker, speak a sentence, check the prompt library.
struct AudioCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio",
        abstract: "Audio prompts: test an output, speak text, check the prompt library.",
        subcommands: [AudioTest.self, AudioSay.self, AudioCheck.self]
    )
}

/// Where the outputs are: an audio configuration file, or a single PCM.
struct AudioOutputOptions: ParsableArguments {
    @Option(help: "Audio configuration YAML (outputs with name, pcm, places, devices, volume, quiet_hours).")
    var config: String?

    @Option(name: .customLong("alsa-config"), help: "Extra ALSA configuration loaded in-process (defines PCMs such as a 'file' PCM).")
    var alsaConfig: String?

    @Option(help: "Without --config: the ALSA PCM to use for PLACE.")
    var pcm = "default"

    @Option(help: "Prompt library folder (default: the configuration's, else ./prompts).")
    var prompts: String?

    @Option(help: "Seconds to wait for playback.")
    var timeout = 30.0

    /// The configuration narrowed to the one output that serves `place`.
    func load(place: String) throws -> AudioConfig {
        var config: AudioConfig
        if let file = self.config {
            do {
                config = try AudioConfig.load(file: file)
            } catch {
                exitWithAudioError(error.description)
            }
        } else {
            config = AudioConfig(outputs: [OutputConfig(name: place, pcm: pcm, places: [place])])
        }
        if let alsaConfig { config.alsaConfigFile = alsaConfig }
        if let prompts { config.promptsDirectory = prompts }
        if config.promptsDirectory == nil, FileManager.default.fileExists(atPath: "prompts") { config.promptsDirectory = "prompts" }
        guard let output = config.output(for: place) else {
            exitWithAudioError("no audio output for '\(place)' in \(self.config ?? "the command line")")
        }
        config.outputs = [output]
        // A person is waiting at the command line: retry a missing device quickly, briefly.
        config.maximumBackoff = min(config.maximumBackoff, .seconds(1))
        return config
    }
}

private func exitWithAudioError(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    Foundation.exit(1)
}

/// Runs async work from a synchronous command (hallctl's root command is synchronous).
private func runAudioBlocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let result = AudioResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        result.set(await body())
        done.signal()
    }
    done.wait()
    return result.get()
}

private final class AudioResultBox<T: Sendable>: @unchecked Sendable {
    // Guarded by `lock`; written once by the task, read after the semaphore.
    private let lock = NSLock()
    private var value: T?

    func set(_ newValue: T) {
        lock.lock()
        value = newValue
        lock.unlock()
    }

    func get() -> T {
        lock.lock()
        defer { lock.unlock() }
        return value!
    }
}

/// Plays one request on a one-output system and reports the outcome and the output's state.
private func playAndReport(_ request: AudioRequest, config: AudioConfig, library: PromptLibrary? = nil, timeout: Double, json: Bool) throws {
    let system = AudioSystem(config: config, library: library)
    let describe = request.promptID ?? "speech"
    let (outcome, status, latency): (PromptOutcome?, AudioStatus, Duration?) = runAudioBlocking {
        system.start()
        let output = system.outputs[0]
        // The first open attempt decides whether there is anything to play on.
        _ = await output.waitForStatus(timeout: .seconds(5)) { $0.state != .unavailable || $0.counters.openFailures > 0 }
        guard output.status().state != .unavailable else {
            await system.shutdown()
            return (nil, output.status(), nil)
        }
        guard let ticket = system.play(request, on: output).ticket else {
            await system.shutdown()
            return (.failed(reason: "nothing to play for \(describe)"), output.status(), nil)
        }
        let report = await output.waitForReport(ticket: ticket, timeout: .milliseconds(Int(timeout * 1000))) { $0.outcome != nil }
        let latency = report?.firstPeriodWrittenAt.map { $0 - (report?.enqueuedAt ?? $0) }
        let status = output.status()
        await system.shutdown()
        return (report?.outcome, status, latency)
    }
    if json {
        try printJSON(status, pretty: true)
    } else {
        let result: String
        switch outcome {
        case .played?: result = "played \(describe) (\(request.language.rawValue))"
        case .failed(let reason)?: result = "failed: \(reason)"
        case .dropped(let reason)?: result = "dropped: \(reason)"
        case .preempted?: result = "pre-empted"
        case .suppressed?: result = "suppressed by quiet hours"
        case nil: result = status.state == .unavailable ? "not played: the device is unavailable" : "not played within \(timeout) s"
        }
        print("output \(status.name) (\(status.pcm)): \(result)")
        if let latency {
            let milliseconds = Double(latency.components.attoseconds) / 1e15 + Double(latency.components.seconds) * 1000
            let note = request.promptID == nil ? " (including synthesis)" : ""
            print(String(format: "first period written %.2f ms after enqueue", milliseconds) + note)
        }
        print("state \(status.state); queue \(status.queueDepth); played \(status.counters.played), failed \(status.counters.failed), "
              + "underruns recovered \(status.counters.underrunsRecovered), reopens \(status.counters.reopens), "
              + "dropped \(status.counters.dropped), suppressed \(status.counters.suppressed)")
        if let error = status.lastError { print("last error: \(error)") }
    }
    if outcome != .played { throw ExitCode(1) }
}

struct AudioTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Play the greeting (or a test tone) on the output for PLACE and report its state.")

    @OptionGroup var outputs: AudioOutputOptions

    @Flag(help: "Play a 880 Hz test tone instead of the greeting.")
    var tone = false

    @Option(help: "Language of the greeting: zh or en.")
    var language = "zh"

    @Flag(help: "Print the output's status as JSON.")
    var json = false

    @Argument(help: "A place or device id (or an output name) from the audio configuration.")
    var place: String

    func run() throws {
        let config = try outputs.load(place: place)
        let language = parseAudioLanguage(language)
        let library = config.promptsDirectory.map { PromptLibrary.load(directory: $0) } ?? PromptLibrary(sampleRate: 16_000, recordings: [:])
        var request = AudioRequest(promptID: "greeting", language: language, priority: .announcement)
        var testLibrary = library
        if tone || library.clip(for: "greeting", language: language) == nil {
            // The tone joins the library so it plays at the library's rate like any prompt.
            testLibrary = PromptLibrary(sampleRate: library.sampleRate,
                                        recordings: [language: ["tone": .tone(sampleRate: library.sampleRate)]])
            request.promptID = "tone"
        }
        // Announcement priority: a staff test plays even inside quiet hours.
        try playAndReport(request, config: config, library: testLibrary, timeout: outputs.timeout, json: json)
    }
}

struct AudioSay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "say",
        abstract: "Synthesise TEXT with espeak-ng (cached) and play it on the output for --place.")

    @OptionGroup var outputs: AudioOutputOptions

    @Option(help: "A place or device id (or an output name) from the audio configuration.")
    var place: String

    @Option(help: "zh or en (default: zh when the text has Han characters).")
    var language: String?

    @Flag(help: "Print the output's status as JSON.")
    var json = false

    @Argument(help: "What to say.")
    var text: String

    func run() throws {
        var config = try outputs.load(place: place)
        config.synthesis.enabled = true
        let spoken = language.map(parseAudioLanguage) ?? (text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } ? .zh : .en)
        let request = AudioRequest(promptID: nil, language: spoken, text: text, priority: .announcement)
        try playAndReport(request, config: config, timeout: outputs.timeout, json: json)
    }
}

struct AudioCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the prompt library: format and length of every recording, intents without one.")

    @OptionGroup var hall: HallOptions

    @Option(help: "Prompt library folder.")
    var prompts = "prompts"

    func run() throws {
        let loaded = try hall.load()
        let library = PromptLibrary.load(directory: prompts)
        let problems = library.check(intents: loaded.intents)
        for problem in problems { print("\(prompts)/\(problem)") }
        let count = Language.allCases.reduce(0) { $0 + library.promptIDs(language: $1).count }
        print("\(count) recordings at \(library.sampleRate) Hz; \(library.problems.count) unusable, "
              + "\(problems.count - library.problems.count) missing")
        if !problems.isEmpty { throw ExitCode(1) }
    }
}

private func parseAudioLanguage(_ text: String) -> Language {
    guard let language = Language(rawValue: text) else { exitWithAudioError("unknown language '\(text)': use zh or en") }
    return language
}
