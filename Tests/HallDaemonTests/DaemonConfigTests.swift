import AudioPrompts
import DeviceLinks
import DeviceSessions
import Foundation
@testable import HallDaemon
import HallModel
import HallTestFixtures
import XCTest
import DeviceProtocol
import HallConversation

/// halld.yaml through the one YAML reader: every section's keys, unknown keys and wrong
/// types refused with `file:line`, every problem at once, no anchors or aliases.
final class DaemonConfigTests: XCTestCase {
    func problems(_ text: String) -> [String] {
        do {
            _ = try DaemonConfig.parse(text, file: "halld.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    func testEverySectionIsRead() throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("hallguide-key-\(UUID().uuidString)")
        try Data("0123456789abcdef-south\n".utf8).write(to: keyFile)
        defer { try? FileManager.default.removeItem(at: keyFile) }
        let config = try DaemonConfig.parse("""
            hall:
              map: /etc/hallguide/maps/changchun-municipal.yaml
              intents: /etc/hallguide/intents
            listen:
              tcp: 0.0.0.0:7701
            limits:
              heartbeat_seconds: 4
              missed_heartbeats: 2
              ack_timeout_ms: 250
              query_burst: 7
              query_refill_seconds: 1.5
              handshake_seconds: 8
            status:
              socket: /run/hallguide/status.sock
              admin_uids: [0, 1000]
              admin_groups: [hallguide-admin]
            metrics:
              listen: off
            conversation:
              idle_seconds: 45
            audio:
              prompts: prompts
              outputs:
                - {name: north, pcm: default, places: [north-door]}
            devices:
              - id: robot-north
                kind: robot
                key: text:a-key-of-sixteen-bytes
                serial: /dev/ttyUSB0
              - id: robot-south
                kind: robot
                station: robot-north
                key_file: \(keyFile.path)
                usb_serial: 12345678
                baud: 57600
            """, file: "/etc/hallguide/halld.yaml")
        XCTAssertEqual(config.mapPath, "/etc/hallguide/maps/changchun-municipal.yaml")
        XCTAssertEqual(config.intentsPath, "/etc/hallguide/intents")
        XCTAssertEqual(config.tcpHost, "0.0.0.0")
        XCTAssertEqual(config.tcpPort, 7701)
        XCTAssertEqual(config.timing.heartbeatSeconds, 4)
        XCTAssertEqual(config.timing.missedHeartbeats, 2)
        XCTAssertEqual(config.timing.ackTimeout, .milliseconds(250))
        XCTAssertEqual(config.timing.queryBurst, 7)
        XCTAssertEqual(config.timing.queryRefill, .milliseconds(1500))
        XCTAssertEqual(config.timing.handshakeTimeout, .seconds(8))
        XCTAssertEqual(config.statusSocket, "/run/hallguide/status.sock")
        XCTAssertEqual(config.adminUIDs, [0, 1000])
        XCTAssertEqual(config.adminGroups, ["hallguide-admin"])
        XCTAssertNil(config.metricsListen)
        XCTAssertEqual(config.conversation.visitorIdle, .seconds(45))
        XCTAssertEqual(config.audio?.promptsDirectory, "/etc/hallguide/prompts", "relative to halld.yaml's folder")
        XCTAssertEqual(config.audio?.outputs.map(\.name), ["north"])
        XCTAssertEqual(config.queryLog, .init(), "no query_log: the default path")
        XCTAssertEqual(config.devices, [
            .init(id: "robot-north", kind: .robot, station: "robot-north", key: Array("a-key-of-sixteen-bytes".utf8), serial: .path("/dev/ttyUSB0")),
            .init(id: "robot-south", kind: .robot, station: "robot-north", key: Array("0123456789abcdef-south".utf8),
                  serial: .usbSerial("12345678"), baudRate: 57_600),
        ])
        XCTAssertEqual(config.source, "/etc/hallguide/halld.yaml")

        let defaults = try DaemonConfig.parse("listen:\n  tcp: off\nhall:\nstatus: ~\n", file: "halld.yaml")
        XCTAssertNil(defaults.tcpHost)
        XCTAssertNil(defaults.mapPath, "an empty section is as if it were absent")
        XCTAssertEqual(defaults.metricsListen, "127.0.0.1:9464")
        XCTAssertEqual(defaults.timing, SessionTiming())
        XCTAssertEqual(defaults.conversation.visitorIdle, .seconds(60), "a visitor's context lasts a minute by default")
        XCTAssertEqual(try DaemonConfig.parse("", file: "halld.yaml").devices, [])
    }

    /// Today's typos were silently ignored under hall:, listen: and status:.
    func testUnknownKeysInEverySectionAreReportedWithTheirLines() {
        XCTAssertEqual(problems("""
            hall:
              mapp: /etc/hallguide/maps/hall.yaml
            listen:
              tpc: 0.0.0.0:7700
            limits:
              heartbeat: 5
            status:
              sockett: /run/hallguide/status.sock
            metrics:
              lisen: off
            query_log:
              pth: /tmp/q.sqlite
            audio:
              outputz: []
              outputs:
                - {name: north, pcm: default, colour: red}
            devices:
              - {id: robot-north, kind: robot, key: text:a-key-of-sixteen-bytes, serail: /dev/ttyUSB0}
            statuss: {}
            conversation:
              idle: 30
            """), [
                "halld.yaml:2: unknown key 'mapp' in hall (expected one of: intents, map)",
                "halld.yaml:4: unknown key 'tpc' in listen (expected one of: tcp)",
                "halld.yaml:6: unknown key 'heartbeat' in limits (expected one of: ack_timeout_ms, handshake_seconds, heartbeat_seconds, max_pending_handshakes, max_pending_per_address, missed_heartbeats, query_burst, query_refill_seconds)",
                "halld.yaml:8: unknown key 'sockett' in status (expected one of: admin_groups, admin_uids, socket)",
                "halld.yaml:10: unknown key 'lisen' in metrics (expected one of: listen)",
                "halld.yaml:12: unknown key 'pth' in query_log (expected one of: flush_ms, max_records, path, retention_days)",
                "halld.yaml:14: unknown key 'outputz' in audio (expected one of: alsa_config, buffer_ms, outputs, prompts, reopen, synthesis)",
                "halld.yaml:16: unknown key 'colour' in audio.outputs[0] (expected one of: devices, name, pcm, places, queue_limit, quiet_hours, stale_after_s, volume)",
                "halld.yaml:18: unknown key 'serail' in devices[0] (expected one of: baud, id, key, key_file, kind, serial, station, usb_serial)",
                "halld.yaml:19: unknown key 'statuss' (expected one of: audio, conversation, devices, hall, http, limits, listen, live, metrics, query_log, status)",
                "halld.yaml:21: unknown key 'idle' in conversation (expected one of: idle_seconds)",
            ])
    }

    /// A string where a number is expected, a uid that is not a number (silently dropped
    /// before), a list where text is expected: each refused, saying what was found.
    func testWrongTypesAreRefused() {
        XCTAssertEqual(problems("""
            hall:
              map: [a.yaml, b.yaml]
            listen:
              tcp: 7700
            limits:
              heartbeat_seconds: "5"
              ack_timeout_ms: 0.5
              query_refill_seconds: soon
            status:
              admin_uids: [0, root, 1.5, "1000", -1]
              admin_groups: hallguide-admin
            metrics:
              listen: everywhere
            audio:
              outputs:
                - {name: north, pcm: default, volume: loud}
            devices:
              - {id: screen-west, kind: screne, key: text:a-key-of-sixteen-bytes, baud: fast}
            """), [
                "halld.yaml:2: hall.map: expected text, got a list",
                "halld.yaml:4: listen.tcp: expected host:port, or off, got 7700",
                "halld.yaml:6: limits.heartbeat_seconds: expected a whole number from 1 to 3600, got the text '5'",
                "halld.yaml:7: limits.ack_timeout_ms: expected a whole number from 1 to 600000, got 0.5",
                "halld.yaml:8: limits.query_refill_seconds: expected a number from 0.001 to 86400, got the text 'soon'",
                "halld.yaml:10: status.admin_uids[1]: expected a uid (a whole number; group names go in admin_groups), got the text 'root'",
                "halld.yaml:10: status.admin_uids[2]: expected a uid (a whole number; group names go in admin_groups), got 1.5",
                "halld.yaml:10: status.admin_uids[3]: expected a uid (a whole number; group names go in admin_groups), got the text '1000'",
                "halld.yaml:10: status.admin_uids[4]: expected a uid (a whole number; group names go in admin_groups), got -1",
                "halld.yaml:11: status.admin_groups: expected a list, got the text 'hallguide-admin'",
                "halld.yaml:13: metrics.listen: expected host:port, or off, got the text 'everywhere'",
                "halld.yaml:16: audio.outputs[0].volume: expected a number from 0 to 1, got the text 'loud'",
                "halld.yaml:18: devices[0].baud: expected a whole number from 50 to 4000000, got the text 'fast'",
                "halld.yaml:18: devices[0].kind: expected robot or screen, got the text 'screne'",
            ])
        XCTAssertEqual(problems("[hall, listen]\n"), [
            "halld.yaml:1: expected a mapping (hall, listen, devices, limits, status, http, metrics, audio, query_log, live, conversation), got a list",
        ])
        XCTAssertEqual(problems("status:\n  admin_uids: 0\n"),
                       ["halld.yaml:2: status.admin_uids: expected a list of uids, such as [0, 1000], got 0"])
    }

    func testDeviceKeysAndIds() {
        let secret = "hex:00112233445566778899aabbccddeeZZ"
        XCTAssertEqual(problems("""
            devices:
              - id: robot-north
                kind: robot
                key: \(secret)
              - {id: robot-south, kind: robot, key: text:short}
              - {id: screen-west, kind: screen, key: text:a-key-of-sixteen-bytes, key_file: /etc/k}
              - {id: screen-east, kind: screen}
              - {kind: screen, key_file: /no/such/key/file}
              - {id: screen-east, kind: screen, key: text:a-key-of-sixteen-bytes, serial: /dev/ttyS0, usb_serial: A1}
              - {id: screen-east, kind: screen, key: text:a-key-of-sixteen-bytes}
            """), [
                "halld.yaml:4: devices[0]: key: expected hex:…, base64:… or text:… (the key is not shown)",
                "halld.yaml:5: devices[1]: the key must be at least 16 bytes (it has 5)",
                "halld.yaml:6: devices[2]: give key or key_file, not both",
                "halld.yaml:7: devices[3]: a key or key_file is needed",
                "halld.yaml:8: devices[4]: 'id' is missing",
                "halld.yaml:8: devices[4]: key_file: cannot read /no/such/key/file",
                "halld.yaml:9: devices[5]: give serial or usb_serial, not both",
                "halld.yaml:10: devices: device 'screen-east' is listed twice",
            ])
        XCTAssertFalse(problems("devices:\n  - {id: a, kind: robot, key: \(secret)}\n").joined().contains("aabbcc"), "keys stay out of messages")
    }

    /// The audio section keeps its lines inside halld.yaml, as in hallctl's --config file.
    func testTheAudioSectionReportsLinesInTheDaemonsFile() {
        XCTAssertEqual(problems("""
            listen:
              tcp: off
            audio:
              outputs:
                - name: north
                  pcm: default
                  quiet_hours: 22:00-07:00
                  queue_limit: 0
                - name: south
            """), [
                "halld.yaml:8: audio.outputs[0].queue_limit: expected a whole number from 1 to 1000, got 0",
                "halld.yaml:9: audio.outputs[1]: 'pcm' is missing",
            ])
    }

    /// A billion laughs in `audio:` grew halld to 2 GB; now it is refused before it is
    /// composed, in bounded memory.
    func testAnAliasBombIsRefused() {
        let before = peakResidentMiB()
        let lines = problems("listen:\n  tcp: off\naudio:\n" + yamlBomb(indent: 2) + "  outputs:\n    - {name: a, pcm: default, places: *lol8}\n")
        XCTAssertEqual(lines.count, 10, "\(lines)")
        XCTAssertEqual(lines.first, "halld.yaml:4: YAML anchors and aliases are not allowed (&lol0): write the value out where it is used")
        XCTAssertEqual(lines[1], "halld.yaml:5: YAML anchors and aliases are not allowed (&lol1, *lol0): write the value out where it is used")
        XCTAssertLessThan(peakResidentMiB() - before, 64, "the bomb was expanded")
    }

    /// End to end: halld refuses a bad file, exits 1 and prints every problem on stderr.
    func testHalldExitsOneWithTheProblemsOnStderr() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("halld-bad-\(UUID().uuidString).yaml")
        try """
            listen:
              tcp: off
            status:
              admin_uids: [root]
              sockett: /tmp/x.sock
            limits:
              heartbeat_seconds: fast
            audio:
              outputs: &o []
            """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var run = try ProgramRun.run(Binaries.path("halld"), ["--config", file.path])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(run.stdout, "")
        XCTAssertEqual(run.stderr, "\(file.path):9: YAML anchors and aliases are not allowed (&o): write the value out where it is used\n")

        try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "&o ", with: "")
            .write(to: file, atomically: true, encoding: .utf8)
        run = try ProgramRun.run(Binaries.path("halld"), ["--config", file.path])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(run.stderr, """
            \(file.path):4: status.admin_uids[0]: expected a uid (a whole number; group names go in admin_groups), got the text 'root'
            \(file.path):5: unknown key 'sockett' in status (expected one of: admin_groups, admin_uids, socket)
            \(file.path):7: limits.heartbeat_seconds: expected a whole number from 1 to 3600, got the text 'fast'
            \(file.path):9: audio.outputs: at least one output is needed

            """)
    }
}
