import Foundation
import Yams

/// The closures file: JSON as halld writes it (one closure a line), or the same in YAML
/// as staff may write it for `hallctl ask --closures FILE`. Checked against the map.
///
///     {"format": 1, "closures": [
///       {"window": 16, "reason": "暂停服务", "until": "2026-12-07T13:30:00+08:00", "since": "2026-12-07T10:05:00+08:00"},
///       {"zone": "social-insurance", "reason": "系统升级", "reason_en": "system upgrade"},
///       {"place": "restroom", "node": "west-restroom", "reason": "保洁"},
///       {"edge": ["west-corridor-3", "west-corridor-4"], "reason": "地面维修"},
///       {"area": "east-hall"}
///     ]}
public enum ClosuresFile {
    static let targetKeys = ["window", "zone", "place", "edge", "area"]

    /// The valid closures, and one `file:line` problem per refused entry: halld keeps the
    /// valid ones of a persisted file whose map changed since.
    public static func read(text: String, file: String, map: FloorMap) -> (closures: HallClosures, problems: [Diagnostic]) {
        var r = YAMLReader(file: file)
        var result = HallClosures()
        guard let root = r.compose(text) else { return (result, r.log.items) }
        guard let top = r.mapping(root, allowed: ["format", "closures"], what: "the closures file") else { return (result, r.log.items) }
        r.checkFormat(top)
        var lines: [Closure.Target: Int] = [:]
        for node in r.sequence(top["closures"], what: "closures") {
            // An entry with any problem is left out whole: a mistyped "untill" must not
            // close a window for good.
            let problems = r.log.items.count
            guard let closure = readClosure(node, map: map, &r), r.log.items.count == problems else { continue }
            if let first = lines[closure.target] {
                r.fail(node, "\(closure.target) is closed twice (first at line \(first))")
                continue
            }
            lines[closure.target] = YAMLReader.line(node)
            result.close(closure)
        }
        return (result, r.log.items)
    }

    public static func load(text: String, file: String, map: FloorMap) throws(ValidationError) -> HallClosures {
        let (closures, problems) = read(text: text, file: file, map: map)
        guard problems.isEmpty else { throw ValidationError(problems) }
        return closures
    }

    private static func readClosure(_ node: Yams.Node, map: FloorMap, _ r: inout YAMLReader) -> Closure? {
        let keys = Set(targetKeys + ["node", "reason", "reason_en", "until", "since"])
        guard let f = r.mapping(node, allowed: keys, what: "a closure") else { return nil }
        let given = targetKeys.filter { f[$0] != nil }
        guard given.count == 1, let key = given.first, let value = f[key] else {
            r.fail(node, "a closure names exactly one of \(targetKeys.joined(separator: ", ")); this one names \(given.isEmpty ? "none" : given.joined(separator: " and "))")
            return nil
        }
        if f["node"] != nil && key != "place" { r.fail(f["node"]!, "'node' belongs to a place closure (one instance of the place)") }
        var target: Result<Closure.Target, Closure.TargetProblem>
        switch key {
        case "window":
            guard let n = value.int else { r.fail(value, "'window' must be a window number"); return nil }
            target = Closure.Target.checkWindow(n, in: map).map { .window(n) }
        case "edge":
            let ends = r.sequence(value, what: "'edge'").compactMap(\.string)
            guard ends.count == 2 else { r.fail(value, "'edge' must be [node, node]"); return nil }
            target = Closure.Target.checkEdge(ends[0], ends[1], in: map).map { .edgeBetween(ends[0], ends[1]) }
        default:
            guard let id = r.string(f, key, in: node, what: "a closure") else { return nil }
            switch key {
            case "zone":
                target = map.place(id)?.kind == .zone ? .success(.zone(id)) : .failure(.init("'\(id)' is not a zone of the map"))
            case "area":
                target = Closure.Target.parse("area:" + id, in: map)
            default:
                let node = r.string(f, "node", in: node, what: "a closure", required: false)
                if let place = map.place(id), place.kind != .zone, place.kind != .window {
                    target = node.map { n in Closure.Target.checkInstance(id, node: n, in: map).map { .place(id, node: n) } }
                        ?? .success(.place(id, node: nil))
                } else {
                    target = .failure(.init("'\(id)' is not a place of the map (close a zone with 'zone', a window with 'window')"))
                }
            }
        }
        func time(_ key: String) -> Date? {
            guard let text = r.string(f, key, in: node, what: "a closure", required: false) else { return nil }
            guard let date = HallTimeZone.parseISO8601(text) else {
                r.fail(f[key]!, "bad time '\(text)' in '\(key)': expected ISO 8601 with an offset, e.g. 2026-12-07T13:30:00+08:00")
                return nil
            }
            return date
        }
        let until = time("until"), since = time("since")
        let reason = r.string(f, "reason", in: node, what: "a closure", required: false)
        let reasonEnglish = r.string(f, "reason_en", in: node, what: "a closure", required: false)
        switch target {
        case .failure(let problem):
            r.fail(value, problem.description)
            return nil
        case .success(let resolved):
            if let until, let since, until <= since { r.fail(f["until"]!, "the closure ends before it starts"); return nil }
            return Closure(target: resolved, reason: reason, reasonEnglish: reasonEnglish, until: until, since: since)
        }
    }

    /// The file halld persists: JSON, one closure a line, times in the hall's offset, so
    /// that `read` gives back exactly these closures.
    public static func encode(_ closures: HallClosures, timeZone: HallTimeZone) -> String {
        let lines = closures.closures.map { closure -> String in
            var fields: [String] = []
            switch closure.target {
            case .window(let n): fields.append("\"window\": \(n)")
            case .zone(let id): fields.append("\"zone\": \(json(id))")
            case let .place(id, node):
                fields.append("\"place\": \(json(id))")
                if let node { fields.append("\"node\": \(json(node))") }
            case let .edge(a, b): fields.append("\"edge\": [\(json(a)), \(json(b))]")
            case .area(let id): fields.append("\"area\": \(json(id))")
            }
            if let reason = closure.reason { fields.append("\"reason\": \(json(reason))") }
            if let reason = closure.reasonEnglish { fields.append("\"reason_en\": \(json(reason))") }
            if let until = closure.until { fields.append("\"until\": \(json(timeZone.iso8601(until)))") }
            if let since = closure.since { fields.append("\"since\": \(json(timeZone.iso8601(since)))") }
            return "  {" + fields.joined(separator: ", ") + "}"
        }
        return "{\"format\": 1, \"closures\": [" + (lines.isEmpty ? "" : "\n" + lines.joined(separator: ",\n") + "\n") + "]}\n"
    }

    static func json(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
