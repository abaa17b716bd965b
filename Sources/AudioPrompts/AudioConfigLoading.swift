import Foundation
import HallModel

// The audio configuration as YAML (README, "Audio prompts"): halld.yaml's `audio:`
// section and hallctl's `--config FILE` are read by the same YAMLReader, so both report
// `file:line` for unknown keys, wrong types and refused values, every problem at once.

extension AudioConfig {
    /// Reads an audio configuration file. Relative paths in it are taken from its folder.
    public static func load(file: String) throws(ValidationError) -> AudioConfig {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError([Diagnostic(file: file, line: 1, "cannot read the file")])
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        return try YAMLReader.read(String(decoding: data, as: UTF8.self), file: file, as: yaml(baseDirectory: folder))
    }

    /// The audio configuration's keys: outputs (name, pcm, places, devices, volume,
    /// quiet_hours, queue_limit, stale_after_s), prompts, alsa_config, reopen
    /// (initial_ms, max_ms), buffer_ms, synthesis (enabled, command, voice_zh, voice_en,
    /// cache, cache_limit_mb). Relative paths are taken from `baseDirectory`.
    public static func yaml(baseDirectory: String?) -> YAMLValue<AudioConfig> {
        let path = YAMLValue<String>.text.map { resolve($0, from: baseDirectory) }
        let synthesis: [YAMLField<SynthesisConfig>] = [
            .field("enabled", \.enabled, .bool),
            .field("command", \.command, .text),
            .field("voice_zh", \.voices[Language.zh], .text),
            .field("voice_en", \.voices[Language.en], .text),
            .field("cache", \.cacheDirectory, path),
            .field("cache_limit_mb", \.cacheLimitBytes, YAMLValue<Double>.number(in: 0...100_000).map { Int($0 * 1_048_576) }),
        ]
        let fields: [YAMLField<AudioConfig>] = [
            .field("outputs", \.outputs, .list(of: OutputConfig.yaml, check: checkOutputs), required: true),
            .field("prompts", \.promptsDirectory, path),
            .field("alsa_config", \.alsaConfigFile, path),
            .field("buffer_ms", \.bufferTime, .milliseconds(in: 1...10_000)),
            .section("reopen", [
                .field("initial_ms", \.initialBackoff, .milliseconds(in: 1...600_000)),
                .field("max_ms", \.maximumBackoff, .milliseconds(in: 1...600_000)),
            ]),
            .field("synthesis", \.synthesis, .mapping(SynthesisConfig(), synthesis)),
        ]
        return .mapping(AudioConfig(outputs: []), fields) { config, check in
            if config.maximumBackoff < config.initialBackoff {
                check.fail("reopen: initial_ms must be at most max_ms", at: "reopen")
            }
        }
    }

    /// Names unique, and each place or device spoken for by one output only.
    private static func checkOutputs(_ outputs: [(index: Int, value: OutputConfig)], _ check: inout YAMLCheck) {
        if check.itemCount == 0 { check.fail("at least one output is needed") }
        var names: [String: String] = [:]
        var claimed: [String: String] = [:]
        for (index, output) in outputs {
            if names.updateValue(output.name, forKey: output.name) != nil {
                check.fail("the output name '\(output.name)' is used twice", atItem: index)
            }
            for target in output.places + output.devices {
                if let other = claimed[target], other != output.name {
                    check.fail("'\(target)' is mapped to output '\(other)' and to output '\(output.name)'", atItem: index)
                }
                claimed[target] = output.name
            }
        }
    }

    static func resolve(_ path: String, from baseDirectory: String?) -> String {
        guard !path.hasPrefix("/"), let baseDirectory else { return path }
        return URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardizedFileURL.path
    }
}

extension OutputConfig {
    static var yaml: YAMLValue<OutputConfig> {
        let names = YAMLValue<[String]>.oneOf(YAMLValue<String>.text.map { [$0] }, .list(of: .text))
        let fields: [YAMLField<OutputConfig>] = [
            .field("name", \.name, .text, required: true),
            .field("pcm", \.pcm, .text, required: true),
            .field("places", \.places, names),
            .field("devices", \.devices, names),
            .field("volume", \.volume, .number(in: 0...1)),
            .field("quiet_hours", \.quietHours, LocalTimeRange.yaml),
            .field("queue_limit", \.queueLimit, .integer(in: 1...1000)),
            .field("stale_after_s", \.staleAfter, .seconds(in: 0.001...86_400)),
        ]
        return .mapping(OutputConfig(name: "", pcm: ""), fields)
    }
}

extension LocalTimeRange {
    /// "22:00-07:00", or {from: "22:00", to: "07:00"}.
    static var yaml: YAMLValue<LocalTimeRange> {
        .oneOf(
            .scalar("\"HH:MM-HH:MM\" (local time, may wrap past midnight)") { LocalTimeRange(parsing: $0) },
            .mapping(from: ClockTimes(), [
                .field("from", \.from, .text, required: true),
                .field("to", \.to, .text, required: true),
            ]) { times, check in
                guard let from = times.from, let to = times.to else { return nil }
                guard let range = LocalTimeRange(parsing: "\(from)-\(to)") else {
                    check.fail("expected from and to as HH:MM (local time), got '\(from)' and '\(to)'")
                    return nil
                }
                return range
            })
    }

    private struct ClockTimes {
        var from: String?
        var to: String?
    }
}
