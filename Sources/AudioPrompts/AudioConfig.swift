import Foundation
import HallModel

/// How urgent a prompt is. One output plays one prompt at a time; a higher priority is
/// played first, and an announcement pre-empts a lower-priority prompt that is playing.
public enum PromptPriority: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    case greeting = 0
    /// An answer or walking guidance.
    case guidance = 1
    /// Staff announcements: never suppressed by quiet hours, never dropped for lower ones.
    case announcement = 2

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { ["greeting", "guidance", "announcement"][rawValue] }
}

/// A daily local-time range such as 22:00–07:00 (it may wrap past midnight).
public struct LocalTimeRange: Sendable, Hashable, CustomStringConvertible {
    /// Minutes after local midnight; the range is [start, end).
    public var startMinute: Int
    public var endMinute: Int

    public init(startMinute: Int, endMinute: Int) {
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// "22:00-07:00".
    public init?(parsing text: String) {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = Self.minute(parts[0]), let end = Self.minute(parts[1]) else { return nil }
        self.init(startMinute: start, endMinute: end)
    }

    static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 1440 else { return nil }
        return hour * 60 + minute
    }

    public func contains(minuteOfDay minute: Int) -> Bool {
        startMinute <= endMinute ? (startMinute..<endMinute).contains(minute) : minute >= startMinute || minute < endMinute
    }

    public func contains(_ date: Date, timeZone: TimeZone) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return contains(minuteOfDay: (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }

    public var description: String {
        String(format: "%02d:%02d-%02d:%02d", startMinute / 60, startMinute % 60, endMinute / 60, endMinute % 60)
    }
}

/// One speaker: an ALSA PCM and the places and devices it speaks for.
public struct OutputConfig: Sendable, Hashable {
    public var name: String
    /// An ALSA PCM name: "plughw:CARD=Speaker,DEV=0", "default", or one defined in the
    /// extra ALSA configuration. Prefer plughw: prompts are mono at the library's rate.
    public var pcm: String
    public var places: [String]
    public var devices: [String]
    /// 0...1, applied by scaling samples.
    public var volume: Double
    /// While local time is inside, prompts below announcement are suppressed.
    public var quietHours: LocalTimeRange?
    /// How many prompts may wait; when full the oldest lowest-priority one is dropped.
    public var queueLimit: Int
    /// A prompt still waiting after this long is dropped: a late answer only confuses.
    public var staleAfter: Duration

    public init(name: String, pcm: String, places: [String] = [], devices: [String] = [], volume: Double = 1,
                quietHours: LocalTimeRange? = nil, queueLimit: Int = 8, staleAfter: Duration = .seconds(60)) {
        self.name = name
        self.pcm = pcm
        self.places = places
        self.devices = devices
        self.volume = volume
        self.quietHours = quietHours
        self.queueLimit = queueLimit
        self.staleAfter = staleAfter
    }
}

/// Text-to-speech for text without a recording (espeak-ng, cached on disk).
public struct SynthesisConfig: Sendable, Hashable {
    public var enabled: Bool
    public var command: String
    public var voices: [Language: String]
    /// nil: a folder under the system's temporary directory.
    public var cacheDirectory: String?
    public var cacheLimitBytes: Int

    public init(enabled: Bool = true, command: String = "espeak-ng",
                voices: [Language: String] = [.zh: "cmn-latn-pinyin", .en: "en"],
                cacheDirectory: String? = nil, cacheLimitBytes: Int = 32 << 20) {
        self.enabled = enabled
        self.command = command
        self.voices = voices
        self.cacheDirectory = cacheDirectory
        self.cacheLimitBytes = cacheLimitBytes
    }
}

/// The audio section of halld's configuration, or hallctl's `--config` file.
public struct AudioConfig: Sendable, Hashable {
    public var outputs: [OutputConfig]
    /// The prompt library folder (prompts/).
    public var promptsDirectory: String?
    /// Extra ALSA configuration loaded in-process on top of the system's, for PCMs that
    /// exist only for HallGuide (the system configuration is never changed).
    public var alsaConfigFile: String?
    /// A lost device is reopened after `initialBackoff`, doubling up to `maximumBackoff`.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// The ALSA buffer: how much audio is queued in the device ahead of playback.
    public var bufferTime: Duration
    public var synthesis: SynthesisConfig

    public init(outputs: [OutputConfig], promptsDirectory: String? = nil, alsaConfigFile: String? = nil,
                initialBackoff: Duration = .milliseconds(100), maximumBackoff: Duration = .seconds(10),
                bufferTime: Duration = .milliseconds(100), synthesis: SynthesisConfig = SynthesisConfig()) {
        self.outputs = outputs
        self.promptsDirectory = promptsDirectory
        self.alsaConfigFile = alsaConfigFile
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.bufferTime = bufferTime
        self.synthesis = synthesis
    }

    /// The output that speaks for a place or a device id (places first).
    public func output(for target: String) -> OutputConfig? {
        outputs.first { $0.places.contains(target) } ?? outputs.first { $0.devices.contains(target) }
            ?? outputs.first { $0.name == target }
    }
}
