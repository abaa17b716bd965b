import Foundation

// hallctl's reading of halld's status replies. Every field is optional on purpose: during
// an upgrade hallctl and the running halld may be different versions, and an operator
// still wants the table, with "-" where the other side says nothing. (The server's types
// live in HallDaemon, which hallctl does not link.)

struct StatusView: Decodable {
    struct Hall: Decodable {
        var id: String?
        var dataVersion: String?
        var map: String?
        var intents: String?
        var intentCount: Int?
        var nodeCount: Int?
        var loadedSecondsAgo: Double?
    }

    struct Reload: Decodable {
        var secondsAgo: Double?
        var ok: Bool?
        var problems: [String]?
        var dataVersion: String?
    }

    struct Device: Decodable {
        var id: String?
        var kind: String?
        var station: String?
        var connected: Bool?
        var transport: String?
        var peer: String?
        var lastSeenSecondsAgo: Double?
        var firmware: String?
        var linkErrors: Int?
        var reconnects: Int?
        var activity: String?
        var battery: Int?
        var leadDestination: String?
    }

    struct Answers: Decodable {
        var answered: Int?
        var byOutcome: [String: Int]?
        var failed: Int?
    }

    struct Frame: Decodable {
        var peer: String?
        var device: String?
        var secondsAgo: Double?
        var reason: String?
        var hex: String?
        var offset: Int?
    }

    struct AudioOutput: Decodable {
        var name: String?
        var pcm: String?
        var state: String?
        var queued: Int?
        var played: Int?
        var failed: Int?
        var lastError: String?
    }

    struct QueryLog: Decodable {
        var path: String?
        var recorded: UInt64?
        var committed: UInt64?
        var pending: Int?
        var dropped: UInt64?
        var failedWrites: UInt64?
        var pruned: UInt64?
        var error: String?
    }

    var version: String?
    var pid: Int?
    var uptimeSeconds: Double?
    var hall: Hall?
    var lastReload: Reload?
    var devices: [Device]?
    var answers: Answers?
    var badFrames: Int?
    var malformed: [Frame]?
    var audio: [AudioOutput]?
    var queryLog: QueryLog?
}

/// The `errors` command's result.
struct ErrorsView: Decodable {
    var badFrames: Int?
    var malformed: [StatusView.Frame]?
}

