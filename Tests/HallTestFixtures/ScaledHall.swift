import Foundation
/// A hall `scale` times the size of the one given (the built-in hall, for hallbench's
/// `validate --scale` and the large-hall tests): copies of its floor side by side, 100 m
/// apart, each with its own ids, windows numbered on from the last copy's, its own
/// stations and its own copy of every intent, whose words carry the copy's mark so that
/// no keyword is claimed twice. Each copy's atrium centre is joined to the next copy's, so
/// every place is reachable from every station, as validation demands. The calendar, the
/// normalisation tables, the hours and the tickets stay those of the first copy.
///
/// The transformation is textual and knows the built-in files' layout (flow mappings one
/// a line, `- id:` entries); it is a benchmark's input, not a YAML tool.
public enum ScaledHall {
    /// The map's text, `scale` copies.
    public static func map(_ text: String, scale: Int, windowsPerCopy: Int = 48) -> String {
        var out: [Substring] = []
        var copies: [[String]] = Array(repeating: [], count: scale)
        var section = ""
        let copied: Set = ["areas", "nodes", "edges", "places", "windows", "stations"]
        func flush() {
            // A copied section: the original's lines, then each further copy's.
            for k in 1..<max(scale, 1) { out += copies[k].map { Substring($0) } }
            if section == "edges" {
                for k in 1..<max(scale, 1) {
                    out.append("  - {from: \(id("atrium-centre", k - 1)), to: \(id("atrium-centre", k)), length: 100}")
                }
            }
            copies = Array(repeating: [], count: scale)
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first.isLetter {
                flush()
                section = String(line.prefix { $0 != ":" })
            }
            out.append(line)
            guard copied.contains(section), line.hasPrefix(" ") else { continue }
            for k in 1..<max(scale, 1) { copies[k].append(copy(String(line), k, windowsPerCopy: windowsPerCopy)) }
        }
        flush()
        return out.joined(separator: "\n")
    }

    /// An intents file's text, `scale` copies of each intent (in one file).
    public static func intents(_ text: String, scale: Int, windowsPerCopy: Int = 48) -> String {
        var lines: [String] = []
        var entries: [[String]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("  - ") { entries.append([line]) } else if !entries.isEmpty, line.hasPrefix("    ") || line.isEmpty {
                entries[entries.count - 1].append(line)
            } else { lines.append(line) }
        }
        for k in 0..<max(scale, 1) {
            for entry in entries { lines += entry.map { copyIntentLine($0, k, windowsPerCopy: windowsPerCopy) } }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every file of a hall, scaled: the map, each intents file, the rest as they are.
    public static func files(_ files: [(path: String, text: String)], scale: Int) -> [(path: String, text: String)] {
        files.map { file in
            if file.path.hasPrefix("maps/"), !file.path.hasSuffix(".calendar.yaml"), file.path.hasSuffix(".yaml") {
                return (file.path, map(file.text, scale: scale))
            }
            if file.path.hasPrefix("intents/"), file.path.hasSuffix(".yaml"), !file.path.hasSuffix("/normalization.yaml") {
                return (file.path, intents(file.text, scale: scale))
            }
            return file
        }
    }

    static func id(_ base: String, _ k: Int) -> String { k == 0 ? base : "\(base)-c\(k)" }

    /// One line of a copied map section, for copy `k`.
    static func copy(_ line: String, _ k: Int, windowsPerCopy: Int) -> String {
        var result = line
        for key in ["id", "from", "to", "node", "zone", "area"] {
            result = replaceValue(of: key, in: result) { id($0, k) }
        }
        result = replaceValue(of: "number", in: result) { String((Int($0) ?? 0) + k * windowsPerCopy) }
        // Coordinates: the first number of `at: [` and `rect: [` moves east.
        for key in ["at: [", "rect: ["] {
            guard let range = result.range(of: key) else { continue }
            let rest = result[range.upperBound...]
            let number = rest.prefix { $0.isNumber || $0 == "." || $0 == "-" }
            let moved = (Double(number) ?? 0) + Double(100 * k)
            result = String(result[..<range.upperBound]) + "\(moved)" + rest.dropFirst(number.count)
        }
        return result
    }

    /// One line of an intent entry, for copy `k`: its id, destination and words marked.
    static func copyIntentLine(_ line: String, _ k: Int, windowsPerCopy: Int) -> String {
        guard k > 0 else { return line }
        var result = replaceValue(of: "id", in: line) { id($0, k) }
        result = replaceValue(of: "destination", in: result) { value in
            if value.hasPrefix("window-"), let n = Int(value.dropFirst(7)) { return "window-\(n + k * windowsPerCopy)" }
            return id(value, k)
        }
        let trimmed = line.drop { $0 == " " }
        for key in ["zh: [", "en: ["] where trimmed.hasPrefix(key) && !isAnswer(line) {
            guard let open = result.range(of: key), let close = result.range(of: "]", range: open.upperBound..<result.endIndex) else { continue }
            let words = result[open.upperBound..<close.lowerBound].split(separator: ",").map { $0.trimmingCharacters() }
            let marked = words.map { word in
                let mark = key == "zh: [" ? zhMark(k) : " " + enMark(k)
                // A quoted word ("men's room") takes the mark inside its quotes.
                guard let quote = word.first, quote == "\"" || quote == "'", word.count > 1, word.last == quote else { return word + mark }
                return String(word.dropLast()) + mark + String(quote)
            }
            result = String(result[..<open.upperBound]) + marked.joined(separator: ", ") + result[close.lowerBound...]
        }
        return result
    }

    static func isAnswer(_ line: String) -> Bool { !line.contains("[") }

    /// Heavenly stems: 乙 for copy 1, 丙 for 2, …; two of them past ten copies.
    static func zhMark(_ k: Int) -> String {
        let stems = Array("甲乙丙丁戊己庚辛壬癸")
        return k < 10 ? String(stems[k]) : String(stems[k / 10 % 10]) + String(stems[k % 10])
    }

    /// "copyb", "copyc", …: a word of letters, which normalisation keeps.
    static func enMark(_ k: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var n = k
        var word = ""
        repeat {
            word = String(letters[n % 26]) + word
            n /= 26
        } while n > 0
        return "copy" + word
    }

    /// `key: value` (value up to `,`, `}` or the line's end) with the value replaced.
    static func replaceValue(of key: String, in line: String, _ transform: (String) -> String) -> String {
        var result = ""
        var rest = Substring(line)
        let pattern = key + ": "
        while let range = rest.range(of: pattern) {
            let before = rest[..<range.lowerBound]
            // A whole key: at the line's start, after "{", ", " or "- ".
            let boundary = before.last.map { $0 == " " || $0 == "{" } ?? true
            result += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            guard boundary else { continue }
            let value = rest.prefix { $0 != "," && $0 != "}" && $0 != " " && $0 != "#" }
            guard !value.isEmpty, !value.hasPrefix("{"), !value.hasPrefix("[") else { continue }
            result += transform(String(value))
            rest = rest.dropFirst(value.count)
        }
        return result + rest
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
