import Foundation
import StatusProtocol

// hallctl's rendering of halld's status replies. hallctl decodes StatusProtocol's types,
// the ones halld encodes; during an upgrade the running halld may be older and leave out
// fields added since 0.3.0 (optional there), which show as "-".

enum StatusText {
    static func render(_ s: DaemonStatus) -> String {
        var out: [String] = []
        out.append("halld \(s.version) (pid \(s.pid)), up \(duration(s.uptimeSeconds))")
        let hall = s.hall
        out.append("hall \(hall.id): data \(hall.dataVersion), \(hall.intentCount) intents, \(hall.nodeCount) nodes, "
            + "loaded \(ago(hall.loadedSecondsAgo))")
        out.append("  map      \(hall.map)")
        out.append("  intents  \(hall.intents)")
        out.append(contentsOf: reloadLines(s.lastReload))
        let outcomes = s.answers.byOutcome.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        out.append("answers: \(s.answers.answered)\(outcomes.isEmpty ? "" : " (\(outcomes))"), failed \(s.answers.failed)")
        out.append(queryLogLine(s.queryLog))
        out.append(contentsOf: liveLines(s.live))
        out.append("")
        out.append(contentsOf: deviceTable(s.devices))
        let serial = serialTable(s.devices)
        if !serial.isEmpty { out += [""] + serial }
        out.append("")
        out.append(contentsOf: audioTable(s.audio))
        out.append("")
        out.append(contentsOf: frames(badFrames: s.badFrames, s.malformed))
        return out.joined(separator: "\n")
    }

    static func reloadLines(_ reload: DaemonStatus.Reload?) -> [String] {
        guard let reload else { return ["last reload: none since start"] }
        guard !reload.ok else { return ["last reload \(ago(reload.secondsAgo)): applied, data \(reload.dataVersion)"] }
        let problems = reload.problems
        return ["last reload \(ago(reload.secondsAgo)): REFUSED, \(problems.count) problem\(problems.count == 1 ? "" : "s"); "
                + "running data \(reload.dataVersion) stays"] + problems.map { "  \($0)" }
    }

    /// "query log /var/lib/hallguide/queries.sqlite: 1204 committed, 0 pending, 0 dropped, 0 failed writes".
    static func queryLogLine(_ log: DaemonStatus.QueryLog?) -> String {
        guard let log else { return "query log: off" }
        if let error = log.error { return "query log \(log.path): NOT WRITING, cannot open: \(error)" }
        return "query log \(log.path): \(log.committed) committed, \(log.pending) pending, "
            + "\(log.dropped) dropped, \(log.failedWrites) failed writes"
    }

    static func deviceTable(_ devices: [DaemonStatus.Device]) -> [String] {
        guard !devices.isEmpty else { return ["no devices configured"] }
        let rows = devices.map { d -> [String] in
            // The peer names its transport already ("tcp:10.0.5.21:50112", "serial:/dev/ttyUSB0").
            let link = d.connected ? (d.peer.isEmpty ? d.transport : d.peer) : "-"
            var activity = d.activity ?? "-"
            if let destination = d.leadDestination, !destination.isEmpty { activity += " → \(destination)" }
            if let battery = d.battery { activity += ", battery \(battery)%" }
            return [d.id, d.kind, d.station, d.connected ? "up" : "down", d.lastSeenSecondsAgo.map { ago($0) } ?? "never",
                    link.isEmpty ? "-" : link, d.firmware.isEmpty ? "-" : d.firmware,
                    "\(d.linkErrors)", "\(d.reconnects)", d.kind == "robot" ? activity : "-"]
        }
        return table(["DEVICE", "KIND", "STATION", "STATE", "LAST SEEN", "LINK", "FIRMWARE", "ERRORS", "RECONNECTS", "ACTIVITY"],
                     rows, rightAligned: [7, 8])
    }

    /// The serial ports behind the devices, so a port that never opened (unplugged, wrong
    /// permissions) says why. Empty when halld reports none (no serial devices, or a halld
    /// from before it reported ports).
    static func serialTable(_ devices: [DaemonStatus.Device]) -> [String] {
        let rows = devices.compactMap { d in
            d.serial.map { p in
                [p.port, d.id, p.open ? "open" : "closed", "\(p.opens)", "\(p.openFailures)", p.lastError ?? "-"]
            }
        }
        guard !rows.isEmpty else { return [] }
        return table(["SERIAL PORT", "DEVICE", "STATE", "OPENS", "FAILURES", "LAST ERROR"], rows, rightAligned: [3, 4])
    }

