@testable import AudioPrompts
import Foundation
import HallModel
import XCTest

final class PromptLibraryTests: XCTestCase {
    /// The shipped library: one format, every generic prompt and every window fragment;
    /// each intent of the built-in hall without a recording file is listed.
    func testRepositoryLibraryIsCompleteForComposition() throws {
        let library = PromptLibrary.load(directory: repositoryPrompts)
        XCTAssertEqual(library.problems, [])
        XCTAssertEqual(library.sampleRate, 16_000)
        let intents = try IntentsLoader.load(files: DefaultHall.intentFiles)
        let missing = library.missingPrompts(for: intents)
        let expected = Language.allCases.flatMap { language in
            intents.intents.map(\.id).filter { id in
                !FileManager.default.fileExists(atPath: "\(repositoryPrompts)/\(language.rawValue)/intent/\(id).wav")
            }.map { PromptProblem(file: "\(language.rawValue)/intent/\($0).wav", problem: "no recording for intent '\($0)'") }
        }
        XCTAssertEqual(missing, expected)
        for language in Language.allCases {
            for id in ["greeting", "clarify", "fallback", "closing"] { XCTAssertNotNil(library.clip(for: id, language: language), id) }
            for window in 1...99 { XCTAssertNotNil(library.clip(for: "window/\(window)", language: language), "window \(window)") }
            XCTAssertNil(library.clip(for: "window/100", language: language))
        }
    }

    /// What a recording of an intent says is the intent's answer as written: a recording
    /// made from a stale script would promise what the screen does not (an answer once
    /// said "我带您去…", which only halld may add when a robot really leads).
    func testTheRecordingScriptSaysEachIntentsAnswer() throws {
        let intents = try IntentsLoader.load(files: DefaultHall.intentFiles)
        let script = try String(contentsOfFile: "\(repositoryPrompts)/script.tsv", encoding: .utf8)
        var said: [String: String] = [:]
        for line in script.split(separator: "\n") where !line.hasPrefix("#") {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count >= 3, columns[1].hasPrefix("intent/") else { continue }
            said["\(columns[0])/\(columns[1].dropFirst("intent/".count))"] = String(columns[2])
        }
        for intent in intents.intents {
            for language in Language.allCases {
                XCTAssertEqual(said["\(language.rawValue)/\(intent.id)"], intent.answer[language],
                               "prompts/script.tsv for \(intent.id) (\(language.rawValue)): run prompts/generate.sh --script")
            }
        }
    }

    /// 请到 + 十 + 二 + 号窗口, with the fragment gap between pieces.
    func testWindowPromptIsTheFragmentsInOrder() throws {
        let library = PromptLibrary.load(directory: repositoryPrompts)
        let gap = [Int16](repeating: 0, count: Int(PromptLibrary.fragmentGapSeconds * 16_000))
        let pieces = try ["fragment/qing-dao", "fragment/10", "fragment/2", "fragment/hao-chuang-kou"].map {
            try XCTUnwrap(library.recording($0, language: .zh), $0).samples
        }
        let composed = try XCTUnwrap(library.clip(for: "window/12", language: .zh))
        XCTAssertEqual(composed.samples, pieces.dropFirst().reduce(pieces[0]) { $0 + gap + $1 })
    }

    func testNumbersAreSpokenFromFragments() {
        XCTAssertEqual(WindowPrompt.chineseNumber(5), [5])
        XCTAssertEqual(WindowPrompt.chineseNumber(10), [10])
        XCTAssertEqual(WindowPrompt.chineseNumber(12), [10, 2])
        XCTAssertEqual(WindowPrompt.chineseNumber(20), [2, 10])
        XCTAssertEqual(WindowPrompt.chineseNumber(48), [4, 10, 8])
        XCTAssertEqual(WindowPrompt.englishNumber(13), [13])
        XCTAssertEqual(WindowPrompt.englishNumber(40), [40])
        XCTAssertEqual(WindowPrompt.englishNumber(48), [40, 8])
        XCTAssertEqual(WindowPrompt.fragments(for: 48, language: .en), ["fragment/please-go-to-window", "fragment/40", "fragment/8"])
        XCTAssertNil(WindowPrompt.fragments(for: 0, language: .zh))
        XCTAssertEqual(WindowPrompt.number(of: "window/07"), 7)
        XCTAssertNil(WindowPrompt.number(of: "intent/tax"))
    }

