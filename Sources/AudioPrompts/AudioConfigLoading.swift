import Foundation
import HallModel

/// Every problem of an audio configuration, one `file: problem` line each.
public struct AudioConfigError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]

    public init(_ problems: [String]) { self.problems = problems }

    public var description: String { problems.joined(separator: "\n") }
}

extension AudioConfig {
    /// Reads an audio configuration YAML file (see README, "Audio prompts"). Relative
    /// paths in it are taken from the file's folder.
    public static func load(file: String) throws(AudioConfigError) -> AudioConfig {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: file)) else { throw AudioConfigError(["\(file): cannot read the file"]) }
        let tree: Any
        do {
            tree = try ConfigYAML.parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw AudioConfigError(["\(file):\(error.line): \(error.message)"])
        }
        guard let dictionary = tree as? [String: Any] else { throw AudioConfigError(["\(file): the top level must be a mapping"]) }
        let base = URL(fileURLWithPath: file).deletingLastPathComponent().path
        do {
            return try AudioConfig(dictionary: dictionary, baseDirectory: base)
        } catch {
            throw AudioConfigError(error.problems.map { "\(file): \($0)" })
        }
    }

    /// Reads the YAML-shaped dictionary halld passes (what `Yams.load` returns for the
    /// audio section). Keys: outputs (name, pcm, places, devices, volume, quiet_hours,
    /// queue_limit, stale_after_s), prompts, alsa_config, reopen (initial_ms, max_ms),
    /// buffer_ms, synthesis (enabled, command, voice_zh, voice_en, cache, cache_limit_mb).
    public init(dictionary: [String: Any], baseDirectory: String? = nil) throws(AudioConfigError) {
        var reader = DictionaryReader(baseDirectory: baseDirectory)
        let top = reader.keys(dictionary, at: "audio", allowed: ["outputs", "prompts", "alsa_config", "reopen", "buffer_ms", "synthesis"])
        var outputs: [OutputConfig] = []
        for (index, item) in (reader.list(top["outputs"], at: "outputs") ?? []).enumerated() {
            let at = "outputs[\(index)]"
            guard let entry = item as? [String: Any] else { reader.fail("\(at): must be a mapping"); continue }
            let keys = reader.keys(entry, at: at, allowed: ["name", "pcm", "places", "devices", "volume", "quiet_hours",
                                                             "queue_limit", "stale_after_s"])
            let name = reader.string(keys["name"], at: "\(at).name", required: true) ?? ""
            var output = OutputConfig(name: name, pcm: reader.string(keys["pcm"], at: "\(at).pcm", required: true) ?? "")
            output.places = reader.strings(keys["places"], at: "\(at).places")
            output.devices = reader.strings(keys["devices"], at: "\(at).devices")
            output.volume = reader.number(keys["volume"], at: "\(at).volume") ?? 1
            output.queueLimit = reader.number(keys["queue_limit"], at: "\(at).queue_limit").map { Int($0) } ?? 8
            output.staleAfter = .milliseconds(Int((reader.number(keys["stale_after_s"], at: "\(at).stale_after_s") ?? 60) * 1000))
            output.quietHours = reader.timeRange(keys["quiet_hours"], at: "\(at).quiet_hours")
            outputs.append(output)
        }
        var config = AudioConfig(outputs: outputs)
        config.promptsDirectory = reader.path(top["prompts"], at: "prompts")
        config.alsaConfigFile = reader.path(top["alsa_config"], at: "alsa_config")
        if let bufferMS = reader.number(top["buffer_ms"], at: "buffer_ms") { config.bufferTime = .milliseconds(Int(bufferMS)) }
        if let reopen = top["reopen"], !DictionaryReader.isNull(reopen) {
            let keys = reader.keys(reopen as? [String: Any] ?? [:], at: "reopen", allowed: ["initial_ms", "max_ms"])
            if let initial = reader.number(keys["initial_ms"], at: "reopen.initial_ms") { config.initialBackoff = .milliseconds(Int(initial)) }
            if let maximum = reader.number(keys["max_ms"], at: "reopen.max_ms") { config.maximumBackoff = .milliseconds(Int(maximum)) }
        }
        if let synthesis = top["synthesis"], !DictionaryReader.isNull(synthesis) {
            let keys = reader.keys(synthesis as? [String: Any] ?? [:], at: "synthesis",
                                   allowed: ["enabled", "command", "voice_zh", "voice_en", "cache", "cache_limit_mb"])
            if let enabled = keys["enabled"] {
                if let flag = enabled as? Bool { config.synthesis.enabled = flag } else { reader.fail("synthesis.enabled: must be true or false") }
            }
            config.synthesis.command = reader.string(keys["command"], at: "synthesis.command") ?? config.synthesis.command
            config.synthesis.voices[.zh] = reader.string(keys["voice_zh"], at: "synthesis.voice_zh") ?? config.synthesis.voices[.zh]
            config.synthesis.voices[.en] = reader.string(keys["voice_en"], at: "synthesis.voice_en") ?? config.synthesis.voices[.en]
            config.synthesis.cacheDirectory = reader.path(keys["cache"], at: "synthesis.cache")
            if let megabytes = reader.number(keys["cache_limit_mb"], at: "synthesis.cache_limit_mb") {
                config.synthesis.cacheLimitBytes = Int(megabytes * 1_048_576)
            }
        }
        let problems = reader.problems + (reader.problems.isEmpty ? config.validate() : [])
        guard problems.isEmpty else { throw AudioConfigError(problems) }
        self = config
    }
}

