import Yams

/// What the map says about time and queues: the hall's time zone and calendar file, the
/// opening hours, and the ticket table. Kept beside the floor plan's own loading.
struct MapSchedule {
    var timeZone = HallTimeZone.shanghai
    var calendarFile: String?
    var hours = HallHours.always
    var tickets = TicketTable.none
}

extension FloorMapLoader.Builder {
    static let hallTimeKeys: Set = ["time_zone", "calendar"]

    mutating func readHallTime(_ f: [String: Yams.Node], in node: Yams.Node, _ r: inout YAMLReader) {
        if let name = r.string(f, "time_zone", in: node, what: "hall", required: false) {
            if let zone = HallTimeZone(identifier: name) {
                schedule.timeZone = zone
            } else {
                r.fail(f["time_zone"]!, "unknown time zone '\(name)' (an IANA name such as Asia/Shanghai)")
            }
        }
        schedule.calendarFile = r.string(f, "calendar", in: node, what: "hall", required: false)
    }

    /// A mapping's entries with their key nodes (for the key's line), duplicates reported.
    func entries(_ node: Yams.Node, what: String, _ r: inout YAMLReader) -> [(key: String, keyNode: Yams.Node, value: Yams.Node)] {
        guard case let .mapping(mapping) = node else {
            r.fail(node, "\(what) must be a mapping")
            return []
        }
        return mapping.compactMap { keyNode, value in
            guard let key = keyNode.string, !key.isEmpty else {
                r.fail(keyNode, "\(what) has a key that is not text")
                return nil
            }
            return (key, keyNode, value)
        }
    }

    func zoneExists(_ id: String) -> Bool { placeIndex[id].map { places[$0].kind == .zone } ?? false }

    mutating func readHours(_ node: Yams.Node?, _ r: inout YAMLReader) {
        guard let node else { return }
        guard let f = r.mapping(node, allowed: ["hall", "windows", "zones"], what: "hours") else { return }
        let hall = f["hall"].flatMap { readWeekly($0, what: "hours.hall", &r) } ?? .always
        // Windows keep the building's hours unless they have their own.
        let windows = f["windows"].flatMap { readWeekly($0, what: "hours.windows", &r) } ?? hall
        var zones: [String: WeeklyHours] = [:]
        if let zonesNode = f["zones"] {
            var seen: [String: Int] = [:]
            for (id, keyNode, value) in entries(zonesNode, what: "hours.zones", &r) {
                if let first = seen[id] {
                    r.fail(keyNode, "zone '\(id)' has hours twice (first at line \(first))")
                    continue
                }
                seen[id] = YAMLReader.line(keyNode)
                guard zoneExists(id) else {
                    r.fail(keyNode, "hours.zones names unknown zone '\(id)' (not a place of kind zone)")
                    continue
                }
                if let weekly = readWeekly(value, what: "hours.zones.\(id)", &r) { zones[id] = weekly }
            }
        }
        if let node = f["windows"] { checkWithinBuilding(windows, what: "hours.windows", at: node, hall: hall, &r) }
        if let zonesNode = f["zones"], case let .mapping(mapping) = zonesNode {
            for (key, value) in mapping {
                if let id = key.string, let weekly = zones[id] { checkWithinBuilding(weekly, what: "hours.zones.\(id)", at: value, hall: hall, &r) }
            }
        }
        schedule.hours = HallHours(hall: hall, windows: windows, zones: zones)
    }

    /// Windows serve only while the building is open: a range outside the hall's hours
    /// on some kind of day is a mistake (a Saturday opening with the doors shut).
    func checkWithinBuilding(_ weekly: WeeklyHours, what: String, at node: Yams.Node, hall: WeeklyHours, _ r: inout YAMLReader) {
        let days: [(DayKind, Int, String)] = (1...7).map { ($0 <= 5 ? .workday : .weekend, $0, Weekday.keys[$0 - 1]) }
            + [(.adjustedWorkday(note: nil), 6, "调休 working days"), (.holiday(LocalizedText(zh: "", en: "")), 1, "holidays")]
        for (kind, weekday, label) in days {
            let outer = hall.ranges(on: kind, weekday: weekday)
            for range in weekly.ranges(on: kind, weekday: weekday)
            where !outer.contains(where: { $0.lowerBound <= range.lowerBound && range.upperBound <= $0.upperBound }) {
                let text = "\(LocalMoment.clock(range.lowerBound))-\(LocalMoment.clock(range.upperBound))"
                r.fail(node, "\(what) serves \(text) on \(label), outside the building's hours (hours.hall): windows serve only while the hall is open")
                return
            }
        }
    }

