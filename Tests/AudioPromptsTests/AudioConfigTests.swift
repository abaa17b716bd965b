import AudioPrompts
import Foundation
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

    func testEveryProblemIsReported() throws {
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
        """.write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try AudioConfig.load(file: file)) { error in
            XCTAssertEqual((error as? AudioConfigError)?.problems, [
                "\(file): outputs[0]: unknown key 'colour' (expected one of: devices, name, pcm, places, queue_limit, quiet_hours, stale_after_s, volume)",
                "\(file): outputs[1].pcm: missing",
                "\(file): outputs[1].quiet_hours: expected \"HH:MM-HH:MM\" (local time, may wrap past midnight)",
            ])
        }
        try "outputs:\n  - name: a\n    pcm: x\n    volume: 1.5\n    places: [north-door]\n  - name: b\n    pcm: y\n    places: north-door\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try AudioConfig.load(file: file)) { error in
            XCTAssertEqual((error as? AudioConfigError)?.problems, [
                "\(file): output 'a': volume 1.5 is outside 0...1",
                "\(file): output 'b': 'north-door' is already mapped to output 'a'",
            ])
        }
        try "outputs:\n\t- name: a\n".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try AudioConfig.load(file: file)) { error in
            XCTAssertEqual((error as? AudioConfigError)?.problems, ["\(file):2: tabs are not allowed for indentation"])
        }
    }

    /// The shape `Yams.load` gives halld for its audio section.
    func testReadsTheDaemonsDictionary() throws {
        let dictionary: [String: Any] = [
            "outputs": [["name": "north", "pcm": "default", "places": ["north-door"], "volume": 1, "quiet_hours": NSNull()]],
            "synthesis": ["enabled": false],
        ]
        let config = try AudioConfig(dictionary: dictionary)
        XCTAssertEqual(config.outputs, [OutputConfig(name: "north", pcm: "default", places: ["north-door"])])
        XCTAssertFalse(config.synthesis.enabled)
        XCTAssertThrowsError(try AudioConfig(dictionary: ["outputs": "none"])) { error in
            XCTAssertEqual((error as? AudioConfigError)?.problems, ["outputs: must be a list"])
        }
    }
}
