import Yams

/// Anchors (`&name`) and aliases (`*name`) are refused in every file HallGuide reads. An
/// alias repeats its anchor's value, so a few lines of aliases of aliases (a "billion
/// laughs") stand for gigabytes: reading such a tree grew halld to 2 GB, and even
/// composing it costs minutes when an alias is a mapping key (Yams hashes every key
/// whole to find duplicates). Nobody writes them in a hall's files or halld.yaml.
///
/// So the text is scanned before Yams sees it. The scan knows just enough YAML to tell an
/// indicator from content: quotes, comments, block scalars (`|`, `>`), multi-line plain
/// scalars and flow collections. `*` and `&` can only start a node where YAML allows an
/// indicator (a plain scalar cannot begin with either), so a value such as `5 * 3` or
/// `"*note"` is not mistaken for one. The composed tree is checked again, cheaply, in
/// case the scan missed an exotic form.
enum YAMLAnchors {
    /// An anchor or alias as written, and the line it is on.
    struct Use: Hashable {
        var line: Int
        /// "&name" or "*name".
        var token: String
    }

    static func scan(_ text: String) -> [Use] {
        var scanner = Scanner()
        var number = 0
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            scanner.scan(Array(line), number: number)
        }
        return scanner.uses
    }

    /// Composes `text` and lists the anchored nodes the scan missed. Yams holds a node's
    /// anchor weakly (its parser retains it), so the tree is walked while the parser
    /// lives. The walk stops at an anchored node, whose aliases are copies of it; and
    /// after as many nodes as the text has bytes, more than a tree without aliases can
    /// have, so it stays as small as the text whatever Yams does with anchors.
    ///
    /// `resolvingTags`: whether plain scalars get their YAML types (int, float, bool, null)
    /// by Yams' regular expressions, for readers that check a value's type by its tag
    /// (YAMLValue: halld.yaml). The hall's loaders read values by their text and do not:
    /// for them every scalar is text, which spares the regular expressions Yams would
    /// run on every mapping key to find duplicates (most of the time a map took to load).
    static func compose(_ text: String, resolvingTags: Bool) throws -> (root: Yams.Node?, uses: [Use]) {
        let parser = try Parser(yaml: text, resolver: resolvingTags ? .default : .basic)
        let root = try parser.singleRoot()
        var uses: [Use] = []
        var budget = text.utf8.count + 1
        withExtendedLifetime(parser) {
            if let root { anchoredNodes(in: root, budget: &budget, into: &uses) }
        }
        if budget < 0 { uses.append(Use(line: 1, token: expansion)) }
        return (root, uses)
    }

    /// Stands for "more nodes than bytes" in `Use.token`.
    static let expansion = "*"

    static func anchoredNodes(in node: Yams.Node, budget: inout Int, into uses: inout [Use]) {
        budget -= 1
        guard budget >= 0 else { return }
        if let anchor = node.anchor {
            uses.append(Use(line: node.mark?.line ?? 1, token: "&\(anchor.rawValue)"))
            return
        }
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                anchoredNodes(in: key, budget: &budget, into: &uses)
                anchoredNodes(in: value, budget: &budget, into: &uses)
            }
        case .sequence(let sequence):
            for item in sequence { anchoredNodes(in: item, budget: &budget, into: &uses) }
        case .scalar, .alias:
            break
        }
    }

    /// One message a line: "YAML anchors and aliases are not allowed (&a, *b): …".
    static func diagnostics(_ uses: [Use], file: String) -> [Diagnostic] {
        var byLine: [Int: [String]] = [:]
        for use in uses where byLine[use.line]?.contains(use.token) != true { byLine[use.line, default: []].append(use.token) }
        return byLine.sorted { $0.key < $1.key }.map { line, tokens in
            if tokens == [expansion] {
                return Diagnostic(file: file, line: line, "YAML aliases are not allowed: the file stands for more values than it has characters")
            }
            let shown = tokens.prefix(4).joined(separator: ", ") + (tokens.count > 4 ? ", …" : "")
            return Diagnostic(file: file, line: line,
                              "YAML anchors and aliases are not allowed (\(shown)): write the value out where it is used")
        }
    }

    /// The scan's state across lines.
    private struct Scanner {
        var uses: [Use] = []
        /// An open quoted scalar (it may span lines): its quote character.
        var quote: UInt8?
        var flowDepth = 0
        /// Inside a flow collection, a plain scalar may go on after a line break.
        var inFlowPlain = false
        /// A block scalar's header (`|`, `>`) ended a line whose parent node is at this
        /// column: more indented (and blank) lines are its content.
        var blockScalarParent: Int?
        /// A plain scalar ended a block line whose parent node is at this column: more
        /// indented lines continue it.
        var plainParent: Int?

        mutating func scan(_ line: [UInt8], number: Int) {
            let indent = line.prefix { $0 == .space }.count
            let blank = line.allSatisfy { $0 == .space || $0 == .tab || $0 == .cr }
            if let parent = blockScalarParent {
                if blank || indent > parent { return }
                blockScalarParent = nil
            }
            if quote == nil, flowDepth == 0, let parent = plainParent {
                if blank || (indent > parent && line[indent] != .hash) { return }
                plainParent = nil
            }
            var i = quote == nil ? indent : 0
            var atNodeStart = quote == nil && !inFlowPlain
            var inPlain = inFlowPlain
            // The parent of a value on this line: its key's column, else its "- "
            // indicator's, else (a line holding only a value) the line's indentation less 1.
            var scalarStart = i
            var keyColumn: Int?
            var dashColumn: Int?
            var parentColumn: Int { keyColumn ?? dashColumn ?? indent - 1 }
            if i == 0, quote == nil, line.starts(with: Array("%".utf8)) || line.starts(with: Array("...".utf8)) { return }
            if i == 0, quote == nil, line.starts(with: Array("---".utf8)), line.count == 3 || line[3] == .space { i = 3 }
            while i < line.count {
                let c = line[i]
                let next: UInt8? = i + 1 < line.count ? line[i + 1] : nil
                let nextEndsToken = next == nil || next == .space || next == .tab || next == .cr
                if let open = quote {
                    if open == .singleQuote, c == .singleQuote {
                        if next == .singleQuote { i += 2; continue }
                        quote = nil
                    } else if open == .doubleQuote, c == .backslash {
                        i += 2
                        continue
                    } else if open == .doubleQuote, c == .doubleQuote {
                        quote = nil
                    }
                    i += 1
                    continue
                }
                if c == .space || c == .tab || c == .cr { i += 1; continue }
                if c == .hash, i == 0 || line[i - 1] == .space || line[i - 1] == .tab { break }
                if inPlain {
                    // A plain scalar ends at ": " (it was a key), and in a flow collection at
                    // its punctuation; anything else is its content, `*` and `&` included.
                    if c == .colon, nextEndsToken || (flowDepth > 0 && next.map(Self.isFlowIndicator) == true) {
                        inPlain = false
                        atNodeStart = true
                        keyColumn = scalarStart
                        i += 1
                        continue
                    }
                    guard flowDepth > 0, Self.isFlowIndicator(c) else { i += 1; continue }
                    inPlain = false
                }
                switch c {
                case .ampersand where atNodeStart, .asterisk where atNodeStart:
                    var end = i + 1
                    while end < line.count, !Self.endsName(line[end]) { end += 1 }
                    uses.append(Use(line: number, token: String(decoding: line[i..<end], as: UTF8.self)))
                    // An anchor is a property, its node follows; an alias is the node.
                    atNodeStart = c == .ampersand
                    i = end
                    continue
                case .exclamation where atNodeStart:
                    // A tag, a property too.
                    while i < line.count, line[i] != .space, line[i] != .tab { i += 1 }
                    continue
                case .singleQuote, .doubleQuote:
                    quote = c
                    atNodeStart = false
                    scalarStart = i
                case .openBracket, .openBrace:
                    flowDepth += 1
                    atNodeStart = true
                case .closeBracket, .closeBrace:
                    flowDepth = max(0, flowDepth - 1)
                    atNodeStart = false
                case .comma where flowDepth > 0:
                    atNodeStart = true
                case .dash where atNodeStart && nextEndsToken, .question where atNodeStart && nextEndsToken:
                    if flowDepth == 0 {
                        dashColumn = i
                        keyColumn = nil
                    }
                case .colon where nextEndsToken || flowDepth > 0:
                    // After a quoted key, an alias or a flow collection.
                    atNodeStart = true
                    if flowDepth == 0 { keyColumn = scalarStart }
                case .pipe where atNodeStart && flowDepth == 0, .greater where atNodeStart && flowDepth == 0:
                    blockScalarParent = keyColumn ?? dashColumn ?? indent
                    return
                default:
                    if atNodeStart {
                        inPlain = true
                        atNodeStart = false
                        scalarStart = i
                    }
                }
                i += 1
            }
            inFlowPlain = inPlain && flowDepth > 0
            if inPlain, flowDepth == 0, quote == nil { plainParent = parentColumn }
        }

        static func isFlowIndicator(_ c: UInt8) -> Bool {
            c == .comma || c == .openBracket || c == .closeBracket || c == .openBrace || c == .closeBrace
        }

        static func endsName(_ c: UInt8) -> Bool {
            c == .space || c == .tab || c == .cr || isFlowIndicator(c)
        }
    }
}

private extension UInt8 {
    static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), cr = UInt8(ascii: "\r"), hash = UInt8(ascii: "#")
    static let singleQuote = UInt8(ascii: "'"), doubleQuote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    static let ampersand = UInt8(ascii: "&"), asterisk = UInt8(ascii: "*"), exclamation = UInt8(ascii: "!")
    static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    static let comma = UInt8(ascii: ","), dash = UInt8(ascii: "-"), question = UInt8(ascii: "?")
    static let colon = UInt8(ascii: ":"), pipe = UInt8(ascii: "|"), greater = UInt8(ascii: ">")
}
