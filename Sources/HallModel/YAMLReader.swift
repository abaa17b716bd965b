import Yams

/// Typed reading of a YAML file that records `file:line` problems instead of stopping at
/// the first one, so an edit is reported whole: the hall's files, halld.yaml and the audio
/// configuration all go through it. Anchors and aliases are refused before the text is
/// composed (YAMLAnchors).
///
/// Configuration is read declaratively: a `YAMLValue` says how one node becomes a value
/// (`.integer(in: 1...60_000)`, `.list(of: .text)`, `.mapping(…)` of `YAMLField`s), and
/// `YAMLReader.read(_:file:as:)` reads a whole file with it, throwing every problem.
public struct YAMLReader {
    var log: DiagnosticLog

    init(file: String) { log = DiagnosticLog(file: file) }

    var file: String { log.file }

    /// Every problem so far, as `file:line: problem`.
    var diagnostics: [Diagnostic] { log.items }

    /// Reads YAML text as `value`; every problem in the text is thrown at once.
    public static func read<Value>(_ text: String, file: String, as value: YAMLValue<Value>) throws(ValidationError) -> Value {
        var reader = YAMLReader(file: file)
        guard let root = reader.compose(text, resolvingTags: true) ?? (reader.diagnostics.isEmpty ? Yams.Node("", Tag(.null)) : nil) else {
            throw ValidationError(reader.diagnostics)
        }
        let result = value.read(YAMLSite(node: root, path: ""), &reader)
        guard reader.diagnostics.isEmpty, let result else {
            throw ValidationError(reader.diagnostics.isEmpty ? [Diagnostic(file: file, line: 1, "cannot be read")] : reader.diagnostics)
        }
        return result
    }

