import Foundation
import HallModel

/// Why text could not be turned into speech.
public enum SynthesisError: Error, Sendable, Hashable, CustomStringConvertible {
    case disabled
    case emptyText
    case noVoice(Language)
    case commandFailed(String)

    public var description: String {
        switch self {
        case .disabled: "speech synthesis is disabled"
        case .emptyText: "nothing to say"
        case .noVoice(let language): "no synthesis voice configured for \(language.rawValue)"
        case .commandFailed(let reason): "synthesis failed: \(reason)"
        }
    }
}

/// Speech for text without a recording: espeak-ng as a subprocess (Mandarin through the
/// cmn-latn-pinyin voice, which reads Han characters with Mandarin phonemes), resampled to
/// the library's rate and cached on disk by a hash of voice, rate and text, least recently
/// used first out when the cache outgrows its limit. `synthesize` blocks: outputs call it
/// on their own player thread, never on a caller's.
public final class SpeechSynthesizer: Sendable {
    public let config: SynthesisConfig
    public let sampleRate: Int
    public let cacheDirectory: String

    public init(config: SynthesisConfig, sampleRate: Int) {
        self.config = config
        self.sampleRate = sampleRate
        cacheDirectory = config.cacheDirectory
            ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("hallguide-tts").path
    }

    /// The cache file for a text: the same text and voice always map to the same file.
    public func cacheFile(for text: String, language: Language) -> String? {
        guard let voice = config.voices[language] else { return nil }
        let key = Self.fnv1a64("\(voice)\n\(sampleRate)\n\(text)")
        return URL(fileURLWithPath: cacheDirectory).appendingPathComponent(String(format: "tts-%016llx.wav", key)).path
    }

    public func synthesize(_ text: String, language: Language) throws(SynthesisError) -> PCMClip {
        guard config.enabled else { throw .disabled }
        let spoken = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !spoken.isEmpty else { throw .emptyText }
        guard let voice = config.voices[language], let cached = cacheFile(for: spoken, language: language) else {
            throw .noVoice(language)
        }
        let files = FileManager.default
        if let clip = try? WAVFile.read(path: cached), clip.sampleRate == sampleRate, !clip.samples.isEmpty {
            // Touch it: eviction goes by modification time.
            try? files.setAttributes([.modificationDate: Date()], ofItemAtPath: cached)
            return clip
        }
        do {
            try files.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        } catch {
            throw .commandFailed("cannot create the cache folder \(cacheDirectory): \(error.localizedDescription)")
        }
        let raw = cached + ".\(ProcessInfo.processInfo.processIdentifier).\(UInt64.random(in: 0...UInt64.max)).tmp"
        defer { try? files.removeItem(atPath: raw) }
        try run(voice: voice, text: spoken, output: raw)
        let clip: PCMClip
        do {
            clip = try WAVFile.read(path: raw, lenient: true).resampled(to: sampleRate)
        } catch {
            throw .commandFailed("\(config.command) wrote no usable WAV: \(error)")
        }
        guard !clip.samples.isEmpty else { throw .commandFailed("\(config.command) produced no audio") }
        // Written whole, then renamed over (rename(2) is atomic): a concurrent reader
        // never sees half a file.
        let staged = raw + ".wav"
        if files.createFile(atPath: staged, contents: WAVFile.encode(clip)), rename(staged, cached) != 0 {
            try? files.removeItem(atPath: staged)
        }
        trimCache()
        return clip
    }

    /// Removes the least recently used entries until the cache fits its limit.
    public func trimCache() {
        let files = FileManager.default
        guard let names = try? files.contentsOfDirectory(atPath: cacheDirectory) else { return }
        var entries: [(path: String, size: Int, used: Date)] = names.filter { $0.hasPrefix("tts-") && $0.hasSuffix(".wav") }.compactMap { name in
            let path = URL(fileURLWithPath: cacheDirectory).appendingPathComponent(name).path
            guard let attributes = try? files.attributesOfItem(atPath: path) else { return nil }
            return (path, (attributes[.size] as? NSNumber)?.intValue ?? 0, attributes[.modificationDate] as? Date ?? .distantPast)
        }
        var total = entries.reduce(0) { $0 + $1.size }
        entries.sort { $0.used < $1.used }
        for entry in entries where total > config.cacheLimitBytes {
            try? files.removeItem(atPath: entry.path)
            total -= entry.size
        }
    }

    /// espeak-ng -v VOICE -w FILE --stdin: the text goes through stdin so nothing in it can
    /// be taken for an option.
    private func run(voice: String, text: String, output: String) throws(SynthesisError) {
        let process = Process()
        if config.command.contains("/") {
            process.executableURL = URL(fileURLWithPath: config.command)
            process.arguments = ["-v", voice, "-w", output, "--stdin"]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [config.command, "-v", voice, "-w", output, "--stdin"]
        }
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw .commandFailed("cannot run \(config.command): \(error.localizedDescription)")
        }
        input.fileHandleForWriting.write(Data(text.utf8))
        try? input.fileHandleForWriting.close()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let reason = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .commandFailed("\(config.command) exited with \(process.terminationStatus)\(reason.isEmpty ? "" : ": \(reason)")")
        }
    }

    static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}

extension PCMClip {
    /// Linear-interpolation resampling: enough for synthetic speech, whose energy lies well
    /// below either Nyquist frequency; recordings should be made at the library's rate.
    public func resampled(to rate: Int) -> PCMClip {
        guard rate != sampleRate, sampleRate > 0, !samples.isEmpty else { return PCMClip(sampleRate: rate, samples: samples) }
        let count = Int((Double(samples.count) * Double(rate) / Double(sampleRate)).rounded())
        let step = Double(sampleRate) / Double(rate)
        var out = [Int16](repeating: 0, count: count)
        for index in 0..<count {
            let position = Double(index) * step
            let left = min(Int(position), samples.count - 1)
            let right = min(left + 1, samples.count - 1)
            let fraction = position - Double(left)
            out[index] = Int16(clamping: Int((Double(samples[left]) * (1 - fraction) + Double(samples[right]) * fraction).rounded()))
        }
        return PCMClip(sampleRate: rate, samples: out)
    }
}
