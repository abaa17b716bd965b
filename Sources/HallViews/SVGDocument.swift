/// A minimal SVG writer: elements appended as text, attributes escaped. Enough for the
/// floor map; not a general XML library.
struct SVGDocument {
    private(set) var body = ""

    /// `<name a="…" …/>`, or with text content when given.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, text: String? = nil) {
        body += "<\(name)"
        for (key, value) in attributes { body += " \(key)=\"\(Self.escape(value))\"" }
        if let text {
            body += ">\(Self.escape(text))</\(name)>\n"
        } else {
            body += "/>\n"
        }
    }

    /// The same with attributes built at run time.
    mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        body += "<\(name)"
        for (key, value) in attributes { body += " \(key)=\"\(Self.escape(value))\"" }
        body += text.map { ">\(Self.escape($0))</\(name)>\n" } ?? "/>\n"
    }

    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        body += "<\(name)"
        for (key, value) in attributes { body += " \(key)=\"\(Self.escape(value))\"" }
        body += ">\n"
    }

    mutating func close(_ name: String) { body += "</\(name)>\n" }

    mutating func comment(_ text: String) {
        // "--" may not appear inside an XML comment.
        body += "<!-- \(text.replacingAll("--", with: "- -")) -->\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}

/// Coordinates with at most one decimal and no "-0" or trailing ".0": short, stable
/// output that tests can compare and diffs stay readable.
func fmt(_ value: Double) -> String {
    let tenths = (value * 10).rounded()
    if tenths == 0 { return "0" }
    let whole = Int(tenths) / 10, frac = abs(Int(tenths) % 10)
    let sign = tenths < 0 && whole == 0 ? "-" : ""
    return frac == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(frac)"
}

/// A rough width of a label in pixels: CJK characters are square, Latin ones about half.
/// Used to wrap zone names and keep labels inside the drawing.
func textWidth(_ text: String, fontSize: Double) -> Double {
    text.unicodeScalars.reduce(0) { sum, scalar in sum + (scalar.value >= 0x2E80 ? 1.0 : 0.58) } * fontSize
}

/// Splits a label into lines no wider than `width`, by characters for CJK and by words
/// otherwise; never more than `maxLines` (the last one then carries the rest).
func wrap(_ text: String, width: Double, fontSize: Double, maxLines: Int = 3) -> [String] {
    guard textWidth(text, fontSize: fontSize) > width else { return [text] }
    let cjk = text.unicodeScalars.contains { $0.value >= 0x2E80 }
    let units: [String] = cjk ? text.map(String.init) : text.split(separator: " ").map { String($0) + " " }
    var lines: [String] = [], current = ""
    for unit in units {
        if !current.isEmpty, textWidth(current + unit, fontSize: fontSize) > width, lines.count < maxLines - 1 {
            lines.append(current)
            current = ""
        }
        current += unit
    }
    lines.append(current)
    // Balance CJK lines (工程建设项目审批专区 → 5 + 5, not 8 + 2): same count, even lengths.
    if cjk, lines.count > 1 {
        let chars = Array(text), per = (chars.count + lines.count - 1) / lines.count
        lines = stride(from: 0, to: chars.count, by: per).map { String(chars[$0..<min($0 + per, chars.count)]) }
    }
    return lines.map { $0.hasSuffix(" ") ? String($0.dropLast()) : $0 }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = "", rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
