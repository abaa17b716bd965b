import Foundation
import StatusProtocol

// The live hall in hallctl's rendering: closures, windows serving, the queue feed. halld
// sends times in the hall's offset, so they are shown as they are written: HH:MM when
// on halld's today, else the date too.

extension StatusText {
    /// "13:30" when `iso` is on the same day as `now`, else "2026-12-08 09:30"; seconds
    /// only when they are not zero and `seconds` asks for them.
    static func hallTime(_ iso: String, now: String?, seconds: Bool = true) -> String {
        let chars = Array(iso)
        guard chars.count >= 19, chars[10] == "T" else { return iso }
        let date = String(chars[0..<10])
        var clock = String(chars[11..<19])
        if clock.hasSuffix(":00") || !seconds { clock = String(clock.dropLast(3)) }
        return now.map { $0.hasPrefix(date) } == true ? clock : "\(date) \(clock)"
    }

    /// `hallctl closures`: a table, or that nothing is closed.
    static func closures(_ list: StatusResults.Closures) -> [String] {
        var out = ["closures kept in \(list.file); halld's time \(hallTime(list.now, now: nil, seconds: false)) \(list.timeZone)"]
        if let error = list.saveError { out.append("NOT SAVED: \(error): the last change holds until halld restarts") }
        guard !list.closures.isEmpty else { return out + ["nothing is closed"] }
        out.append("\(list.closures.count) closed:")
        return out + closureTable(list.closures, now: list.now)
    }

    static func closureTable(_ closures: [ClosureEntry], now: String?) -> [String] {
        let rows = closures.map { c in
            [printable(c.target), c.kind, printable(c.reason ?? "暂停服务"), c.since.map { hallTime($0, now: now, seconds: false) } ?? "-",
             c.until.map { hallTime($0, now: now) } ?? "until reopened"]
        }
        return table(["TARGET", "KIND", "REASON", "SINCE", "UNTIL"], rows)
    }

    /// The status's live section; nothing from a halld that does not send one.
    static func liveLines(_ live: DaemonStatus.Live?) -> [String] {
        guard let live else { return [] }
        var out = ["windows: \(live.windowsOpen) of \(live.windowsTotal) serving now"
            + (live.windowsClosed > 0 ? ", \(live.windowsClosed) closed by staff" : "")]
        if live.closures.isEmpty {
            out.append("closures: none (kept in \(live.closuresFile))")
        } else {
            out.append("closures: \(live.closures.count) (kept in \(live.closuresFile))")
            out.append(contentsOf: closureTable(live.closures, now: live.now).map { "  " + $0 })
        }
        if let error = live.closuresSaveError { out.append("  NOT SAVED: \(error)") }
        if let queue = live.queue { out.append(queueLine(queue, now: live.now)) }
        return out
    }

    /// "queue feed file /var/lib/…, POST on: snapshot 10:02 (12s old, fresh), 5 zones 37 waiting, 4 calling; 120 taken, 0 refused".
    static func queueLine(_ q: DaemonStatus.QueueFeed, now: String?) -> String {
        let sources = [q.file.map { "file \($0)" }, q.post ? "POST" : nil].compactMap { $0 }.joined(separator: ", ")
        var line = "queue feed \(sources.isEmpty ? "-" : sources): "
        if let time = q.time {
            let state = q.fresh ? "fresh" : "TOO OLD, not quoted (max \(Int(q.maxAgeSeconds))s)"
            line += "snapshot \(hallTime(time, now: now)) (\(duration(max(0, q.ageSeconds ?? 0))) old, \(state))"
            let waiting = q.waiting ?? [:]
            line += ", \(waiting.count) zones \(waiting.values.reduce(0, +)) waiting, \(q.calling?.count ?? 0) calling"
            line += q.source.map { ", from \($0)" } ?? ""
        } else {
            line += "no snapshot yet"
        }
        line += "; \(q.updates) taken, \(q.rejected) refused"
        if let error = q.lastError {
            line += "\n  last refused: " + error.split(separator: "\n").map { printable(String($0)) }.joined(separator: "\n  ")
        }
        return line
    }

    /// Text from the feed or a hand-edited file as the terminal may show it: control and
    /// formatting characters as escapes, so that none moves the cursor.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0..<0x20, 0x7F...0x9F, 0x200B...0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Columns as a terminal shows them: Chinese characters take two.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.value {
            case 0x0300...0x036F, 0x200B...0x200F: width
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD: width + 2
            default: width + 1
            }
        }
    }
}
