import AudioPrompts
import Foundation
import HallModel
import XCTest

final class AudioConfigTests: XCTestCase {
    func testLoadsTheYAMLFile() throws {
        let rig = try ALSATestRig()
        let file = rig.path("audio.yaml")
        try """
        # The hall's speakers.
        prompts: ../prompts          # relative to this file
        alsa_config: alsa-extra.conf
        buffer_ms: 80
        reopen: {initial_ms: 50, max_ms: 5000}
        synthesis:
          enabled: true
          voice_zh: cmn-latn-pinyin
          cache: tts-cache
          cache_limit_mb: 8
        outputs:
          - name: north-door
            pcm: "plughw:CARD=Speaker,DEV=0"
            places: [north-door, atrium]
            devices:
              - robot-north
            volume: 0.8
            quiet_hours: "22:00-07:00"
            queue_limit: 4
          - name: west
            pcm: 'hallfile'
            devices: [screen-west]
            quiet_hours: {from: "12:00", to: "13:00"}
            stale_after_s: 2.5
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let config = try AudioConfig.load(file: file)
        XCTAssertEqual(config.promptsDirectory, rig.folder.deletingLastPathComponent().appendingPathComponent("prompts").standardizedFileURL.path)
        XCTAssertEqual(config.alsaConfigFile, rig.path("alsa-extra.conf"))
        XCTAssertEqual(config.bufferTime, .milliseconds(80))
        XCTAssertEqual(config.initialBackoff, .milliseconds(50))
        XCTAssertEqual(config.maximumBackoff, .seconds(5))
        XCTAssertEqual(config.synthesis.cacheDirectory, rig.path("tts-cache"))
        XCTAssertEqual(config.synthesis.cacheLimitBytes, 8 << 20)
        XCTAssertEqual(config.outputs.count, 2)
        let north = config.outputs[0]
        XCTAssertEqual(north.pcm, "plughw:CARD=Speaker,DEV=0")
        XCTAssertEqual(north.places, ["north-door", "atrium"])
        XCTAssertEqual(north.devices, ["robot-north"])
        XCTAssertEqual(north.volume, 0.8)
        XCTAssertEqual(north.queueLimit, 4)
        XCTAssertEqual(north.quietHours?.description, "22:00-07:00")
        XCTAssertEqual(config.outputs[1].pcm, "hallfile")
        XCTAssertEqual(config.outputs[1].quietHours?.description, "12:00-13:00")
        XCTAssertEqual(config.outputs[1].staleAfter, .milliseconds(2_500))
        XCTAssertEqual(config.output(for: "atrium")?.name, "north-door")
        XCTAssertEqual(config.output(for: "screen-west")?.name, "west")
        XCTAssertEqual(config.output(for: "west")?.name, "west")
        XCTAssertNil(config.output(for: "south-door"))
    }

    func testEveryProblemIsReportedWithItsLine() throws {
        let rig = try ALSATestRig()
        let file = rig.path("bad.yaml")
        try """
        outputs:
          - name: a
            pcm: x
            volume: 1.5
            places: [north-door]
            colour: red
          - name: b
            places: [north-door]
            quiet_hours: "late"
            queue_limit: "8"
        reopen: {initial_ms: 500, max_ms: 100}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(problems(file), [
            "\(file):4: outputs[0].volume: expected a number from 0 to 1, got 1.5",
            "\(file):6: unknown key 'colour' in outputs[0] (expected one of: devices, name, pcm, places, queue_limit, quiet_hours, stale_after_s, volume)",
            "\(file):7: outputs: 'north-door' is mapped to output 'a' and to output 'b'",
            "\(file):7: outputs[1]: 'pcm' is missing",
            "\(file):9: outputs[1].quiet_hours: expected \"HH:MM-HH:MM\" (local time, may wrap past midnight), got the text 'late'",
            "\(file):10: outputs[1].queue_limit: expected a whole number from 1 to 1000, got the text '8'",
            "\(file):11: reopen: initial_ms must be at most max_ms",
        ])
        try "outputs: none\nsynthesis: {enabled: maybe}\n".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(problems(file), [
            "\(file):1: outputs: expected a list, got the text 'none'",
            "\(file):2: synthesis.enabled: expected true or false, got the text 'maybe'",
        ])
        try "outputs:\n\t- name: a\n".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertTrue(problems(file).first?.hasPrefix("\(file):2: YAML syntax error:") == true, "\(problems(file))")
        try "prompts: ../prompts\n".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(problems(file), ["\(file):1: 'outputs' is missing"])
    }

    /// Empty values are as if the key were absent; a single name stands for a list of one.
    func testEmptyValuesAndSingleNames() throws {
        let config = try YAMLReader.read("""
            outputs:
              - {name: north, pcm: default, places: north-door, quiet_hours: ~}
            synthesis:
              enabled: false
            reopen:
            """, file: "audio.yaml", as: AudioConfig.yaml(baseDirectory: nil))
        XCTAssertEqual(config.outputs, [OutputConfig(name: "north", pcm: "default", places: ["north-door"])])
        XCTAssertFalse(config.synthesis.enabled)
        XCTAssertEqual(config.initialBackoff, .milliseconds(100))
    }

    func problems(_ file: String) -> [String] {
        do {
            _ = try AudioConfig.load(file: file)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }
}
