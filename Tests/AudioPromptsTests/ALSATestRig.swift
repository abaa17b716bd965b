import AudioPrompts
import Foundation
import HallModel
import XCTest

/// A value behind a lock, for test helpers shared across threads.
final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// A temporary folder with an extra ALSA configuration: `file` PCMs over `null` and test
/// gate devices. Nothing outside the folder is touched; outputs load the configuration
/// in-process (snd_pcm_open_lconf).
final class ALSATestRig {
    let folder: URL
    private var definitions: [String] = []

    init() throws {
        folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("hallguide-audio-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// `pcm.NAME { type file slave.pcm "null" file PATH format "wav" }`; returns PATH.
    @discardableResult
    func addFilePCM(_ name: String) -> String {
        let file = path("\(name).wav")
        definitions.append("pcm.\(name) { type file slave.pcm \"null\" file \"\(file)\" format \"wav\" }")
        return file
    }

    /// A gate device (see GatePlugin), plugged in.
    func addGatePCM(_ name: String, paced: Bool = false) throws -> GateDevice {
        let library = try GatePlugin.library()
        if !definitions.contains(where: { $0.hasPrefix("pcm_type.hallgate") }) {
            definitions.append("pcm_type.hallgate { lib \"\(library)\" }")
        }
        let device = GateDevice(folder: folder.appendingPathComponent("gate-\(name)"))
        try FileManager.default.createDirectory(at: device.folder, withIntermediateDirectories: true)
        device.plug()
        definitions.append("pcm.\(name) { type hallgate dir \"\(device.folder.path)\" pace \(paced ? "true" : "false") }")
        return device
    }

    /// Writes the configuration file and returns its path.
    func writeConfig() throws -> String {
        let file = path("alsa-test.conf")
        try definitions.joined(separator: "\n").appending("\n").write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// An output over one of the rig's PCMs, started and waited open (`idle`).
    func startedOutput(_ config: OutputConfig, sampleRate: Int = 16_000, synthesizer: SpeechSynthesizer? = nil,
                       now: @escaping @Sendable () -> Date = { Date() }, waitOpen: Bool = true) async throws -> AudioOutput {
        let output = AudioOutput(config: config, sampleRate: sampleRate, alsaConfigFile: try writeConfig(),
                                 initialBackoff: .milliseconds(10), maximumBackoff: .milliseconds(80),
                                 synthesizer: synthesizer, now: now, timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        output.start()
        if waitOpen {
            let status = await output.waitForStatus { $0.state == .idle || $0.state == .quiet }
            XCTAssertNotNil(status, "output did not open: \(output.status())")
        }
        return output
    }
}

/// The control folder of one gate device.
struct GateDevice {
    let folder: URL

    private func file(_ name: String) -> String { folder.appendingPathComponent(name).path }

    private func touch(_ name: String, _ contents: String = "") {
        _ = FileManager.default.createFile(atPath: file(name), contents: Data(contents.utf8))
    }

    func plug() { touch("present") }
    func unplug() { try? FileManager.default.removeItem(atPath: file("present")) }
    var isPlugged: Bool { FileManager.default.fileExists(atPath: file("present")) }
    /// The device vanishes after `frames` more frames (counted from the device's open).
    func unplug(afterFrames frames: Int) { touch("unplug-after", "\(frames)") }
    func underrunOnce() { touch("xrun") }
    func suspendOnce() { touch("suspend") }

    /// Every sample the device has received.
    func received() -> [Int16] {
        guard let data = FileManager.default.contents(atPath: file("out.raw")) else { return [] }
        return data.withUnsafeBytes { raw in (0..<data.count / 2).map { Int16(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self)) } }
    }
}

/// Samples of a `file` PCM's WAV output (its header is fixed only at close, so read leniently).
func samplesWritten(to file: String) throws -> [Int16] {
    try WAVFile.read(path: file, lenient: true).samples
}

/// A recognisable test clip: a ramp, so any reordering, loss or scaling shows.
func rampClip(count: Int, sampleRate: Int = 16_000, start: Int = 0) -> PCMClip {
    PCMClip(sampleRate: sampleRate, samples: (0..<count).map { Int16(truncatingIfNeeded: (start + $0) * 7 % 20_000 - 10_000) })
}

/// The repository's prompt library.
let repositoryPrompts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("prompts").path

/// Compares sample arrays and reports the first difference, not thousands of samples.
func assertSamplesEqual(_ actual: [Int16], _ expected: [Int16], _ message: String = "",
                        file: StaticString = #filePath, line: UInt = #line) {
    guard actual != expected else { return }
    let first = zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(actual.count, expected.count)
    XCTFail("samples differ \(message): \(actual.count) written, \(expected.count) expected, first difference at \(first)",
            file: file, line: line)
}