    /// `{workdays: ["09:00-12:00", "13:00-17:00"], sat: [...], holidays: [...]}`.
    func readWeekly(_ node: Yams.Node, what: String, _ r: inout YAMLReader) -> WeeklyHours? {
        let keys = Set(["workdays", "holidays"] + Weekday.keys)
        guard let f = r.mapping(node, allowed: keys, what: what) else { return nil }
        guard f["workdays"] != nil else {
            r.fail(node, "\(what) needs 'workdays: [\"09:00-17:00\", ...]' (an empty list if it never serves on working days)")
            return nil
        }
        var ok = true
        func ranges(_ key: String) -> [Range<Int>] {
            guard let list = f[key] else { return [] }
            guard let parsed = readRanges(list, what: "\(what).\(key)", &r) else { ok = false; return [] }
            return parsed
        }
        let workdays = ranges("workdays")
        var weekdays: [Int: [Range<Int>]] = [:]
        for (i, key) in Weekday.keys.enumerated() where f[key] != nil { weekdays[i + 1] = ranges(key) }
        let holidays = ranges("holidays")
        return ok ? WeeklyHours(workdays: workdays, weekdays: weekdays, holidays: holidays) : nil
    }

    /// A list of "HH:MM-HH:MM", sorted, none overlapping another.
    func readRanges(_ node: Yams.Node, what: String, _ r: inout YAMLReader) -> [Range<Int>]? {
        var result: [(range: Range<Int>, text: String, node: Yams.Node)] = []
        var ok = true
        for item in r.sequence(node, what: what) {
            guard case .scalar = item, let text = item.string else {
                r.fail(item, "\(what) must list times as \"HH:MM-HH:MM\"")
                ok = false
                continue
            }
            let ends = text.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2, let start = HallTimeZone.parseClock(ends[0].trimmingWhitespaceSub()),
                  let end = HallTimeZone.parseClock(ends[1].trimmingWhitespaceSub()), start < 86_400 else {
                r.fail(item, "bad time range '\(text)' in \(what): expected HH:MM-HH:MM between 00:00 and 24:00")
                ok = false
                continue
            }
            guard start < end else {
                r.fail(item, "time range '\(text)' in \(what) ends before it starts")
                ok = false
                continue
            }
            result.append((start..<end, text, item))
        }
        result.sort { $0.range.lowerBound < $1.range.lowerBound }
        for (a, b) in zip(result, result.dropFirst()) where b.range.lowerBound < a.range.upperBound {
            r.fail(b.node, "time range '\(b.text)' in \(what) overlaps '\(a.text)' (line \(YAMLReader.line(a.node)))")
            ok = false
        }
        return ok ? result.map(\.range) : nil
    }

    mutating func readTickets(_ node: Yams.Node?, _ r: inout YAMLReader) {
        guard let node else { return }
        guard let f = r.mapping(node, allowed: ["machine", "prefixes"], what: "tickets") else { return }
        var machine: String?
        if let id = r.string(f, "machine", in: node, what: "tickets", required: false) {
            if let i = placeIndex[id], places[i].kind != .zone, places[i].kind != .window {
                machine = id
            } else {
                r.fail(f["machine"]!, "tickets.machine names '\(id)', which is not a place of the map (a zone or window cannot be one)")
            }
        }
        var zoneByPrefix: [String: String] = [:]
        var prefixLines: [String: Int] = [:]
        if let prefixes = f["prefixes"] {
            for (key, keyNode, value) in entries(prefixes, what: "tickets.prefixes", &r) {
                let prefix = key.uppercased()
                guard (1...2).contains(prefix.count), prefix.unicodeScalars.allSatisfy({ $0.value >= 0x41 && $0.value <= 0x5A }) else {
                    r.fail(keyNode, "ticket prefix '\(key)' must be one or two letters A-Z")
                    continue
                }
                if let first = prefixLines[prefix] {
                    r.fail(keyNode, "ticket prefix '\(prefix)' is used twice (first at line \(first))")
                    continue
                }
                prefixLines[prefix] = YAMLReader.line(keyNode)
                guard case .scalar = value, let zone = value.string, zoneExists(zone) else {
                    r.fail(value, "ticket prefix '\(prefix)' names unknown zone '\(value.string ?? "")' (not a place of kind zone)")
                    continue
                }
                zoneByPrefix[prefix] = zone
            }
        }
        if machine == nil, f["machine"] == nil, !zoneByPrefix.isEmpty {
            r.fail(node, "tickets lists prefixes but no 'machine': the place where visitors take a ticket")
        }
        schedule.tickets = TicketTable(machine: machine, zoneByPrefix: zoneByPrefix)
    }
}

extension Substring {
    func trimmingWhitespaceSub() -> String { String(self).trimmingWhitespace() }
}