/// Typed reading of a loosely typed tree, collecting every problem.
private struct DictionaryReader {
    var baseDirectory: String?
    var problems: [String] = []

    static func isNull(_ value: Any) -> Bool { value is ConfigYAML.Null || value is NSNull }

    mutating func fail(_ problem: String) { problems.append(problem) }

    mutating func keys(_ dictionary: [String: Any], at: String, allowed: Set<String>) -> [String: Any] {
        for key in dictionary.keys.sorted() where !allowed.contains(key) {
            fail("\(at): unknown key '\(key)' (expected one of: \(allowed.sorted().joined(separator: ", ")))")
        }
        return dictionary.filter { allowed.contains($0.key) && !Self.isNull($0.value) }
    }

    mutating func list(_ value: Any?, at: String) -> [Any]? {
        guard let value else { return nil }
        guard let items = value as? [Any] else { fail("\(at): must be a list"); return nil }
        return items
    }

    mutating func string(_ value: Any?, at: String, required: Bool = false) -> String? {
        guard let value else {
            if required { fail("\(at): missing") }
            return nil
        }
        if let text = value as? String { return text }
        if let number = value as? Int { return String(number) }
        fail("\(at): must be text")
        return nil
    }

    mutating func strings(_ value: Any?, at: String) -> [String] {
        guard let value else { return [] }
        if let single = value as? String { return [single] }
        guard let items = value as? [Any] else { fail("\(at): must be a list of names"); return [] }
        return items.enumerated().compactMap { string($0.element, at: "\(at)[\($0.offset)]") }
    }

    mutating func number(_ value: Any?, at: String) -> Double? {
        guard let value else { return nil }
        if value is Bool { fail("\(at): must be a number"); return nil }
        if let integer = value as? Int { return Double(integer) }
        if let real = value as? Double { return real }
        fail("\(at): must be a number")
        return nil
    }

    mutating func path(_ value: Any?, at: String) -> String? {
        guard let text = string(value, at: at) else { return nil }
        guard !text.hasPrefix("/"), let baseDirectory else { return text }
        return URL(fileURLWithPath: baseDirectory).appendingPathComponent(text).standardizedFileURL.path
    }

    /// "22:00-07:00", or {from: "22:00", to: "07:00"}.
    mutating func timeRange(_ value: Any?, at: String) -> LocalTimeRange? {
        guard let value else { return nil }
        if let text = value as? String {
            if let range = LocalTimeRange(parsing: text) { return range }
        } else if let pair = value as? [String: Any], let from = pair["from"] as? String, let to = pair["to"] as? String,
                  let range = LocalTimeRange(parsing: "\(from)-\(to)") {
            return range
        }
        fail("\(at): expected \"HH:MM-HH:MM\" (local time, may wrap past midnight)")
        return nil
    }
}
