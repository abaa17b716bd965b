import FuzzSupport
import HallDaemon
import HallModel

/// One fuzz input: halld.yaml, lossily decoded as UTF-8. DaemonConfig.parse must read it or
/// refuse it with `file:line: problem`s, each naming the file and a line that exists; what
/// it reads stays within the limits the reader enforces.
let file = "/nonexistent-fuzz/halld.yaml"

func fuzzOne(_ input: [UInt8]) {
    let text = String(decoding: input, as: UTF8.self)
    do throws(ValidationError) {
        let config = try DaemonConfig.parse(text, file: file)
        check(config.source == file, "source \(config.source)")
        check(Set(config.devices.map(\.id)).count == config.devices.count, "a device id read twice")
        for device in config.devices {
            check(device.key.count >= 16, "device \(device.id) with a \(device.key.count)-byte key")
            check(!device.id.isEmpty && !device.station.isEmpty, "a device without an id or a station")
        }
        check((1...100_000).contains(config.connectionLimits.pendingHandshakes), "pending handshakes out of range")
        check((1...100_000).contains(config.connectionLimits.pendingPerAddress), "pending per address out of range")
        if let key = config.live.queueFeedKey { check(key.count >= 16, "a \(key.count)-byte queue feed key") }
    } catch {
        check(!error.diagnostics.isEmpty, "a refusal without a problem")
        let lines = yamlLineCount(text)
        for diagnostic in error.diagnostics {
            check(diagnostic.file == file, "a problem names \(diagnostic.file)")
            check((1...lines).contains(diagnostic.line), "line \(diagnostic.line) of a \(lines)-line file: \(diagnostic)")
            check(!diagnostic.message.isEmpty, "a problem without a message at line \(diagnostic.line)")
        }
    }
}

runFuzzer(fuzzOne)
