import Foundation
import HallModel

/// The words of live answers in each language: closed windows and places, hours, the
/// ticket machine, tickets and the wait. Times are said in the hall's clock, relative to
/// the moment asked ("今天14:00", "明天（12月8日）9:00", "on Monday 7 December at 9:00").
struct LiveSentences {
    let hall: Hall
    let language: Language
    let now: LocalMoment

    var zh: Bool { language == .zh }

    func clock(_ second: Int) -> String {
        "\(second / 3600):" + (second % 3600 / 60 < 10 ? "0" : "") + "\(second % 3600 / 60)"
    }

    func when(_ date: Date) -> String {
        let m = hall.timetable.timeZone.local(date)
        let day = m.date
        switch (m.dayNumber - now.dayNumber, zh) {
        case (0, true): return "今天\(clock(m.second))"
        case (0, false): return "today at \(clock(m.second))"
        case (1, true): return "明天（\(day.month)月\(day.day)日）\(clock(m.second))"
        case (1, false): return "tomorrow at \(clock(m.second))"
        case (_, true): return "\(day.month)月\(day.day)日（\(Weekday.name(m.weekday, .zh))）\(clock(m.second))"
        case (_, false):
            let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
            return "on \(Weekday.name(m.weekday, .en)) \(day.day) \(months[day.month - 1]) at \(clock(m.second))"
        }
    }

    /// "is" or "are" for an English place name ("the restrooms", "the … windows").
    func be(_ name: String) -> String { name.hasSuffix("s") ? "are" : "is" }

    /// The reason staff gave, in the visitor's language; nil for the plain "closed".
    func givenReason(_ closure: Closure) -> String? {
        if zh { return closure.reason.flatMap { $0 == "暂停服务" ? nil : $0 } }
        // Staff may type the reason in English already; Chinese text is not read to English visitors.
        return closure.reasonEnglish ?? closure.reason.flatMap { $0.allSatisfy(\.isASCII) ? $0 : nil }
    }

    /// A closure's `closed_reason`.
    func reason(_ closure: Closure) -> String { givenReason(closure) ?? (zh ? "暂停服务" : "temporarily closed") }

    /// "（系统升级）", " (system upgrade)" or nothing.
    func bracketed(_ closure: Closure) -> String {
        givenReason(closure).map { zh ? "（\($0)）" : " (\($0))" } ?? ""
    }

    /// The short `closed_reason` of the answer contract.
    func closedReason(_ state: ServiceState) -> String? {
        switch state.why {
        case nil: return nil
        case .closure(let closure): return reason(closure)
        case .schedule(let why, _): return scheduleReason(why)
        }
    }

    func scheduleReason(_ why: ScheduleClosure) -> String {
        switch why {
        case .holiday(let name): zh ? "\(name.zh)放假" : "\(name.en) holiday"
        case .weekend: zh ? "周末休息" : "weekend"
        case .beforeOpening: zh ? "未到办公时间" : "not open yet"
        case .breakTime(let end): isLunch(end) ? (zh ? "午休时间" : "lunch break") : (zh ? "休息时间" : "break")
        case .afterClosing: zh ? "今天已下班" : "closed for the day"
        case .notToday: zh ? "今天不办理" : "not open today"
        }
    }

    func isLunch(_ endsAt: Int) -> Bool { (11 * 3600...15 * 3600).contains(endsAt) }

    /// The notice for a destination that does not serve now.
    func closedNotice(_ place: FloorMap.Place, _ state: ServiceState) -> String {
        let name = place.name[language]
        let opens = state.opensAt.map(when)
        switch state.why {
        case nil:
            return ""
        case .closure(let closure):
            let subject = zh ? (place.kind == .zone ? "\(name)窗口" : name) : name.capitalizedFirst
            if zh {
                return "\(subject)暂停服务\(bracketed(closure))" + (opens.map { "，预计\($0)恢复。" } ?? "，恢复时间请咨询\(deskName)。")
            }
            return "\(subject) \(be(name)) closed\(bracketed(closure))" + (opens.map { " until \($0)." } ?? "; please ask at \(deskName) when \(be(name) == "are" ? "they" : "it") will reopen.")
        case let .schedule(why, building):
            let at = opens ?? (zh ? "另行通知" : "later")
            if building {
                switch (why, zh) {
                case (.holiday(let h), true): return "今天是\(h.zh)假期，大厅休息，\(at)开放。"
                case (.holiday(let h), false): return "The hall is closed today for \(h.en); it opens \(at)."
                case (.weekend, true): return "今天是\(Weekday.name(now.weekday, .zh))，大厅休息，\(at)开放。"
                case (.weekend, false): return "The hall is closed at weekends; it opens \(at)."
                case (.beforeOpening, true): return "大厅还没有开门，\(at)开放。"
                case (.beforeOpening, false): return "The hall is not open yet; it opens \(at)."
                case (_, true): return "今天的办公时间已结束，大厅\(at)开放。"
                case (_, false): return "The hall has closed for the day; it opens \(at)."
                }
            }
            let subject = zh ? (place.kind == .zone || place.kind == .window ? "窗口" : name) : name.capitalizedFirst
            if case .breakTime(let end) = why, isLunch(end) {
                return zh ? "现在是午休时间，\(subject)\(at)恢复办理。" : "\(subject) \(be(name)) closed for lunch; open again \(at)."
            }
            return zh ? "\(subject)现在不办理业务（\(scheduleReason(why))），\(at)开始办理。"
                : "\(subject) \(be(name)) not open now (\(scheduleReason(why))); open again \(at)."
        }
    }

    var deskName: String { hall.map.place(Hall.fallbackDestination)?.name[language] ?? (zh ? "咨询导服台" : "the consultation desk") }

    func windowRedirect(closed: Int, closure: Closure, to open: Int) -> String {
        zh ? "\(closed)号窗口暂停服务\(bracketed(closure))，请到\(open)号窗口。"
            : "Window \(closed) is closed\(bracketed(closure)); please go to window \(open)."
    }

    func instanceClosed(_ place: FloorMap.Place, _ closure: Closure) -> String {
        zh ? "最近的\(place.name.zh)暂停使用\(bracketed(closure))，请到另一处。"
            : "The nearest of \(place.name.en) is closed\(bracketed(closure)); this is the way to the next one."
    }

    func takeTicketFirst(_ machine: FloorMap.Place) -> String {
        zh ? "请先在\(machine.name.zh)取号。" : "Please take a ticket at \(machine.name.en) first."
    }

    var resumeAfterTicket: String { zh ? "取号后，" : "With your ticket, " }

    func waiting(_ count: Int) -> String {
        switch (count, zh) {
        case (0, true): return "现在无需排队等候。"
        case (_, true): return "现在约\(count)人等候。"
        case (0, false): return "No one is waiting now."
        case (1, false): return "About 1 person is waiting."
        case (_, false): return "About \(count) people are waiting."
        }
    }

    func ticketZone(_ ticket: TicketNumber, _ zone: FloorMap.Place) -> String {
        zh ? "您的号\(ticket)属于\(zone.name.zh)。" : "Ticket \(ticket) is for \(zone.name.en)."
    }

    func ticketCalled(_ ticket: TicketNumber, window: Int) -> String {
        zh ? "您的号\(ticket)正在\(window)号窗口叫号，请到\(window)号窗口。" : "Ticket \(ticket) is being called at window \(window); please go there now."
    }
}
