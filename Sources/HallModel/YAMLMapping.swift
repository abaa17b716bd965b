import Yams

/// One key of a mapping and where its value goes. A section of a configuration is a list
/// of these:
///
///     .section("conversation", [
///         .field("idle_seconds", \.conversationIdleSeconds, .number(in: 1...3600)),
///     ])
///
/// A key the list does not name is reported as unknown, with the keys it does name.
public struct YAMLField<Root> {
    let key: String
    let required: Bool
    /// False: an empty value (`key:`) is as if the key were not there.
    let readsNull: Bool
    let apply: (YAMLSite, inout YAMLReader, inout Root) -> Void

    /// `key: value` into `path`.
    public static func field<V>(_ key: String, _ path: WritableKeyPath<Root, V>, _ value: YAMLValue<V>,
                                required: Bool = false) -> YAMLField {
        YAMLField(key: key, required: required, readsNull: value.readsNull) { site, reader, root in
            if let read = value.read(site, &reader) { root[keyPath: path] = read }
        }
    }

    /// `key: value` into an optional property: it stays nil when the key is not there.
    public static func field<V>(_ key: String, _ path: WritableKeyPath<Root, V?>, _ value: YAMLValue<V>,
                                required: Bool = false) -> YAMLField {
        YAMLField(key: key, required: required, readsNull: value.readsNull) { site, reader, root in
            if let read = value.read(site, &reader) { root[keyPath: path] = read }
        }
    }

    /// A nested mapping whose keys fill the same value: halld.yaml's `status:` section
    /// sets DaemonConfig's own `statusSocket` and `adminUIDs`.
    public static func section(_ key: String, _ fields: [YAMLField<Root>]) -> YAMLField {
        YAMLField(key: key, required: false, readsNull: false) { site, reader, root in
            _ = reader.readMapping(site, fields, into: &root, expected: YAMLReader.mappingExpectation(fields))
        }
    }
}

extension YAMLValue {
    /// A mapping read key by key into `start`.
    public static func mapping(_ start: Value, _ fields: [YAMLField<Value>]) -> YAMLValue {
        mapping(from: start, fields) { read, _ in read }
    }

    /// A mapping read key by key into `start`, then checked as a whole (one key's value
    /// against another's).
    public static func mapping(_ start: Value, _ fields: [YAMLField<Value>],
                               check: @escaping (inout Value, inout YAMLCheck) -> Void) -> YAMLValue {
        mapping(from: start, fields) { read, checking in
            var value = read
            check(&value, &checking)
            return value
        }
    }

    /// A mapping read key by key into a `Partial` (optionals, raw forms), from which
    /// `build` makes the value, or gives nil after saying why with `check.fail`.
    public static func mapping<Partial>(from start: Partial, _ fields: [YAMLField<Partial>],
                                        build: @escaping (Partial, inout YAMLCheck) -> Value?) -> YAMLValue {
        YAMLValue(expected: YAMLReader.mappingExpectation(fields), shapes: [.mapping]) { site, reader, expected in
            var partial = start
            guard let given = reader.readMapping(site, fields, into: &partial, expected: expected) else { return nil }
            var checking = YAMLCheck(site: site, given: given, items: [])
            let value = build(partial, &checking)
            reader.add(checking)
            return value
        }
    }
}

/// A mapping or list that was read, for the checks across its keys or elements: a
/// problem is reported at the line of the key or element it names.
public struct YAMLCheck {
    let site: YAMLSite
    let given: [String: Yams.Node]
    let items: [Yams.Node]
    var problems: [(line: Int, message: String)] = []

    /// Where this mapping or list is: "devices", "audio.outputs[1]"; "" at the top.
    public var path: String { site.path }

    /// How many elements the list has in the file, read or refused.
    public var itemCount: Int { items.count }

    /// Whether the mapping has `key` (with a value).
    public func has(_ key: String) -> Bool { given[key] != nil }

    /// A problem at this mapping or list's first line.
    public mutating func fail(_ message: String) { add(site.line, message) }

    /// A problem at `key`'s value (at the mapping when the key is not there).
    public mutating func fail(_ message: String, at key: String) {
        add(given[key]?.mark?.line ?? site.line, message)
    }

    /// A problem at the list's element `index`.
    public mutating func fail(_ message: String, atItem index: Int) {
        add(items.indices.contains(index) ? items[index].mark?.line ?? site.line : site.line, message)
    }

    private mutating func add(_ line: Int, _ message: String) {
        problems.append((line, path.isEmpty ? message : "\(path): \(message)"))
    }
}

extension YAMLReader {
    /// Reads a mapping's keys into `root`; unknown keys and missing required ones are
    /// reported. An empty value reads as an empty mapping. nil when it is not a mapping;
    /// else the keys given, with their values.
    mutating func readMapping<Root>(_ site: YAMLSite, _ fields: [YAMLField<Root>], into root: inout Root,
                                    expected: String) -> [String: Yams.Node]? {
        var given: [String: Yams.Node] = [:]
        if !site.isNull {
            guard case .mapping(let mapping) = site.node else {
                refuse(site, expected: expected)
                return nil
            }
            for (keyNode, value) in mapping {
                guard case .scalar(let key) = keyNode, !YAMLSite(node: keyNode, path: "").isNull else {
                    fail(YAMLSite(node: keyNode, path: site.path), "a key must be text, not \(YAMLSite(node: keyNode, path: "").found)")
                    continue
                }
                guard let field = fields.first(where: { $0.key == key.string }) else {
                    let place = site.path.isEmpty ? "" : " in \(site.path)"
                    log.add(YAMLSite(node: keyNode, path: "").line,
                            "unknown key '\(key.string)'\(place) (expected one of: \(fields.map(\.key).sorted().joined(separator: ", ")))")
                    continue
                }
                let child = YAMLSite(node: value, path: site.child(key.string))
                if child.isNull && !field.readsNull { continue }
                given[key.string] = value
                field.apply(child, &self, &root)
            }
        }
        for field in fields where field.required && given[field.key] == nil {
            fail(site, "'\(field.key)' is missing")
        }
        return given
    }

    mutating func add(_ check: YAMLCheck) {
        for problem in check.problems { log.add(problem.line, problem.message) }
    }

    static func mappingExpectation<Root>(_ fields: [YAMLField<Root>]) -> String {
        "a mapping (\(fields.map(\.key).joined(separator: ", ")))"
    }
}
