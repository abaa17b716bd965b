/// The block-YAML subset audio configuration files use, read into the same shapes
/// Yams' `load` gives the daemon ([String: Any], [Any], String, Int, Double, Bool): block
/// mappings and sequences, `[a, b]` and `{k: v}` flow collections of scalars, quoted and
/// plain scalars, comments. AudioPrompts does not depend on Yams; hallctl reads its
/// `--config` file through this.
enum ConfigYAML {
    struct SyntaxError: Error, Sendable {
        var line: Int
        var message: String
    }

    private struct Line {
        var number: Int
        var indent: Int
        var text: String
    }

    static func parse(_ text: String) throws(SyntaxError) -> Any {
        var lines: [Line] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = stripComment(String(raw))
            let trimmed = content.trimmed(" \r")
            guard !trimmed.isEmpty, trimmed != "---" else { continue }
            if content.prefix(while: { $0 == " " || $0 == "\t" }).contains("\t") {
                throw SyntaxError(line: index + 1, message: "tabs are not allowed for indentation")
            }
            let indent = content.prefix { $0 == " " }.count
            lines.append(Line(number: index + 1, indent: indent, text: trimmed))
        }
        guard !lines.isEmpty else { return [String: Any]() }
        var reader = Reader(lines: lines)
        let value = try reader.block(indent: lines[0].indent)
        if reader.position < lines.count {
            throw SyntaxError(line: lines[reader.position].number, message: "unexpected indentation")
        }
        return value
    }

    private struct Reader {
        var lines: [Line]
        var position = 0

        mutating func block(indent: Int) throws(SyntaxError) -> Any {
            let line = lines[position]
            return line.text == "-" || line.text.hasPrefix("- ") ? try sequence(indent: indent) : try mapping(indent: indent)
        }

        mutating func sequence(indent: Int) throws(SyntaxError) -> [Any] {
            var items: [Any] = []
            while position < lines.count, lines[position].indent == indent,
                  lines[position].text == "-" || lines[position].text.hasPrefix("- ") {
                let line = lines[position]
                let rest = String(line.text.dropFirst()).trimmed(" ")
                if rest.isEmpty {
                    position += 1
                    guard position < lines.count, lines[position].indent > indent else { items.append(Null.null); continue }
                    items.append(try block(indent: lines[position].indent))
                } else if ConfigYAML.keySplit(rest) != nil, !rest.hasPrefix("["), !rest.hasPrefix("{"), !rest.hasPrefix("\"") {
                    // "- key: value" opens a mapping whose keys line up with "key".
                    let column = indent + (line.text.count - rest.count)
                    lines[position] = Line(number: line.number, indent: column, text: rest)
                    items.append(try mapping(indent: column))
                } else {
                    items.append(try ConfigYAML.inline(rest, line: line.number))
                    position += 1
                }
            }
            return items
        }

        mutating func mapping(indent: Int) throws(SyntaxError) -> [String: Any] {
            var result: [String: Any] = [:]
            while position < lines.count, lines[position].indent == indent {
                let line = lines[position]
                if line.text == "-" || line.text.hasPrefix("- ") { break }
                guard let (key, rest) = ConfigYAML.keySplit(line.text) else {
                    throw SyntaxError(line: line.number, message: "expected 'key: value'")
                }
                if result[key] != nil { throw SyntaxError(line: line.number, message: "key '\(key)' appears twice") }
                position += 1
                if !rest.isEmpty {
                    result[key] = try ConfigYAML.inline(rest, line: line.number)
                } else if position < lines.count, lines[position].indent > indent {
                    result[key] = try block(indent: lines[position].indent)
                } else if position < lines.count, lines[position].indent == indent,
                          lines[position].text == "-" || lines[position].text.hasPrefix("- ") {
                    result[key] = try sequence(indent: indent)
                } else {
                    result[key] = Null.null
                }
            }
            if position < lines.count, lines[position].indent > indent {
                throw SyntaxError(line: lines[position].number, message: "unexpected indentation")
            }
            return result
        }
    }

    /// YAML's null (`~`, `null`, a key without a value).
    enum Null: Sendable { case null }

    /// "key: value" → (key, value); the colon must be followed by a space or end the line,
    /// so "22:00-07:00" stays one scalar.
    static func keySplit(_ text: String) -> (String, String)? {
        var quote: Character?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == ":" {
                let next = text.index(after: index)
                if next == text.endIndex || text[next] == " " {
                    let key = unquote(text[..<index].trimmed(" "))
                    return key.isEmpty ? nil : (key, String(text[next...]).trimmed(" "))
                }
            }
            index = text.index(after: index)
        }
        return nil
    }

    static func inline(_ text: String, line: Int) throws(SyntaxError) -> Any {
        if text.hasPrefix("[") {
            guard text.hasSuffix("]") else { throw SyntaxError(line: line, message: "unclosed '['") }
            let body = String(text.dropFirst().dropLast())
            var items: [Any] = []
            for piece in splitOutsideQuotes(body) where !piece.isEmpty { items.append(try scalar(piece, line: line)) }
            return items
        }
        if text.hasPrefix("{") {
            guard text.hasSuffix("}") else { throw SyntaxError(line: line, message: "unclosed '{'") }
            var result: [String: Any] = [:]
            for piece in splitOutsideQuotes(String(text.dropFirst().dropLast())) where !piece.isEmpty {
                guard let (key, value) = keySplit(piece) else { throw SyntaxError(line: line, message: "expected 'key: value' in '{…}'") }
                result[key] = try scalar(value, line: line)
            }
            return result
        }
        return try scalar(text, line: line)
    }

    static func scalar(_ text: String, line: Int) throws(SyntaxError) -> Any {
        if let first = text.first, first == "\"" || first == "'" {
            guard text.count >= 2, text.last == first else { throw SyntaxError(line: line, message: "unclosed quote") }
            return unquote(text)
        }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        case "null", "~", "Null", "NULL": return Null.null
        default: break
        }
        if let integer = Int(text) { return integer }
        if let real = Double(text), text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return real }
        return text
    }

    static func unquote(_ text: String) -> String {
        guard text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first else { return text }
        let body = String(text.dropFirst().dropLast())
        if first == "'" { return body.replacingOccurrences(of: "''", with: "'") }
        var out = ""
        var escaped = false
        for character in body {
            if escaped {
                switch character {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }

    static func splitOutsideQuotes(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
                current.append(character)
            } else if character == "\"" || character == "'" {
                quote = character
                current.append(character)
            } else if character == "," {
                pieces.append(current.trimmed(" "))
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current.trimmed(" "))
        return pieces
    }

    /// Drops a `#` comment that starts the line or follows a space, outside quotes.
    static func stripComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#", previous == " " {
                return String(line[..<index])
            }
            previous = character
        }
        return line
    }
}

private extension StringProtocol {
    func trimmed(_ characters: String) -> String {
        var start = startIndex
        var end = endIndex
        while start < end, characters.contains(self[start]) { start = index(after: start) }
        while end > start, characters.contains(self[index(before: end)]) { end = index(before: end) }
        return String(self[start..<end])
    }
}
