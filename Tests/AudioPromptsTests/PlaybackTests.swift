import AudioPrompts
import Foundation
import HallModel
import XCTest

final class PlaybackTests: XCTestCase {
    /// An answer's prompt ("window/12", composed from fragments; "clarify") played through a
    /// real ALSA `file` PCM: the samples written equal the prompt's.
    func testAnswerPromptWrittenSamplesEqualThePrompt() async throws {
        let library = PromptLibrary.load(directory: repositoryPrompts)
        XCTAssertEqual(library.problems, [])
        let rig = try ALSATestRig()
        let file = rig.addFilePCM("speaker")
        let output = try await rig.startedOutput(OutputConfig(name: "north", pcm: "speaker"), sampleRate: library.sampleRate)
        var expected: [Int16] = []
        for (prompt, language) in [("window/12", Language.zh), ("clarify", .en), ("window/48", .en)] {
            let clip = try XCTUnwrap(library.clip(for: prompt, language: language), prompt)
            let ticket = try XCTUnwrap(output.enqueue(.clip(clip), label: prompt, priority: .guidance).ticket)
            let outcome = await output.waitUntilFinished(ticket: ticket)
            XCTAssertEqual(outcome, .played, prompt)
            expected += clip.samples
            assertSamplesEqual(try samplesWritten(to: file), expected, "after \(prompt)")
        }
        let status = output.status()
        XCTAssertEqual(status.counters.played, 3)
        XCTAssertEqual(status.state, .idle)
        await output.shutdown()
    }

    func testVolumeScalesSamples() async throws {
        let rig = try ALSATestRig()
        let file = rig.addFilePCM("quiet")
        let output = try await rig.startedOutput(OutputConfig(name: "quiet", pcm: "quiet", volume: 0.5))
        let clip = rampClip(count: 5_000)
        let ticket = try XCTUnwrap(output.enqueue(.clip(clip), label: "ramp", priority: .guidance).ticket)
        let outcome = await output.waitUntilFinished(ticket: ticket)
        XCTAssertEqual(outcome, .played)
        assertSamplesEqual(try samplesWritten(to: file), clip.samples.map { Int16((Double($0) * 0.5).rounded()) })
        await output.shutdown()
    }
}
