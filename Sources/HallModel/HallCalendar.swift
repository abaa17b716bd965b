import Yams

/// Public holidays and 调休 working days (weekend days worked in exchange for a longer
/// holiday), from the State Council's yearly notice. One file a year for staff; see
/// maps/README.md, "The calendar".
public struct HallCalendar: Sendable, Hashable {
    public struct Holiday: Sendable, Hashable {
        public var name: LocalizedText
        public var first: CivilDate
        public var last: CivilDate
    }

    public struct WorkingDay: Sendable, Hashable {
        public var date: CivilDate
        /// Which holiday it makes up for ("春节").
        public var note: String?
    }

    /// The years the file covers completely; a date outside them is taken as an ordinary
    /// week (Monday to Friday worked), and `hallctl validate` warns before a year starts
    /// uncovered.
    public let years: [Int]
    public let holidays: [Holiday]
    public let workingDays: [WorkingDay]
    private let holidayOfDay: [Int: Int]
    private let workingDayOfDay: [Int: Int]

    public init(years: [Int], holidays: [Holiday], workingDays: [WorkingDay]) {
        self.years = years.sorted()
        self.holidays = holidays
        self.workingDays = workingDays
        var byDay: [Int: Int] = [:]
        for (i, holiday) in holidays.enumerated() {
            for day in holiday.first.dayNumber...holiday.last.dayNumber { byDay[day] = i }
        }
        holidayOfDay = byDay
        workingDayOfDay = Dictionary(workingDays.enumerated().map { ($1.date.dayNumber, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// No holidays known: every Monday to Friday is a working day.
    public static let none = HallCalendar(years: [], holidays: [], workingDays: [])

    public func kind(of dayNumber: Int) -> DayKind {
        if let i = holidayOfDay[dayNumber] { return .holiday(holidays[i].name) }
        if let i = workingDayOfDay[dayNumber] { return .adjustedWorkday(note: workingDays[i].note) }
        return Weekday.of(dayNumber: dayNumber) >= 6 ? .weekend : .workday
    }

    public func covers(year: Int) -> Bool { years.contains(year) }
}

/// Reads a calendar file (format in maps/README.md) and refuses it with one
/// `file:line: problem` per problem.
public enum CalendarLoader {
    /// Holidays longer than this are a typo (the longest, the Spring Festival, is 9 days).
    static let longestHoliday = 31

    public static func load(text: String, file: String) throws(ValidationError) -> HallCalendar {
        var r = YAMLReader(file: file)
        guard let root = r.document(text),
              let top = r.mapping(root, allowed: ["format", "years", "holidays", "working_days"], what: "the calendar") else {
            throw ValidationError(r.log.items)
        }
        r.checkFormat(top)
        var years: [Int] = []
        var yearSet: Set<Int> = []
        for node in r.sequence(top["years"], what: "years", limit: HallFileLimits.years) {
            guard let year = node.int, (1970...9999).contains(year) else {
                r.fail(node, "years must list four-digit years, got '\(node.string ?? "")'")
                continue
            }
            if yearSet.insert(year).inserted { years.append(year) } else { r.fail(node, "year \(year) is listed twice") }
        }
        if years.isEmpty { r.fail(top["years"] ?? root, "the calendar needs 'years: [...]', the years it covers completely") }

        func date(_ f: [String: Yams.Node], _ key: String, in node: Yams.Node, what: String) -> CivilDate? {
            guard let text = r.string(f, key, in: node, what: what) else { return nil }
            guard let date = CivilDate.parse(text) else {
                r.fail(f[key]!, "bad date '\(text)' in \(what): expected YYYY-MM-DD")
                return nil
            }
            if !yearSet.isEmpty && !yearSet.contains(date.year) {
                r.fail(f[key]!, "\(date) is outside the years this file covers (\(years.map(String.init).joined(separator: ", ")))")
            }
            return date
        }

        var holidays: [HallCalendar.Holiday] = []
        var holidayLines: [Int] = []
        // Each day of a holiday (at most longestHoliday) to the holiday's index: overlaps
        // and working days are looked up, not searched for.
        var holidayOfDay: [Int: Int] = [:]
        for node in r.sequence(top["holidays"], what: "holidays", limit: HallFileLimits.holidays) {
            guard let f = r.mapping(node, allowed: ["name", "from", "to", "date"], what: "a holiday") else { continue }
            let name = r.localized(f["name"], in: node, key: "name", what: "a holiday")
            let what = "holiday '\(name?.zh ?? "?")'"
            let first: CivilDate?, last: CivilDate?
            if f["date"] != nil {
                if f["from"] != nil || f["to"] != nil { r.fail(node, "\(what) has both 'date' and 'from'/'to'") }
                first = date(f, "date", in: node, what: what)
                last = first
            } else {
                first = date(f, "from", in: node, what: what)
                last = date(f, "to", in: node, what: what)
            }
            guard let name, let first, let last else { continue }
            guard first <= last else {
                r.fail(f["to"]!, "\(what) ends (\(last)) before it starts (\(first))")
                continue
            }
            guard last.dayNumber - first.dayNumber < longestHoliday else {
                r.fail(node, "\(what) is \(last.dayNumber - first.dayNumber + 1) days long: a typo in a date?")
                continue
            }
            if let other = (first.dayNumber...last.dayNumber).lazy.compactMap({ holidayOfDay[$0] }).first {
                r.fail(node, "\(what) (\(first) to \(last)) overlaps holiday '\(holidays[other].name.zh)' (line \(holidayLines[other]))")
                continue
            }
            for day in first.dayNumber...last.dayNumber { holidayOfDay[day] = holidays.count }
            holidays.append(.init(name: name, first: first, last: last))
            holidayLines.append(YAMLReader.line(node))
        }

        var workingDays: [HallCalendar.WorkingDay] = []
        var workingLines: [Int: Int] = [:]
        for node in r.sequence(top["working_days"], what: "working_days", limit: HallFileLimits.workingDays) {
            guard let f = r.mapping(node, allowed: ["date", "for"], what: "a working day"),
                  let day = date(f, "date", in: node, what: "a working day") else { continue }
            let note = r.string(f, "for", in: node, what: "working day \(day)", required: false)
            if day.weekday <= 5 {
                r.fail(node, "\(day) is a \(Weekday.name(day.weekday, .en)), a working day already: working_days lists the Saturdays and Sundays worked (调休上班)")
                continue
            }
            if let first = workingLines[day.dayNumber] {
                r.fail(node, "working day \(day) is listed twice (first at line \(first))")
                continue
            }
            if let h = holidayOfDay[day.dayNumber] {
                r.fail(node, "\(day) is both a working day and in holiday '\(holidays[h].name.zh)' (line \(holidayLines[h]))")
                continue
            }
            workingLines[day.dayNumber] = YAMLReader.line(node)
            workingDays.append(.init(date: day, note: note))
        }
        guard r.log.items.isEmpty else { throw ValidationError(r.log.items) }
        return HallCalendar(years: years, holidays: holidays, workingDays: workingDays)
    }
}
