/// When one thing serves, week by week: the times of each kind of day, in seconds of the
/// hall's local day, as half-open ranges (09:00-12:00 serves at 11:59:59, not at 12:00).
public struct WeeklyHours: Sendable, Hashable {
    /// Monday to Friday that are not public holidays, and the calendar's 调休 working days.
    public var workdays: [Range<Int>]
    /// Weekday (1 = Monday … 7 = Sunday) → its own times on an ordinary week: `fri` for a
    /// short Friday, `sat` and `sun` for weekend service. A 调休 working day keeps `workdays`.
    public var weekdays: [Int: [Range<Int>]]
    /// Public holidays: closed unless given.
    public var holidays: [Range<Int>]

    public init(workdays: [Range<Int>], weekdays: [Int: [Range<Int>]] = [:], holidays: [Range<Int>] = []) {
        self.workdays = workdays
        self.weekdays = weekdays
        self.holidays = holidays
    }

    /// Every day, all day, holidays too: a hall whose map gives no hours.
    public static let always: WeeklyHours = {
        let day = [0..<86_400]
        return WeeklyHours(workdays: day, weekdays: Dictionary(uniqueKeysWithValues: (1...7).map { ($0, day) }), holidays: day)
    }()

    public func ranges(on kind: DayKind, weekday: Int) -> [Range<Int>] {
        switch kind {
        case .holiday: holidays
        case .adjustedWorkday: workdays
        case .workday: weekdays[weekday] ?? workdays
        case .weekend: weekdays[weekday] ?? []
        }
    }
}

/// What kind of day a date is in the hall's calendar.
public enum DayKind: Sendable, Hashable {
    /// Monday to Friday.
    case workday
    /// A Saturday or Sunday worked in exchange for a holiday (调休上班).
    case adjustedWorkday(note: String?)
    case weekend
    case holiday(LocalizedText)
}

/// The hall's opening hours: the building's, the windows', and zones with their own.
public struct HallHours: Sendable, Hashable {
    /// The building: doors, the atrium areas, facilities and the consultation desk.
    public var hall: WeeklyHours
    /// Every zone's windows, unless the zone has its own hours.
    public var windows: WeeklyHours
    public var zones: [String: WeeklyHours]

    public init(hall: WeeklyHours, windows: WeeklyHours, zones: [String: WeeklyHours] = [:]) {
        self.hall = hall
        self.windows = windows
        self.zones = zones
    }

    /// A map without `hours:` serves at all times, as before hours existed.
    public static let always = HallHours(hall: .always, windows: .always)

    /// The hours a place keeps; nil for doors, which are always a way out.
    public func schedule(for place: FloorMap.Place) -> WeeklyHours? {
        switch place.kind {
        case .door: nil
        case .zone: zones[place.id] ?? windows
        case .window: place.zone.flatMap { zones[$0] } ?? windows
        case .service, .facility: hall
        }
    }
}

/// Why a schedule is closed at a moment.
public enum ScheduleClosure: Sendable, Hashable {
    case holiday(LocalizedText)
    case weekend
    /// Not yet open today.
    case beforeOpening
    /// Between two of today's ranges: the lunch break.
    case breakTime(endsAt: Int)
    /// Today's last range is over.
    case afterClosing
    /// This kind of day has no hours at all for the schedule (a weekday it never serves).
    case notToday
}

/// Hours and calendar together in the hall's time zone: is a schedule open at a moment,
/// why not, and when it next opens. Pure: the moment always comes from the caller.
public struct HallTimetable: Sendable, Hashable {
    public var timeZone: HallTimeZone
    public var hours: HallHours
    public var calendar: HallCalendar

    public init(timeZone: HallTimeZone, hours: HallHours, calendar: HallCalendar) {
        self.timeZone = timeZone
        self.hours = hours
        self.calendar = calendar
    }

    public func ranges(_ schedule: WeeklyHours, on dayNumber: Int) -> [Range<Int>] {
        schedule.ranges(on: calendar.kind(of: dayNumber), weekday: Weekday.of(dayNumber: dayNumber))
    }

    /// nil when open; otherwise why it is closed.
    public func closure(_ schedule: WeeklyHours, at moment: LocalMoment) -> ScheduleClosure? {
        let kind = calendar.kind(of: moment.dayNumber)
        let today = schedule.ranges(on: kind, weekday: moment.weekday)
        if today.contains(where: { $0.contains(moment.second) }) { return nil }
        if today.isEmpty {
            switch kind {
            case .holiday(let name): return .holiday(name)
            case .weekend: return .weekend
            case .workday, .adjustedWorkday: return .notToday
            }
        }
        if moment.second < today[0].lowerBound { return .beforeOpening }
        if let next = today.first(where: { $0.lowerBound > moment.second }) { return .breakTime(endsAt: next.lowerBound) }
        return .afterClosing
    }

    /// The first moment at or after `moment` when the schedule serves; nil when it never
    /// does within a year (a schedule with no hours at all).
    public func nextOpening(_ schedule: WeeklyHours, atOrAfter moment: LocalMoment) -> LocalMoment? {
        for day in moment.dayNumber...(moment.dayNumber + 370) {
            for range in ranges(schedule, on: day) {
                if day == moment.dayNumber {
                    if range.contains(moment.second) { return moment }
                    if range.lowerBound < moment.second { continue }
                }
                return LocalMoment(dayNumber: day, second: range.lowerBound)
            }
        }
        return nil
    }

    /// When a schedule that serves at `moment` stops: the end of the current range, or a
    /// range that starts exactly then (24:00 into a next day's 00:00) continues it.
    public func closingTime(_ schedule: WeeklyHours, at moment: LocalMoment) -> LocalMoment? {
        guard let current = ranges(schedule, on: moment.dayNumber).first(where: { $0.contains(moment.second) }) else { return nil }
        return LocalMoment(dayNumber: moment.dayNumber, second: current.upperBound)
    }
}

/// Queue tickets: which zone issues each prefix (a zone with a prefix needs a ticket), and
/// the place visitors take one at.
public struct TicketTable: Sendable, Hashable {
    /// The ticket machine place (several instances: a route goes by the nearest).
    public var machine: String?
    /// "A" → "exit-entry"; prefixes are upper case.
    public let zoneByPrefix: [String: String]
    private let ticketedZones: Set<String>

    public init(machine: String? = nil, zoneByPrefix: [String: String] = [:]) {
        self.machine = machine
        self.zoneByPrefix = zoneByPrefix
        ticketedZones = Set(zoneByPrefix.values)
    }

    public static let none = TicketTable()

    public func zone(forPrefix prefix: String) -> String? { zoneByPrefix[prefix.uppercased()] }

    public func needsTicket(zone: String) -> Bool { ticketedZones.contains(zone) }

    public func prefixes(of zone: String) -> [String] { zoneByPrefix.filter { $0.value == zone }.keys.sorted() }
}