enum StatusText {
    static func render(_ s: StatusView) -> String {
        var out: [String] = []
        out.append("halld \(s.version ?? "?") (pid \(s.pid.map(String.init) ?? "?")), up \(duration(s.uptimeSeconds))")
        if let hall = s.hall {
            out.append("hall \(hall.id ?? "?"): data \(hall.dataVersion ?? "?"), \(hall.intentCount.map(String.init) ?? "?") intents, "
                + "\(hall.nodeCount.map(String.init) ?? "?") nodes, loaded \(ago(hall.loadedSecondsAgo))")
            out.append("  map      \(hall.map ?? "-")")
            out.append("  intents  \(hall.intents ?? "-")")
        }
        out.append(contentsOf: reloadLines(s.lastReload))
        if let answers = s.answers {
            let outcomes = (answers.byOutcome ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            out.append("answers: \(answers.answered ?? 0)\(outcomes.isEmpty ? "" : " (\(outcomes))"), failed \(answers.failed ?? 0)")
        }
        out.append(queryLogLine(s.queryLog))
        out.append("")
        out.append(contentsOf: deviceTable(s.devices ?? []))
        out.append("")
        out.append(contentsOf: audioTable(s.audio ?? []))
        out.append("")
        out.append(contentsOf: frames(badFrames: s.badFrames, s.malformed ?? []))
        return out.joined(separator: "\n")
    }

    static func reloadLines(_ reload: StatusView.Reload?) -> [String] {
        guard let reload else { return ["last reload: none since start"] }
        guard reload.ok == false else {
            return ["last reload \(ago(reload.secondsAgo)): applied, data \(reload.dataVersion ?? "?")"]
        }
        let problems = reload.problems ?? []
        return ["last reload \(ago(reload.secondsAgo)): REFUSED, \(problems.count) problem\(problems.count == 1 ? "" : "s"); "
                + "running data \(reload.dataVersion ?? "?") stays"] + problems.map { "  \($0)" }
    }

    /// "query log /var/lib/hallguide/queries.sqlite: 1204 committed, 0 pending, 0 dropped, 0 failed writes".
    static func queryLogLine(_ log: StatusView.QueryLog?) -> String {
        guard let log else { return "query log: off" }
        let path = log.path ?? "?"
        if let error = log.error { return "query log \(path): NOT WRITING, cannot open: \(error)" }
        return "query log \(path): \(log.committed ?? 0) committed, \(log.pending ?? 0) pending, "
            + "\(log.dropped ?? 0) dropped, \(log.failedWrites ?? 0) failed writes"
    }

    static func deviceTable(_ devices: [StatusView.Device]) -> [String] {
        guard !devices.isEmpty else { return ["no devices configured"] }
        let rows = devices.map { d -> [String] in
            // The peer names its transport already ("tcp:10.0.5.21:50112", "serial:/dev/ttyUSB0").
            let link = d.connected == true ? (d.peer.flatMap { $0.isEmpty ? nil : $0 } ?? d.transport ?? "-") : "-"
            var activity = d.activity ?? "-"
            if let destination = d.leadDestination, !destination.isEmpty { activity += " → \(destination)" }
            if let battery = d.battery { activity += ", battery \(battery)%" }
            return [d.id ?? "?", d.kind ?? "?", d.station ?? "-", d.connected == true ? "up" : "down",
                    d.lastSeenSecondsAgo.map { ago($0) } ?? "never", link.isEmpty ? "-" : link,
                    d.firmware.flatMap { $0.isEmpty ? nil : $0 } ?? "-",
                    "\(d.linkErrors ?? 0)", "\(d.reconnects ?? 0)", d.kind == "robot" ? activity : "-"]
        }
        return table(["DEVICE", "KIND", "STATION", "STATE", "LAST SEEN", "LINK", "FIRMWARE", "ERRORS", "RECONNECTS", "ACTIVITY"],
                     rows, rightAligned: [7, 8])
    }

    static func audioTable(_ outputs: [StatusView.AudioOutput]) -> [String] {
        guard !outputs.isEmpty else { return ["no audio outputs"] }
        let rows = outputs.map { o in
            [o.name ?? "?", o.pcm ?? "-", o.state ?? "-", "\(o.queued ?? 0)", "\(o.played ?? 0)", "\(o.failed ?? 0)",
             o.lastError.flatMap { $0.isEmpty ? nil : $0 } ?? "-"]
        }
        return table(["AUDIO OUTPUT", "PCM", "STATE", "QUEUED", "PLAYED", "FAILED", "LAST ERROR"], rows, rightAligned: [3, 4, 5])
    }

    /// Like HAProxy's `show errors`: each dropped frame's origin and reason, then its
    /// bytes in hex with a caret under the byte where the problem was found.
    static func frames(badFrames: Int?, _ frames: [StatusView.Frame]) -> [String] {
        let total = badFrames ?? frames.count
        guard !frames.isEmpty else { return ["malformed frames: \(total) since start"] }
        var out = ["malformed frames: \(total) since start; the last \(frames.count), newest first:"]
        for (n, frame) in frames.enumerated() {
            let bytes = hexBytes(frame.hex ?? "")
            let offset = frame.offset ?? 0
            let device = frame.device.map { " (\($0))" } ?? ""
            out.append("")
            out.append("[\(n + 1)] \(ago(frame.secondsAgo)), peer \(frame.peer ?? "?")\(device): \(frame.reason ?? "?")")
            out.append("    \(bytes.count) bytes, error at byte \(offset):")
            out.append(contentsOf: hexDump(bytes, marking: offset))
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
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return ([header] + rows).map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
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
