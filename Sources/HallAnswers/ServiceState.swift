import Foundation
import HallModel

/// Whether a destination serves at a moment; if not, why, and when it next does.
struct ServiceState: Sendable {
    enum Why: Sendable {
        /// Outside its hours; `building` when the hall itself is closed then too.
        case schedule(ScheduleClosure, building: Bool)
        /// Staff closed it (every window of the zone, every instance of the place).
        case closure(Closure)
    }

    var why: Why?
    /// When it next serves; nil when open, or when a closure has no end time.
    var opensAt: Date?

    var open: Bool { why == nil }
    static let serving = ServiceState(why: nil, opensAt: nil)
}

extension Hall {
    /// By the hours and the calendar alone.
    func scheduleState(of place: FloorMap.Place, at moment: LocalMoment) -> ServiceState {
        guard let schedule = timetable.hours.schedule(for: place),
              let why = timetable.closure(schedule, at: moment) else { return .serving }
        let building = timetable.closure(timetable.hours.hall, at: moment) != nil
        let next = timetable.nextOpening(schedule, atOrAfter: moment).map(timetable.timeZone.date)
        return ServiceState(why: .schedule(why, building: building), opensAt: next)
    }

    /// Shut by a closure that ends at `reopens` (nil: when staff reopen it): it serves
    /// again at the first moment from then that its hours allow.
    func closureState(of place: FloorMap.Place, closure: Closure, reopens: Date?) -> ServiceState {
        guard let reopens else { return ServiceState(why: .closure(closure), opensAt: nil) }
        let zone = timetable.timeZone
        let opens = timetable.hours.schedule(for: place)
            .flatMap { timetable.nextOpening($0, atOrAfter: zone.local(reopens)) }
            .map(zone.date) ?? reopens
        return ServiceState(why: .closure(closure), opensAt: max(opens, reopens))
    }

    /// Every instance of the place closed by a closure: the state by the one that ends
    /// first (it reopens when its first instance does; with no end given, when staff
    /// reopen it). nil while one instance is not closed.
    func closedByClosures(_ place: FloorMap.Place, _ plan: ClosurePlan) -> (ServiceState, Closure)? {
        let closures = place.spots.compactMap { plan.closure(of: $0, in: place) }
        guard !closures.isEmpty, closures.count == place.spots.count else { return nil }
        let reopens = closures.compactMap(\.until).min()
        let closure = closures.first { $0.until == reopens } ?? closures[0]
        return (closureState(of: place, closure: closure, reopens: reopens), closure)
    }

    /// The day's kind as a live rule worth reporting (a 调休 working day, a year the
    /// calendar does not cover), if any.
    func calendarRules(at moment: LocalMoment) -> [LiveRule] {
        var rules: [LiveRule] = []
        if case .adjustedWorkday(let note) = timetable.calendar.kind(of: moment.dayNumber) {
            rules.append(LiveRule("adjusted-workday", "\(moment.date) is a \(Weekday.name(moment.weekday, .en)) worked\(note.map { " for \($0)" } ?? "") (调休上班): working-day hours"))
        }
        if map.calendarFile != nil, !timetable.calendar.covers(year: moment.date.year) {
            rules.append(LiveRule("calendar-uncovered", "the calendar does not cover \(moment.date.year): no holidays known, Monday to Friday open"))
        }
        return rules
    }
}

extension Hall {
    /// "Monday 2026-12-07 09:30, a working day" in the hall's time: for `hallctl explain`.
    public func describeMoment(_ date: Date) -> String {
        let m = timetable.timeZone.local(date)
        let kind: String = switch timetable.calendar.kind(of: m.dayNumber) {
        case .workday: "a working day"
        case .adjustedWorkday(let note): "a 调休 working day\(note.map { " (for \($0))" } ?? "")"
        case .weekend: "a weekend day"
        case .holiday(let name): "a public holiday (\(name.zh), \(name.en))"
        }
        return "\(Weekday.name(m.weekday, .en)) \(m.date) \(m.clock) \(timetable.timeZone.identifier), \(kind)"
    }
}

/// Whether one place serves at a moment, for screens and status: the same rule the
/// answers use (hours, calendar, closures).
public struct ServiceStatus: Sendable, Hashable {
    public var open: Bool
    /// When not open: why, in the language asked for ("午休时间", "系统升级").
    public var closedReason: String?
    /// When not open: when it next serves, if known.
    public var opensAt: Date?
}

extension Hall {
    /// Is a place (a window, a zone, a restroom…) open at `now`, given the closures? A
    /// place with several instances is open while one of them is.
    public func status(of placeID: String, at now: Date, closures plan: ClosurePlan? = nil,
                       language: Language = .zh) -> ServiceStatus? {
        guard let place = map.place(placeID) else { return nil }
        let moment = timetable.timeZone.local(now)
        var state = scheduleState(of: place, at: moment)
        if let plan = plan?.applied(to: self, at: now), let (closed, _) = closedByClosures(place, plan) { state = closed }
        let words = LiveSentences(hall: self, language: language, now: moment)
        return ServiceStatus(open: state.open, closedReason: words.closedReason(state), opensAt: state.opensAt)
    }
}
