import Yams

/// How one YAML node becomes a value, and what it should look like, for the message when
/// it does not: `listen.tcp: expected host:port, or off, got the text 'local'`. Built from
/// the values here and combined (`.list(of: .text)`, `.off(or: …)`, `.mapping(…)` in
/// YAMLMapping), so that reading a configuration section is a few declarative lines.
public struct YAMLValue<Value> {
    /// What was expected, as a message says it: "a whole number from 1 to 60000".
    public let expected: String
    /// The node shapes it reads, for `oneOf`.
    let shapes: Set<YAMLShape>
    /// False: an empty value (`key:` or `key: ~`) counts as not given.
    let readsNull: Bool
    /// nil: refused, and already reported. The last argument is `expected`.
    let read: (YAMLSite, inout YAMLReader, String) -> Value?

    init(expected: String, shapes: Set<YAMLShape>, readsNull: Bool = false,
         read: @escaping (YAMLSite, inout YAMLReader, String) -> Value?) {
        self.expected = expected
        self.shapes = shapes
        self.readsNull = readsNull
        self.read = read
    }

    func read(_ site: YAMLSite, _ reader: inout YAMLReader) -> Value? { read(site, &reader, expected) }

    /// The same value, described differently in messages: `.integer(in: 0...65_534).expecting("a uid")`.
    public func expecting(_ expected: String) -> YAMLValue {
        YAMLValue(expected: expected, shapes: shapes, readsNull: readsNull, read: read)
    }

    /// Converts what was read (units, wrapping).
    public func map<T>(_ transform: @escaping (Value) -> T) -> YAMLValue<T> {
        YAMLValue<T>(expected: expected, shapes: shapes, readsNull: readsNull) { site, reader, expected in
            read(site, &reader, expected).map(transform)
        }
    }

    /// Converts what was read, or refuses it when `transform` gives nil (a key that does
    /// not parse, a path that does not exist).
    public func map<T>(expected: String? = nil, _ transform: @escaping (Value) -> T?) -> YAMLValue<T> {
        YAMLValue<T>(expected: expected ?? self.expected, shapes: shapes, readsNull: readsNull) { site, reader, expected in
            guard let value = read(site, &reader, expected) else { return nil }
            guard let result = transform(value) else {
                reader.refuse(site, expected: expected)
                return nil
            }
            return result
        }
    }

    /// A scalar parsed from its text as written; nil from `parse` refuses it.
    public static func scalar(_ expected: String, _ parse: @escaping (String) -> Value?) -> YAMLValue {
        YAMLValue(expected: expected, shapes: [.scalar]) { site, reader, expected in
            guard case .scalar(let scalar) = site.node, !site.isNull, let value = parse(scalar.string) else {
                reader.refuse(site, expected: expected)
                return nil
            }
            return value
        }
    }

    /// One of a few words: `.choice(["robot": .robot, "screen": .screen])`.
    public static func choice(_ options: KeyValuePairs<String, Value>) -> YAMLValue {
        let words = options.map(\.key)
        let expected = words.count < 2 ? words.joined()
            : words.dropLast().joined(separator: ", ") + " or " + (words.last ?? "")
        return scalar(expected) { text in options.first { $0.key == text }?.value }
    }

    /// A list, each element read as `element` (those refused are left out and reported).
    public static func list<Element>(of element: YAMLValue<Element>) -> YAMLValue where Value == [Element] {
        list(of: element) { _, _ in }
    }

    /// A list, then `check` over the elements read (each with its index in the file's
    /// list): duplicates, one target claimed twice.
    public static func list<Element>(of element: YAMLValue<Element>,
                                     check: @escaping ([(index: Int, value: Element)], inout YAMLCheck) -> Void) -> YAMLValue
    where Value == [Element] {
        YAMLValue(expected: "a list", shapes: [.sequence]) { site, reader, expected in
            guard case .sequence(let sequence) = site.node else {
                reader.refuse(site, expected: expected)
                return nil
            }
            var read: [(index: Int, value: Element)] = []
            for (index, item) in sequence.enumerated() {
                if let value = element.read(YAMLSite(node: item, path: "\(site.path)[\(index)]"), &reader) {
                    read.append((index, value))
                }
            }
            var checking = YAMLCheck(site: site, given: [:], items: Array(sequence))
            check(read, &checking)
            reader.add(checking)
            return read.map(\.value)
        }
    }

