import AudioPrompts
import Foundation
import HallModel
import XCTest

final class SynthesisTests: XCTestCase {
    private func requireEspeak() throws {
        let found = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/espeak-ng") }
        try XCTSkipUnless(found, "espeak-ng is not installed (apt-get install espeak-ng)")
    }

    /// espeak-ng's output is resampled to the library's rate and cached: a second
    /// synthesiser whose command does not even exist finds the same speech on disk.
    func testSynthesisIsCachedByVoiceAndText() throws {
        try requireEspeak()
        let rig = try ALSATestRig()
        let cache = rig.path("tts")
        let synthesizer = SpeechSynthesizer(config: SynthesisConfig(cacheDirectory: cache), sampleRate: 16_000)
        let speech = try synthesizer.synthesize("请到十二号窗口", language: .zh)
        XCTAssertEqual(speech.sampleRate, 16_000)
        XCTAssertGreaterThan(speech.seconds, 0.5)
        let cached = try XCTUnwrap(synthesizer.cacheFile(for: "请到十二号窗口", language: .zh))
        XCTAssertTrue(FileManager.default.fileExists(atPath: cached))
        XCTAssertNotEqual(cached, synthesizer.cacheFile(for: "请到十二号窗口", language: .en))

        let offline = SpeechSynthesizer(config: SynthesisConfig(command: "/nonexistent/espeak-ng", cacheDirectory: cache), sampleRate: 16_000)
        XCTAssertEqual(try offline.synthesize("请到十二号窗口", language: .zh), speech)
        XCTAssertThrowsError(try offline.synthesize("没有缓存的句子", language: .zh)) { error in
            XCTAssertTrue("\(error)".contains("cannot run /nonexistent/espeak-ng"), "\(error)")
        }
        XCTAssertThrowsError(try synthesizer.synthesize("   ", language: .en)) { XCTAssertEqual($0 as? SynthesisError, .emptyText) }
    }

    /// The cache keeps to its size limit, least recently used out first.
    func testCacheIsBounded() throws {
        try requireEspeak()
        let rig = try ALSATestRig()
        let cache = rig.path("tts")
        let synthesizer = SpeechSynthesizer(config: SynthesisConfig(cacheDirectory: cache, cacheLimitBytes: 60_000), sampleRate: 16_000)
        for text in ["window one", "window two", "window three", "window four"] {
            _ = try synthesizer.synthesize(text, language: .en)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: cache)
        let total = try files.reduce(0) { $0 + ((try FileManager.default.attributesOfItem(atPath: "\(cache)/\($1)")[.size] as? NSNumber)?.intValue ?? 0) }
        XCTAssertLessThanOrEqual(total, 60_000)
        XCTAssertTrue(files.contains(URL(fileURLWithPath: try XCTUnwrap(synthesizer.cacheFile(for: "window four", language: .en))).lastPathComponent),
                      "the newest entry stays")
        XCTAssertLessThan(files.count, 4)
    }

    /// Text without a recording is synthesised on the output's thread and played: the
    /// written samples equal the cached speech.
    func testTextWithoutRecordingIsSpoken() async throws {
        try requireEspeak()
        let rig = try ALSATestRig()
        let file = rig.addFilePCM("screen")
        let config = AudioConfig(outputs: [OutputConfig(name: "screen", pcm: "screen", devices: ["screen-west"])],
                                 alsaConfigFile: try rig.writeConfig(),
                                 synthesis: SynthesisConfig(cacheDirectory: rig.path("tts")))
        let system = AudioSystem(config: config, library: PromptLibrary.load(directory: repositoryPrompts))
        system.start()
        let output = try XCTUnwrap(system.output(for: "screen-west"))
        _ = await output.waitForStatus { $0.state == .idle }
        let sentence = "Passports are issued at windows 1 to 4 in the West Hall."
        // play() queues and returns; synthesis happens on the output's thread.
        let result = system.play(.answer(prompt: "intent/no-such-recording", language: .en, sentence: sentence), at: "screen-west")
        let ticket = try XCTUnwrap(result.ticket)
        let outcome = await output.waitUntilFinished(ticket: ticket, timeout: .seconds(30))
        XCTAssertEqual(outcome, .played)
        let speech = try XCTUnwrap(system.synthesizer?.synthesize(sentence, language: .en))
        assertSamplesEqual(try samplesWritten(to: file), speech.samples)
        await system.shutdown()
    }
}