    static func audioTable(_ outputs: [DaemonStatus.AudioOutput]) -> [String] {
        guard !outputs.isEmpty else { return ["no audio outputs"] }
        let rows = outputs.map { o in
            [o.name, o.pcm, o.state, "\(o.queued)", "\(o.played)", "\(o.failed)", count(o.dropped), count(o.suppressed),
             count(o.reopens), o.lastError.isEmpty ? "-" : o.lastError]
        }
        return table(["AUDIO OUTPUT", "PCM", "STATE", "QUEUED", "PLAYED", "FAILED", "DROPPED", "SUPPRESSED", "REOPENS", "LAST ERROR"],
                     rows, rightAligned: [3, 4, 5, 6, 7, 8])
    }

    /// A counter an older halld may not send.
    static func count(_ value: Int?) -> String { value.map(String.init) ?? "-" }

    /// Like HAProxy's `show errors`: each dropped frame's origin and reason, then its
    /// bytes in hex with a caret under the byte where the problem was found.
    static func frames(badFrames: Int, _ frames: [DaemonStatus.MalformedFrame]) -> [String] {
        guard !frames.isEmpty else { return ["malformed frames: \(badFrames) since start"] }
        var out = ["malformed frames: \(badFrames) since start; the last \(frames.count), newest first:"]
        for (n, frame) in frames.enumerated() {
            let bytes = hexBytes(frame.hex)
            let device = frame.device.map { " (\($0))" } ?? ""
            out.append("")
            out.append("[\(n + 1)] \(ago(frame.secondsAgo)), peer \(frame.peer)\(device): \(frame.reason)")
            out.append("    \(bytes.count) bytes, error at byte \(frame.offset):")
            out.append(contentsOf: hexDump(bytes, marking: frame.offset))
        }
        return out
    }

    /// 16 bytes a row: offset, hex in two groups of eight, printable ASCII. The row holding
    /// `marking` is followed by a row with `^^` under that byte; an error just past the
    /// end (a truncated frame) is marked after the last byte.
    static func hexDump(_ bytes: [UInt8], marking: Int) -> [String] {
        let rows = max(1, (bytes.count + 15) / 16 + (bytes.count % 16 == 0 && marking >= bytes.count ? 1 : 0))
        var out: [String] = []
        for row in 0..<rows {
            let slice = bytes[min(row * 16, bytes.count)..<min(row * 16 + 16, bytes.count)]
            var hex = ""
            for i in 0..<16 {
                if i == 8 { hex += " " }
                hex += i < slice.count ? String(format: "%02x ", slice[slice.startIndex + i]) : "   "
            }
            let ascii = String(slice.map { (0x20..<0x7f).contains($0) ? Character(UnicodeScalar($0)) : "." })
            out.append(slice.isEmpty ? "" : String(format: "  %05d  ", row * 16) + hex + " " + ascii)
            if marking / 16 == row {
                let column = marking % 16
                out.append(String(repeating: " ", count: 9 + column * 3 + (column >= 8 ? 1 : 0)) + "^^")
            }
        }
        return out.filter { !$0.isEmpty }
    }

    static func hexBytes(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var high: UInt8?
        for c in hex.utf8 {
            guard let v = Character(UnicodeScalar(c)).hexDigitValue.map(UInt8.init) else { continue }
            if let h = high { bytes.append(h << 4 | v); high = nil } else { high = v }
        }
        return bytes
    }

    static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
        var widths = header.map(displayWidth)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], displayWidth(cell)) } }
        return ([header] + rows).map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - displayWidth(cell))
                if i == row.count - 1 { return rightAligned.contains(i) ? pad + cell : cell }
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }
    }

    /// "0.4s ago", "12s ago", "5m03s ago", "2h05m ago", "3d04h ago".
    static func ago(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        return duration(seconds) + " ago"
    }

    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return "?" }
        if seconds < 10 { return String(format: "%.1fs", seconds) }
        let s = Int(seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        if s < 86_400 { return String(format: "%dh%02dm", s / 3600, s % 3600 / 60) }
        return String(format: "%dd%02dh", s / 86_400, s % 86_400 / 3600)
    }
}