    /// `off` (or nothing) for nil, else `value`: `listen.tcp: off`.
    public static func off<Wrapped>(or value: YAMLValue<Wrapped>) -> YAMLValue where Value == Wrapped? {
        YAMLValue(expected: "\(value.expected), or off", shapes: value.shapes.union([.scalar]), readsNull: true) { site, reader, expected in
            if site.isNull { return .some(nil) }
            if case .scalar(let scalar) = site.node, scalar.string == "off" { return .some(nil) }
            guard value.shapes.contains(site.shape) else {
                reader.refuse(site, expected: expected)
                return nil
            }
            // Refused, it says that off would do too.
            return value.read(site, &reader, expected).map { $0 }
        }
    }

    /// The first of `values` that reads this node's shape: a time range as "22:00-07:00"
    /// or as {from, to}; one name or a list of names.
    public static func oneOf(_ values: YAMLValue...) -> YAMLValue {
        let expected = values.map(\.expected).joined(separator: ", or ")
        return YAMLValue(expected: expected, shapes: values.reduce([]) { $0.union($1.shapes) },
                         readsNull: values.contains { $0.readsNull }) { site, reader, expected in
            guard let value = values.first(where: { $0.shapes.contains(site.shape) }) else {
                reader.refuse(site, expected: expected)
                return nil
            }
            return value.read(site, &reader)
        }
    }
}

extension YAMLValue where Value == String {
    /// Any scalar as written (`usb_serial: 12345678` is text too), not empty.
    public static var text: YAMLValue { scalar("text") { $0.isEmpty ? nil : $0 } }
}

extension YAMLValue where Value: FixedWidthInteger {
    /// A whole number written as one (`"5"` in quotes is text, `5.0` is not whole).
    public static func integer(in range: ClosedRange<Value>) -> YAMLValue {
        YAMLValue(expected: "a whole number from \(range.lowerBound) to \(range.upperBound)", shapes: [.scalar]) { site, reader, expected in
            guard site.tag == .int, let number = site.node.int.flatMap(Value.init(exactly:)), range.contains(number) else {
                reader.refuse(site, expected: expected)
                return nil
            }
            return number
        }
    }
}

extension YAMLValue where Value == Duration {
    /// `ack_timeout_ms: 300`: whole milliseconds.
    public static func milliseconds(in range: ClosedRange<Int>) -> YAMLValue {
        YAMLValue<Int>.integer(in: range).map { .milliseconds($0) }
    }

    /// `handshake_seconds: 2.5`: seconds, to the millisecond.
    public static func seconds(in range: ClosedRange<Double>) -> YAMLValue {
        YAMLValue<Double>.number(in: range).map { .milliseconds(Int(($0 * 1000).rounded())) }
    }
}

extension YAMLValue where Value == Double {
    /// A number written as one, whole or not, finite, inside `range`.
    public static func number(in range: ClosedRange<Double>) -> YAMLValue {
        let expected = "a number from \(YAMLSite.plain(range.lowerBound)) to \(YAMLSite.plain(range.upperBound))"
        return YAMLValue(expected: expected, shapes: [.scalar]) { site, reader, expected in
            guard [Tag.Name.int, .float].contains(site.tag), let number = site.node.float ?? site.node.int.map(Double.init),
                  number.isFinite, range.contains(number) else {
                reader.refuse(site, expected: expected)
                return nil
            }
            return number
        }
    }
}

extension YAMLValue where Value == Bool {
    public static var bool: YAMLValue {
        YAMLValue(expected: "true or false", shapes: [.scalar]) { site, reader, expected in
            guard site.tag == .bool, let flag = site.node.bool else {
                reader.refuse(site, expected: expected)
                return nil
            }
            return flag
        }
    }
}

enum YAMLShape: Hashable {
    case scalar, mapping, sequence
}

/// A node being read, and where it is in the file's tree ("status.admin_uids[1]").
struct YAMLSite {
    let node: Yams.Node
    let path: String

    var line: Int { node.mark?.line ?? 1 }

    /// The resolved tag: int, float, bool, null or str for a plain scalar, str when quoted.
    var tag: Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

    var isNull: Bool {
        if case .scalar = node { return tag == .null }
        return false
    }

    var shape: YAMLShape {
        switch node {
        case .mapping: .mapping
        case .sequence: .sequence
        case .scalar, .alias: .scalar
        }
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// What was found, as a message says it: "the text 'root'", "1.5", "a list".
    var found: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if isNull { return "nothing" }
            let text = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "…" : scalar.string
            return tag == .str ? "the text '\(text)'" : text
        }
    }

    /// 86400 rather than 86400.0 in a message.
    static func plain(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}

extension YAMLReader {
    /// A problem at a node, said with its path: "query_log.flush_ms: …".
    mutating func fail(_ site: YAMLSite, _ message: String) {
        log.add(site.line, site.path.isEmpty ? message : "\(site.path): \(message)")
    }

    mutating func refuse(_ site: YAMLSite, expected: String) {
        fail(site, "expected \(expected), got \(site.found)")
    }
}
