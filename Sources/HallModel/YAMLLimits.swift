import Yams

/// Bounds on any YAML text HallGuide reads (the hall's files, halld.yaml, the audio
/// configuration), checked by YAMLReader before any value is read: a file over them is
/// refused with `file:line: problem` like every other mistake, so a huge or pathological
/// file costs at most a bounded parse and never reaches the loaders. Real files stay far
/// below them (the built-in map is 25 KB, nested 5 deep, its longest text 120 bytes).
public enum YAMLLimits {
    /// A file's size in bytes (4 MiB): ten times the built-in hall is about 300 KB.
    public static let maxFileBytes = 4 << 20
    /// Mappings and lists inside one another. libyaml itself stops at 1,000, which keeps
    /// Yams' recursive composer on the stack; the files need 6.
    public static let maxNesting = 32
    /// One scalar (an id, a name, a sentence), in UTF-8 bytes.
    public static let maxScalarBytes = 4096

    /// The size check, before the text is parsed: a refusal, or nil.
    static func sizeProblem(_ text: String) -> (line: Int, message: String)? {
        let bytes = text.utf8.count
        guard bytes > maxFileBytes else { return nil }
        return (1, "the file is \(bytes) bytes; the limit is \(maxFileBytes) (\(maxFileBytes >> 20) MiB)")
    }

    /// Nesting and scalar lengths in a composed tree, each problem at its node's line. The
    /// walk stops descending below the nesting limit, so it costs at most one visit a node.
    static func problems(in root: Yams.Node) -> [(line: Int, message: String)] {
        var found: [(line: Int, message: String)] = []
        walk(root, depth: 0, into: &found)
        return found
    }

    private static func walk(_ node: Yams.Node, depth: Int, into found: inout [(line: Int, message: String)]) {
        let line = node.mark?.line ?? 1
        switch node {
        case .scalar(let scalar):
            let bytes = scalar.string.utf8.count
            if bytes > maxScalarBytes {
                found.append((line, "a value of \(bytes) bytes; the limit is \(maxScalarBytes)"))
            }
        case .mapping(let mapping):
            guard depth < maxNesting else {
                return found.append((line, "mappings and lists nested more than \(maxNesting) deep"))
            }
            for (key, value) in mapping {
                walk(key, depth: depth + 1, into: &found)
                walk(value, depth: depth + 1, into: &found)
            }
        case .sequence(let sequence):
            guard depth < maxNesting else {
                return found.append((line, "mappings and lists nested more than \(maxNesting) deep"))
            }
            for item in sequence { walk(item, depth: depth + 1, into: &found) }
        case .alias:
            break
        }
    }
}