    /// Parses the text; a file over YAMLLimits, a syntax error, an anchor or an alias
    /// becomes a diagnostic and the result is nil (also nil for an empty document, without
    /// a diagnostic).
    ///
    /// `resolvingTags`: plain scalars typed by YAML's rules (YAMLValue needs it; the hall's
    /// loaders read text and are spared its cost, see YAMLAnchors.compose).
    mutating func compose(_ text: String, resolvingTags: Bool = false) -> Yams.Node? {
        if let (line, problem) = YAMLLimits.sizeProblem(text) {
            log.add(line, problem)
            return nil
        }
        log.lastLine = Self.lineCount(text)
        let uses = YAMLAnchors.scan(text)
        guard uses.isEmpty else {
            log.append(contentsOf: YAMLAnchors.diagnostics(uses, file: file))
            return nil
        }
        let root: Yams.Node?
        let anchored: [YAMLAnchors.Use]
        do {
            // Checks the tree again, in case the scan missed an exotic form.
            (root, anchored) = try YAMLAnchors.compose(text, resolvingTags: resolvingTags)
        } catch let error as YamlError {
            switch error {
            case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _),
                let .composer(_, problem, mark, _):
                // The error's context repeats the whole document: the problem and line suffice.
                log.add(mark.line, "YAML syntax error: \(problem) (column \(mark.column))")
            case let .duplicatedKeysInMapping(duplicates, context):
                log.add(context.mark.line, "YAML syntax error: \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) appears twice in one mapping")
            case let .reader(problem, _, _, _):
                log.add(1, "YAML syntax error: \(problem)")
            default:
                log.add(1, "YAML syntax error: \(error)")
            }
            return nil
        } catch {
            log.add(1, "YAML syntax error: \(error)")
            return nil
        }
        guard anchored.isEmpty else {
            log.append(contentsOf: YAMLAnchors.diagnostics(anchored, file: file))
            return nil
        }
        if let root {
            let problems = YAMLLimits.problems(in: root)
            guard problems.isEmpty else {
                for (line, problem) in problems { log.add(line, problem) }
                return nil
            }
        }
        return root
    }

    /// The text's root for a loader that needs a document: an empty one (nothing, or only
    /// comments) is a null node at line 1, which the loader refuses as a value of the
    /// wrong kind; nil only when `compose` reported a problem.
    mutating func document(_ text: String) -> Yams.Node? {
        compose(text) ?? (log.items.isEmpty ? Yams.Node("", Tag(.null)) : nil)
    }

    static func line(_ node: Yams.Node) -> Int { node.mark?.line ?? 1 }

    /// The text's lines as libyaml counts them: broken at LF, CR, CRLF, NEL, LS and PS.
    static func lineCount(_ text: String) -> Int {
        var lines = 1
        var afterCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": if !afterCR { lines += 1 }
            case "\r", "\u{85}", "\u{2028}", "\u{2029}": lines += 1
            default: break
            }
            afterCR = scalar == "\r"
        }
        return lines
    }

    mutating func fail(_ node: Yams.Node, _ message: String) {
        log.add(Self.line(node), message)
    }

    /// A mapping's entries by key; unknown keys and duplicates are reported.
    mutating func mapping(_ node: Yams.Node, allowed: Set<String>, what: String) -> [String: Yams.Node]? {
        guard case let .mapping(mapping) = node else {
            fail(node, "\(what) must be a mapping")
            return nil
        }
        var result: [String: Yams.Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                fail(keyNode, "\(what) has a key that is not text")
                continue
            }
            if !allowed.contains(key) {
                fail(keyNode, "unknown key '\(key)' in \(what) (expected one of: \(allowed.sorted().joined(separator: ", ")))")
            } else if result[key] != nil {
                fail(keyNode, "key '\(key)' appears twice in \(what)")
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// Every staff file starts `format: 1` (or leaves it out); another number is refused.
    mutating func checkFormat(_ fields: [String: Yams.Node]) {
        if let format = fields["format"], format.int != 1 {
            fail(format, "unsupported format '\(format.string ?? "")' (this HallGuide reads format 1)")
        }
    }

    /// A list's items; beyond `limit` items the list is refused at the first one past it
    /// (HallFileLimits), and only the first `limit` are returned.
    mutating func sequence(_ node: Yams.Node?, what: String, limit: Int = .max) -> [Yams.Node] {
        guard let node else { return [] }
        if case .scalar = node, node.null != nil { return [] }
        guard case let .sequence(sequence) = node else {
            fail(node, "\(what) must be a list")
            return []
        }
        guard sequence.count <= limit else {
            fail(sequence[limit], "\(what) has \(sequence.count) entries; the limit is \(limit)")
            return Array(sequence.prefix(limit))
        }
        return Array(sequence)
    }

    mutating func string(_ fields: [String: Yams.Node], _ key: String, in parent: Yams.Node, what: String, required: Bool = true) -> String? {
        guard let node = fields[key] else {
            if required { fail(parent, "\(what) is missing '\(key)'") }
            return nil
        }
        guard case .scalar = node, let text = node.string, !text.isEmpty else {
            fail(node, "'\(key)' of \(what) must be non-empty text")
            return nil
        }
        return text
    }

    mutating func number(_ fields: [String: Yams.Node], _ key: String, what: String) -> Double? {
        guard let node = fields[key] else { return nil }
        guard let value = node.float ?? node.int.map(Double.init), value.isFinite else {
            fail(node, "'\(key)' of \(what) must be a number")
            return nil
        }
        return value
    }

    mutating func bool(_ fields: [String: Yams.Node], _ key: String, what: String) -> Bool? {
        guard let node = fields[key] else { return nil }
        guard let value = node.bool else {
            fail(node, "'\(key)' of \(what) must be true or false")
            return nil
        }
        return value
    }

    mutating func point(_ node: Yams.Node?, what: String) -> Point? {
        guard let node else { return nil }
        let items = sequence(node, what: "'at' of \(what)")
        let values = items.compactMap { $0.float ?? $0.int.map(Double.init) }
        guard items.count == 2, values.count == 2, values.allSatisfy(\.isFinite) else {
            fail(node, "'at' of \(what) must be [x, y] in metres")
            return nil
        }
        return Point(x: values[0], y: values[1])
    }

    /// `{zh: ..., en: ...}`; both languages are required.
    mutating func localized(_ node: Yams.Node?, in parent: Yams.Node, key: String, what: String) -> LocalizedText? {
        guard let node else {
            fail(parent, "\(what) is missing '\(key)' ({zh: ..., en: ...})")
            return nil
        }
        guard let fields = mapping(node, allowed: ["zh", "en"], what: "'\(key)' of \(what)") else { return nil }
        let zh = string(fields, "zh", in: node, what: "'\(key)' of \(what)")
        let en = string(fields, "en", in: node, what: "'\(key)' of \(what)")
        guard let zh, let en else { return nil }
        return LocalizedText(zh: zh, en: en)
    }

    /// `{zh: [..], en: [..]}` lists of words, each with its line; at most `limit` words in
    /// each list, each at most HallFileLimits.wordCharacters long.
    mutating func wordLists(_ node: Yams.Node?, what: String, limit: Int = .max) -> [(Language, String, Int)] {
        guard let node else { return [] }
        guard let fields = mapping(node, allowed: ["zh", "en"], what: what) else { return [] }
        var words: [(Language, String, Int)] = []
        for language in Language.allCases {
            for item in sequence(fields[language.rawValue], what: "\(what).\(language.rawValue)", limit: limit) {
                guard case .scalar = item, let word = item.string, !word.trimmingWhitespace().isEmpty else {
                    fail(item, "\(what).\(language.rawValue) must list non-empty words")
                    continue
                }
                let trimmed = word.trimmingWhitespace()
                guard trimmed.count <= HallFileLimits.wordCharacters else {
                    fail(item, "a word of \(trimmed.count) characters in \(what).\(language.rawValue); the limit is \(HallFileLimits.wordCharacters)")
                    continue
                }
                words.append((language, trimmed, Self.line(item)))
            }
        }
        return words
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
