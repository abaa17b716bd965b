import DeviceSessions
import Foundation
import HallModel
import StatusProtocol

/// Why halld refused a command (said in the reply, as it is).
public struct StatusRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What staff ask of the closures over the status socket (`close`, `open`), checked
/// against the map at a moment. Pure: the time comes in.
enum ClosureCommands {
    static let targetForms = "a window is window-N, a zone or place its id (social-insurance, restroom), one instance of a place PLACE@NODE, a walkway edge:NODE,NODE, an area area:ID"
    /// Reasons are said to visitors and shown on the screens: short.
    static let reasonLimit = 40
    static let englishReasonLimit = 80
    /// An end further ahead than this is a typo (2062 for 2026): close without one instead.
    static let longestClosure: TimeInterval = 366 * 86_400

    /// The closure a `close` request asks for, as at `now`.
    static func closure(target text: String?, until: String?, reason: String?, reasonEnglish: String?, map: FloorMap,
                        timeZone: HallTimeZone, now: Date) -> Result<Closure, StatusRefusal> {
        Result {
            let target = try target(text, command: "close", in: map).get()
            let end = try until.map { try self.until($0, now: now, timeZone: timeZone).get() }
            let zh = try self.reason(reason, key: "reason", limit: reasonLimit).get()
            let en = try self.reason(reasonEnglish, key: "reason_en", limit: englishReasonLimit).get()
            return Closure(target: target, reason: zh, reasonEnglish: en, until: end, since: now)
        }.mapError { $0 as? StatusRefusal ?? StatusRefusal("\($0)") }
    }

    /// A target id as staff type it, checked against the map.
    static func target(_ text: String?, command: String, in map: FloorMap) -> Result<Closure.Target, StatusRefusal> {
        let given = text?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !given.isEmpty else { return .failure(.init("\(command) needs \"target\": \(targetForms)")) }
        return Closure.Target.parse(given, in: map).mapError { problem in
            let shown = LogSafe.text(given)
            return problem.description.hasPrefix("unknown place")
                ? .init("unknown target '\(shown)': \(targetForms)") : .init("\(shown): \(problem.description)")
        }
    }

    /// `13:30` (today in the hall's time), `2026-12-08 09:30` (the hall's time), ISO 8601
    /// with an offset, or `+30m`, `+2h`, `+1h30m` from now (rounded up to the minute).
    /// Must be after now and within a year.
    static func until(_ raw: String, now: Date, timeZone: HallTimeZone) -> Result<Date, StatusRefusal> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let shown = LogSafe.text(text)
        let today = timeZone.local(now)
        var end: Date
        if text.hasPrefix("+") {
            guard let seconds = duration(text.dropFirst()) else {
                return .failure(.init("until '\(shown)': a time from now is +30m, +2h or +1h30m"))
            }
            // To the next whole minute: "+2h" at 08:49:47 ends at 10:50, as staff would say.
            end = Date(timeIntervalSince1970: (now.addingTimeInterval(seconds).timeIntervalSince1970 / 60).rounded(.up) * 60)
        } else if let second = HallTimeZone.parseClock(text) {
            end = timeZone.date(LocalMoment(dayNumber: today.dayNumber, second: second))
            guard end > now else {
                let tomorrow = CivilDate(dayNumber: today.dayNumber + 1)
                return .failure(.init("until \(text) today has passed (it is \(today.clock) now in \(timeZone.identifier)); for tomorrow give the date: '\(tomorrow) \(text)'"))
            }
        } else if let date = timeZone.parse(text) {
            end = date
        } else {
            return .failure(.init("until '\(shown)': expected HH:MM (today), 'YYYY-MM-DD HH:MM' (\(timeZone.identifier)), ISO 8601 with an offset, or +30m"))
        }
        // To the second, as the file keeps it.
        end = Date(timeIntervalSince1970: end.timeIntervalSince1970.rounded(.down))
        guard end > now else {
            return .failure(.init("until \(timeZone.iso8601(end)) is already past (it is \(timeZone.iso8601(now)) now)"))
        }
        guard end.timeIntervalSince(now) <= longestClosure else {
            return .failure(.init("until \(timeZone.iso8601(end)) is more than a year ahead: leave until out to close until reopened"))
        }
        return .success(end)
    }

    /// "30m", "2h", "1h30m", "90s" in seconds.
    static func duration(_ text: Substring) -> TimeInterval? {
        var total = 0.0, number = "", units = 0
        for c in text {
            if c.isASCII, c.isNumber { number.append(c); continue }
            guard let n = Double(number) else { return nil }
            switch c {
            case "h": total += n * 3600
            case "m": total += n * 60
            case "s": total += n
            default: return nil
            }
            number = ""
            units += 1
        }
        return number.isEmpty && units > 0 && total > 0 ? total : nil
    }

    /// A reason as staff typed it: trimmed, nil when empty; no control characters (it is
    /// said and shown), at most `limit` characters.
    static func reason(_ text: String?, key: String, limit: Int) -> Result<String?, StatusRefusal> {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return .success(nil) }
        if trimmed.unicodeScalars.contains(where: LogSafe.isUnsafe) {
            return .failure(.init("\(key) '\(LogSafe.text(trimmed))' has a control or formatting character"))
        }
        guard trimmed.count <= limit else {
            return .failure(.init("\(key) has \(trimmed.count) characters; at most \(limit) (it is said to visitors)"))
        }
        return .success(trimmed)
    }

    /// The closure an `open` request removes. A target that is not closed by a closure of
    /// its own is refused, saying what does close it or what is closed.
    static func reopen(_ text: String?, in closures: HallClosures, map: FloorMap) -> Result<Closure, StatusRefusal> {
        let target: Closure.Target
        switch self.target(text, command: "open", in: map) {
        case .success(let t): target = t
        case .failure(let refusal): return .failure(refusal)
        }
        if let closure = closures.closures.first(where: { $0.target == target }) { return .success(closure) }
        if case .window(let n) = target, let zone = map.place("window-\(n)")?.zone,
           closures.closures.contains(where: { $0.target == .zone(zone) }) {
            return .failure(.init("window-\(n) is closed with its zone \(zone): reopen the zone (hallctl open \(zone)), then close the windows that stay closed"))
        }
        let closed = closures.closures.map(\.target.description)
        return .failure(.init("\(target) is not closed; " + (closed.isEmpty ? "nothing is closed" : "closed now: \(closed.joined(separator: ", "))")))
    }

    /// A closure as the status socket shows it.
    static func entry(_ closure: Closure, timeZone: HallTimeZone) -> ClosureEntry {
        let kind: String = switch closure.target {
        case .window: "window"
        case .zone: "zone"
        case .place: "place"
        case .edge: "edge"
        case .area: "area"
        }
        return ClosureEntry(target: closure.target.description, kind: kind, reason: closure.reason, reasonEn: closure.reasonEnglish,
                            until: closure.until.map(timeZone.iso8601), since: closure.since.map(timeZone.iso8601))
    }
}

/// Text from a client (a target, a reason) as it may appear in a log line or a reply.
enum LogSafe {
    static func text(_ text: String) -> String { LogText.escaped(text) }

    /// C0 and C1 controls, DEL, and the bidirectional and zero-width format characters.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x200B...0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: true
        default: false
        }
    }
}
