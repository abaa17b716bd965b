import Foundation
import Yams

/// What the queue system last reported: people waiting per zone and the ticket each
/// window is calling, as of `time`. Answers mention the wait only while it is fresh.
public struct QueueSnapshot: Sendable, Hashable {
    /// When the queue system took it (the feed's own `time`, not when it arrived).
    public var time: Date
    /// Zone id → people waiting.
    public var waiting: [String: Int]
    /// Window number → the ticket it is calling now ("A029").
    public var calling: [Int: String]

    public init(time: Date, waiting: [String: Int] = [:], calling: [Int: String] = [:]) {
        self.time = time
        self.waiting = waiting
        self.calling = calling
    }

    /// Fresh when taken at most `maxAge` seconds before `now` (or as far after: a queue
    /// system whose clock runs ahead is believed that much, no more).
    public func isFresh(at now: Date, maxAge: Double) -> Bool {
        abs(now.timeIntervalSince(time)) <= maxAge
    }

    /// The window calling a ticket, if one is.
    public func window(calling ticket: String) -> Int? {
        calling.first { $0.value == ticket }?.key
    }
}

/// The queue feed: one JSON object, posted to halld or written to the file it watches
/// (README "The queue feed"). Read with `file:line` problems like the staff files.
///
///     {"format": 1, "time": "2026-12-07T10:02:00+08:00",
///      "zones": {"exit-entry": {"waiting": 12}, "social-insurance": {"waiting": 3}},
///      "calling": [{"window": 3, "ticket": "A029"}, {"window": 16, "ticket": "E101"}]}
public enum QueueFeed {
    public static func load(text: String, file: String, map: FloorMap) throws(ValidationError) -> QueueSnapshot {
        var r = YAMLReader(file: file)
        guard let root = r.document(text),
              let top = r.mapping(root, allowed: ["format", "time", "zones", "calling"], what: "the queue feed") else {
            throw ValidationError(r.log.items)
        }
        r.checkFormat(top)
        var time: Date?
        if let text = r.string(top, "time", in: root, what: "the queue feed") {
            time = HallTimeZone.parseISO8601(text)
            if time == nil { r.fail(top["time"]!, "bad time '\(text)': expected ISO 8601 with an offset, e.g. 2026-12-07T10:02:00+08:00") }
        }
        var waiting: [String: Int] = [:]
        if let zones = top["zones"] {
            if case let .mapping(mapping) = zones {
                for (keyNode, value) in mapping {
                    let id = keyNode.string ?? ""
                    guard map.place(id)?.kind == .zone else {
                        r.fail(keyNode, "unknown zone '\(id)' (not a place of kind zone)")
                        continue
                    }
                    guard waiting[id] == nil else { r.fail(keyNode, "zone '\(id)' appears twice"); continue }
                    guard let f = r.mapping(value, allowed: ["waiting"], what: "zone '\(id)'") else { continue }
                    guard let count = f["waiting"]?.int, count >= 0 else {
                        r.fail(f["waiting"] ?? value, "zone '\(id)' needs 'waiting', a whole number of people (0 or more)")
                        continue
                    }
                    waiting[id] = count
                }
            } else {
                r.fail(zones, "'zones' must be an object of zone id → {\"waiting\": N}")
            }
        }
        var calling: [Int: String] = [:]
        for item in r.sequence(top["calling"], what: "calling") {
            guard let f = r.mapping(item, allowed: ["window", "ticket"], what: "a calling entry") else { continue }
            guard let n = f["window"]?.int, map.place("window-\(n)") != nil else {
                r.fail(f["window"] ?? item, "a calling entry needs 'window', a window number of the hall")
                continue
            }
            guard let ticket = r.string(f, "ticket", in: item, what: "window \(n)'s calling entry") else { continue }
            guard let parsed = TicketNumber(ticket) else {
                r.fail(f["ticket"]!, "bad ticket '\(ticket)': expected letters and digits such as A029")
                continue
            }
            guard calling[n] == nil else { r.fail(item, "window \(n) is calling twice"); continue }
            calling[n] = parsed.text
        }
        guard r.log.items.isEmpty, let time else { throw ValidationError(r.log.items) }
        return QueueSnapshot(time: time, waiting: waiting, calling: calling)
    }
}

/// A queue ticket's number as printed: one or two letters (the zone's prefix) and digits.
public struct TicketNumber: Sendable, Hashable, CustomStringConvertible {
    public var prefix: String
    public var digits: String

    /// "A032", "a032", "A-032", "Ａ０３２"; nil for anything else.
    public init?(_ text: String) {
        var letters = "", digits = ""
        for scalar in text.unicodeScalars {
            let value = scalar.value >= 0xFF01 && scalar.value <= 0xFF5E ? scalar.value - 0xFEE0 : scalar.value
            switch value {
            case 0x41...0x5A where digits.isEmpty: letters.unicodeScalars.append(Unicode.Scalar(value)!)
            case 0x61...0x7A where digits.isEmpty: letters.unicodeScalars.append(Unicode.Scalar(value - 0x20)!)
            case 0x30...0x39 where !letters.isEmpty: digits.unicodeScalars.append(Unicode.Scalar(value)!)
            case 0x2D where digits.isEmpty && !letters.isEmpty: continue
            default: return nil
            }
        }
        guard (1...2).contains(letters.count), (2...4).contains(digits.count) else { return nil }
        self.init(prefix: letters, digits: digits)
    }

    public init(prefix: String, digits: String) {
        self.prefix = prefix
        self.digits = digits
    }

    public var text: String { prefix + digits }
    public var description: String { text }
}
