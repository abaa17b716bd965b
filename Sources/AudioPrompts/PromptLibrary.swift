import Foundation
import HallModel

/// One problem with the prompt library, reported as `file: problem`.
public struct PromptProblem: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}

/// The recordings the outputs play, keyed by language and prompt id: `prompts/zh/clarify.wav`
/// is ("zh", "clarify"), `prompts/en/intent/exit-entry.wav` is ("en", "intent/exit-entry").
/// Every clip shares one sample rate, the rate the outputs open their PCMs at.
public struct PromptLibrary: Sendable {
    /// The longest recording accepted: prompts are sentences, not announcements of record.
    public static let maximumSeconds = 30.0
    /// Silence between composed fragments, so "请到" and "十二" do not run together.
    public static let fragmentGapSeconds = 0.04

    public let sampleRate: Int
    /// Problems found while loading; files with problems are left out of the library.
    public let problems: [PromptProblem]
    private let recordings: [Language: [String: PCMClip]]

    /// An in-memory library (probes, tests, synthesised speech).
    public init(sampleRate: Int, recordings: [Language: [String: PCMClip]], problems: [PromptProblem] = []) {
        self.sampleRate = sampleRate
        self.recordings = recordings
        self.problems = problems
    }

    /// Loads `<directory>/<language>/**/*.wav`. Never throws: every problem (not WAV, not
    /// 16-bit mono PCM, another sample rate, empty, longer than 30 s, unreadable) comes back
    /// in `problems` and that file is left out. The common rate is `expectedSampleRate`, or
    /// else the rate most files share.
    public static func load(directory: String, expectedSampleRate: Int? = nil) -> PromptLibrary {
        var problems: [PromptProblem] = []
        var decoded: [(language: Language, id: String, file: String, clip: PCMClip)] = []
        let root = URL(fileURLWithPath: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return PromptLibrary(sampleRate: expectedSampleRate ?? 16_000, recordings: [:],
                                 problems: [PromptProblem(file: directory, problem: "no such directory")])
        }
        for language in Language.allCases {
            let folder = root.appendingPathComponent(language.rawValue)
            guard let walker = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".wav") {
                let file = "\(language.rawValue)/\(relative)"
                do {
                    let clip = try WAVFile.read(path: folder.appendingPathComponent(relative).path)
                    decoded.append((language, String(relative.dropLast(4)), file, clip))
                } catch let error as WAVFormatError {
                    problems.append(PromptProblem(file: file, problem: error.description))
                } catch {
                    problems.append(PromptProblem(file: file, problem: "unreadable: \(error.localizedDescription)"))
                }
            }
        }
        let rateCounts = Dictionary(decoded.map { ($0.clip.sampleRate, 1) }, uniquingKeysWith: +)
        let commonRate = expectedSampleRate
            ?? rateCounts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key ?? 16_000
        var recordings: [Language: [String: PCMClip]] = [:]
        for entry in decoded.sorted(by: { $0.file < $1.file }) {
            if entry.clip.sampleRate != commonRate {
                problems.append(PromptProblem(file: entry.file, problem:
                    "sample rate \(entry.clip.sampleRate) Hz; the library's rate is \(commonRate) Hz"))
            } else if entry.clip.samples.isEmpty {
                problems.append(PromptProblem(file: entry.file, problem: "empty (no samples)"))
            } else if entry.clip.seconds > maximumSeconds {
                problems.append(PromptProblem(file: entry.file, problem:
                    String(format: "%.1f s long; prompts may last at most %.0f s", entry.clip.seconds, maximumSeconds)))
            } else {
                recordings[entry.language, default: [:]][entry.id] = entry.clip
            }
        }
        return PromptLibrary(sampleRate: commonRate, recordings: recordings,
                             problems: problems.sorted { ($0.file, $0.problem) < ($1.file, $1.problem) })
    }

    /// A recording as stored, without composition.
    public func recording(_ promptID: String, language: Language) -> PCMClip? {
        recordings[language]?[promptID]
    }

    /// The recorded prompt ids of a language, sorted.
    public func promptIDs(language: Language) -> [String] {
        (recordings[language].map { Array($0.keys) } ?? []).sorted()
    }

    /// The clip for an answer's prompt id: a recording, or for "window/N" (without its own
    /// recording) the composed fragments. Nil when neither exists.
    public func clip(for promptID: String, language: Language) -> PCMClip? {
        if let recorded = recording(promptID, language: language) { return recorded }
        guard let number = WindowPrompt.number(of: promptID),
              let ids = WindowPrompt.fragments(for: number, language: language) else { return nil }
        var samples: [Int16] = []
        let gap = [Int16](repeating: 0, count: Int(Self.fragmentGapSeconds * Double(sampleRate)))
        for (index, id) in ids.enumerated() {
            guard let fragment = recording(id, language: language) else { return nil }
            if index > 0 { samples += gap }
            samples += fragment.samples
        }
        return PCMClip(sampleRate: sampleRate, samples: samples)
    }

    /// Every intent without a recording ("intent/<id>"), per language, and every fragment
    /// window numbers need but the library lacks, as `file: problem` lines.
    public func missingPrompts(for intents: IntentSet) -> [PromptProblem] {
        var missing: [PromptProblem] = []
        for language in Language.allCases {
            for intent in intents.intents where recording("intent/\(intent.id)", language: language) == nil {
                missing.append(PromptProblem(file: "\(language.rawValue)/intent/\(intent.id).wav",
                                             problem: "no recording for intent '\(intent.id)'"))
            }
            for id in ["clarify", "fallback", "closing", "greeting"] where recording(id, language: language) == nil {
                missing.append(PromptProblem(file: "\(language.rawValue)/\(id).wav", problem: "no recording for '\(id)'"))
            }
            for id in WindowPrompt.allFragments(language: language).sorted() where recording(id, language: language) == nil {
                missing.append(PromptProblem(file: "\(language.rawValue)/\(id).wav",
                                             problem: "missing fragment: window numbers cannot be composed"))
            }
        }
        return missing
    }

    /// Load problems and missing prompts together, as `hallctl audio check` prints them.
    public func check(intents: IntentSet) -> [PromptProblem] {
        problems + missingPrompts(for: intents)
    }
}
