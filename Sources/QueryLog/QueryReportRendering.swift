import Foundation

extension QueryReport {
    /// The report as staff read it: what fell back first (most asked at the top), then the
    /// asked-back questions and what visitors chose after, the homophone repairs, the top
    /// intents. `top` limits each table; times are shown in `timeZone`.
    public func text(source: String, sinceLabel: String?, top: Int = 20, timeZone: TimeZone = .current) -> String {
        let time = Self.formatter("yyyy-MM-dd HH:mm", timeZone)
        let short = Self.formatter("MM-dd HH:mm", timeZone)
        var out: [String] = []
        let from = since.map { time.string(from: $0) } ?? first.map { time.string(from: $0) } ?? "the start"
        out.append("Query log \(source): \(from) to \(time.string(from: until))\(sinceLabel.map { " (since \($0))" } ?? "")")
        guard total > 0 else {
            out.append("No questions in this window.")
            return out.joined(separator: "\n") + "\n"
        }
        let shares = outcomes.filter { $0.count > 0 }.map { "\($0.name) \(Self.number($0.count)) (\(Self.percent($0.share)))" }
        out.append("\(Self.count(total, "question")): \(shares.joined(separator: ", "))")

        out.append("")
        if fallbacks.isEmpty {
            out.append("Fell back: none.")
        } else {
            out.append("Fell back: \(Self.count(fallbackCount, "question")), \(Self.count(fallbacks.count, "different text")). "
                       + "Add keywords for these first (most asked at the top):")
            let rows = fallbacks.prefix(top).map { f in
                ["\(f.count)", short.string(from: f.firstSeen), short.string(from: f.lastSeen), Self.places(f.places), f.text]
            }
            out.append(contentsOf: Self.table(["COUNT", "FIRST SEEN", "LAST SEEN", "WHERE", "QUESTION"], rows, rightAligned: [0]))
            out.append(contentsOf: Self.more(fallbacks.count, top))
        }

        out.append("")
        if clarifies.isEmpty {
            out.append("Asked back: none.")
        } else {
            out.append("Asked back: \(Self.count(clarifyCount, "question")). What the same device asked next within 60 s:")
            for c in clarifies.prefix(top) {
                out.append("  \(Self.pad("\(c.count)", 5, right: true))  \(c.text)  → \(c.candidates.joined(separator: " | "))")
                out.append("         chosen next: " + c.followUps.map { "\($0.choice) \($0.count)" }.joined(separator: ", "))
            }
            out.append(contentsOf: Self.more(clarifies.count, top))
        }

        out.append("")
        if homophones.isEmpty {
            out.append("Homophone repairs: none.")
        } else {
            out.append("Homophone repairs: \(Self.count(homophoneCount, "question")) understood by sound; worth a keyword or a synonym:")
            for h in homophones.prefix(top) {
                out.append("  \(Self.pad("\(h.count)", 5, right: true))  \(h.text)  → \(h.understoodAs)")
            }
            out.append(contentsOf: Self.more(homophones.count, top))
        }

        out.append("")
        out.append("Top intents:")
        if intents.isEmpty {
            out.append("  none")
        } else {
            out.append(contentsOf: Self.table(["COUNT", "SHARE", "INTENT"],
                                              intents.prefix(top).map { ["\($0.count)", Self.percent($0.share), $0.name] },
                                              rightAligned: [0, 1]))
            out.append(contentsOf: Self.more(intents.count, top))
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The CSV columns, in order. One table; `section` says what a row is:
    /// - `outcome`: `key` is route/clarify/fallback/error; `count`, `share`.
    /// - `intent`: `key` is the intent; `count`, `share` (of all questions).
    /// - `fallback`: `text`; `count`, `share`, `first_seen`, `last_seen`, `places` (`|`-joined).
    /// - `clarify`: one row per text, candidates and follow-up: `text`, `candidates`
    ///   (`|`-joined), `follow_up` (a destination, clarify, fallback, error, or no follow-up),
    ///   `count` (how often that follow-up came), `share` (of that text's clarifies).
    /// - `homophone`: `text`, `key` (the intent it was understood as), `count`.
    public static let csvColumns = ["section", "key", "text", "candidates", "follow_up", "count", "share",
                                    "first_seen", "last_seen", "places"]

    /// The report as one CSV table (RFC 4180, header first); `top` limits each section when
    /// given. Times are ISO 8601 with the offset of `timeZone`.
    public func csv(top: Int? = nil, timeZone: TimeZone = .current) -> String {
        let iso = ISO8601DateFormatter()
        iso.timeZone = timeZone
        iso.formatOptions = [.withInternetDateTime]
        let limit = top ?? .max
        var rows: [[String]] = [Self.csvColumns]
        func row(_ section: String, key: String = "", text: String = "", candidates: String = "", followUp: String = "",
                 count: Int, share: Double? = nil, first: Date? = nil, last: Date? = nil, places: String = "") {
            rows.append([section, key, text, candidates, followUp, "\(count)", share.map { String(format: "%.4f", $0) } ?? "",
                         first.map { iso.string(from: $0) } ?? "", last.map { iso.string(from: $0) } ?? "", places])
        }
        for o in outcomes { row("outcome", key: o.name, count: o.count, share: o.share) }
        for i in intents.prefix(limit) { row("intent", key: i.name, count: i.count, share: i.share) }
        for f in fallbacks.prefix(limit) {
            row("fallback", text: f.text, count: f.count, share: Double(f.count) / Double(max(total, 1)), first: f.firstSeen,
                last: f.lastSeen, places: f.places.joined(separator: "|"))
        }
        for c in clarifies.prefix(limit) {
            for f in c.followUps {
                row("clarify", text: c.text, candidates: c.candidates.joined(separator: "|"), followUp: f.choice, count: f.count,
                    share: Double(f.count) / Double(c.count))
            }
        }
        for h in homophones.prefix(limit) { row("homophone", key: h.understoodAs, text: h.text, count: h.count) }
        return rows.map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - Text helpers

    static func formatter(_ format: String, _ timeZone: TimeZone) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = timeZone
        f.dateFormat = format
        return f
    }

    /// "1 question", "2,048 questions".
    static func count(_ n: Int, _ noun: String) -> String { "\(number(n)) \(noun)\(n == 1 ? "" : "s")" }

    static func number(_ n: Int) -> String {
        let digits = String(n)
        guard digits.count > 3 else { return digits }
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }

    static func places(_ places: [String]) -> String {
        places.count <= 3 ? places.joined(separator: ", ") : places.prefix(3).joined(separator: ", ") + " +\(places.count - 3)"
    }

    static func more(_ count: Int, _ top: Int) -> [String] {
        count > top ? ["  … and \(count - top) more (--top N shows more)"] : []
    }

    /// Columns in terminal cells: CJK and full-width characters take two.
    static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { n, u in
            let v = u.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            return n + (wide ? 2 : 1)
        }
    }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - Self.width(s)))
        return right ? fill + s : s + fill
    }

    static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        var widths = header.map(width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], width(cell)) } }
        return ([header] + rows).map { row in
            "  " + row.enumerated().map { i, cell in
                i == row.count - 1 && !rightAligned.contains(i) ? cell : pad(cell, widths[i], right: rightAligned.contains(i))
            }.joined(separator: "  ")
        }
    }
}
