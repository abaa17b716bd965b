import Foundation
import HallModel

/// Measures enqueue → first period written on a real ALSA PCM (type `file` over `null`, in
/// a temporary folder), as the output itself reports it (`PromptReport.firstPeriodWrittenAt`,
/// stamped on the player thread when snd_pcm_writei returns), not by watching the file.
/// For hallbench: `let samples = try await AudioLatencyProbe.measure(iterations: 200)`.
public enum AudioLatencyProbe {
    public struct ProbeError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// One sample per iteration; each starts from an idle, open output.
    public static func measure(iterations: Int = 200, clip: PCMClip = .tone(seconds: 0.25)) async throws -> [Duration] {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("hallguide-latency-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let alsaConfig = folder.appendingPathComponent("probe.conf")
        let pcmText = """
            pcm.hallguide_probe {
                type file
                slave.pcm "null"
                file "\(folder.appendingPathComponent("out.wav").path)"
                format "wav"
            }
            """
        try pcmText.write(to: alsaConfig, atomically: true, encoding: .utf8)
        let system = AudioSystem(config: AudioConfig(outputs: [OutputConfig(name: "probe", pcm: "hallguide_probe", places: ["probe"])],
                                                     alsaConfigFile: alsaConfig.path,
                                                     synthesis: SynthesisConfig(enabled: false)),
                                 library: PromptLibrary(sampleRate: clip.sampleRate, recordings: [.zh: ["probe": clip]]))
        system.start()
        let output = system.outputs[0]
        guard await output.waitForStatus(until: { $0.state == .idle }) != nil else {
            await system.shutdown()
            throw ProbeError(description: "probe output did not open: \(output.status().lastError ?? "timeout")")
        }
        var samples: [Duration] = []
        samples.reserveCapacity(iterations)
        for _ in 0..<iterations {
            let started = ContinuousClock.now
            let result = system.play(AudioRequest(promptID: "probe", language: .zh), on: output)
            guard let ticket = result.ticket,
                  let report = await output.waitForReport(ticket: ticket, until: { $0.outcome != nil }),
                  let written = report.firstPeriodWrittenAt else {
                await system.shutdown()
                throw ProbeError(description: "probe prompt did not play: \(result), \(output.status())")
            }
            samples.append(written - started)
        }
        await system.shutdown()
        return samples
    }

    /// (median, 99th percentile) of a set of samples.
    public static func summary(_ samples: [Duration]) -> (median: Duration, p99: Duration) {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return (.zero, .zero) }
        func at(_ fraction: Double) -> Duration { sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))] }
        return (at(0.5), at(0.99))
    }
}