    /// Every kind of bad file is reported as `file: problem` and left out.
    func testBadRecordingsAreReportedAndLeftOut() throws {
        let rig = try ALSATestRig()
        let root = rig.folder.appendingPathComponent("prompts")
        func write(_ relative: String, _ data: Data) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        func header(tag: Int, channels: Int, rate: Int, bits: Int, dataBytes: Int) -> Data {
            var out = Data("RIFF".utf8)
            func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out.append(contentsOf: $0) } }
            func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { out.append(contentsOf: $0) } }
            u32(36 + dataBytes); out.append(contentsOf: "WAVEfmt ".utf8); u32(16); u16(tag); u16(channels); u32(rate)
            u32(rate * channels * bits / 8); u16(channels * bits / 8); u16(bits); out.append(contentsOf: "data".utf8); u32(dataBytes)
            return out + Data(count: dataBytes)
        }
        try write("zh/clarify.wav", WAVFile.encode(rampClip(count: 1_600)))
        try write("zh/greeting.wav", WAVFile.encode(rampClip(count: 1_600)))
        try write("zh/intent/tax.wav", header(tag: 1, channels: 2, rate: 16_000, bits: 16, dataBytes: 400))
        try write("zh/intent/notary.wav", header(tag: 1, channels: 1, rate: 16_000, bits: 8, dataBytes: 400))
        try write("zh/intent/hukou.wav", header(tag: 3, channels: 1, rate: 16_000, bits: 32, dataBytes: 400))
        try write("en/clarify.wav", WAVFile.encode(rampClip(count: 1_600, sampleRate: 22_050)))
        try write("en/fallback.wav", WAVFile.encode(PCMClip(sampleRate: 16_000, samples: [])))
        try write("en/greeting.wav", WAVFile.encode(PCMClip.silence(seconds: 31, sampleRate: 16_000)))
        try write("en/intent/tax.wav", Data("not a recording".utf8))
        try write("en/intent/short.wav", header(tag: 1, channels: 1, rate: 16_000, bits: 16, dataBytes: 400).prefix(60))
        let library = PromptLibrary.load(directory: root.path)
        XCTAssertEqual(library.sampleRate, 16_000)
        XCTAssertEqual(library.problems.map(\.description), [
            "en/clarify.wav: sample rate 22050 Hz; the library's rate is 16000 Hz",
            "en/fallback.wav: empty (no samples)",
            "en/greeting.wav: 31.0 s long; prompts may last at most 30 s",
            "en/intent/short.wav: file is truncated",
            "en/intent/tax.wav: not a RIFF WAVE file",
            "zh/intent/hukou.wav: not PCM (format tag 3); record as 16-bit PCM",
            "zh/intent/notary.wav: 8-bit samples; prompts must be 16-bit",
            "zh/intent/tax.wav: 2 channels; prompts must be mono",
        ])
        XCTAssertEqual(library.promptIDs(language: .zh), ["clarify", "greeting"])
        XCTAssertEqual(library.promptIDs(language: .en), [])
        XCTAssertEqual(PromptLibrary.load(directory: root.appendingPathComponent("nope").path).problems.map(\.problem), ["no such directory"])
    }

    func testWAVRoundTripAndLenientReading() throws {
        let clip = rampClip(count: 999, sampleRate: 22_050)
        let data = WAVFile.encode(clip)
        XCTAssertEqual(try WAVFile.decode(data), clip)
        // A writer that has not closed the file yet leaves the data size at 0.
        var open = data
        open.replaceSubrange(40..<44, with: [0, 0, 0, 0])
        XCTAssertEqual(try WAVFile.decode(open, lenient: true), clip)
        XCTAssertEqual(try WAVFile.decode(open).samples, [])
    }
}
