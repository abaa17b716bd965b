import Foundation

/// A day of the civil (Gregorian) calendar. Pure integer arithmetic (Howard Hinnant's
/// days-from-civil), so the rules never need Foundation's Calendar on the answer path.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `dayNumber` days after 1970-01-01.
    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// 1 = Monday … 7 = Sunday (ISO 8601).
    public var weekday: Int { Weekday.of(dayNumber: dayNumber) }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// "2026-10-01"; nil for anything else, including 2026-02-30.
    public static func parse(_ text: String) -> CivilDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= daysIn(month: m, year: y) else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    public var description: String { "\(year)-\(Self.two(month))-\(Self.two(day))" }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

public enum Weekday {
    /// 1970-01-01 was a Thursday (4).
    public static func of(dayNumber: Int) -> Int {
        let r = (dayNumber + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    public static let keys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let zh = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    static let en = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    public static func name(_ weekday: Int, _ language: Language) -> String {
        language == .zh ? zh[weekday - 1] : en[weekday - 1]
    }
}

/// A moment as the hall's clocks show it: the civil day and the second of that day.
public struct LocalMoment: Sendable, Hashable, Comparable {
    public var dayNumber: Int
    /// 0 ..< 86,400.
    public var second: Int

    public init(dayNumber: Int, second: Int) {
        self.dayNumber = dayNumber
        self.second = second
    }

    public var date: CivilDate { CivilDate(dayNumber: dayNumber) }
    public var weekday: Int { Weekday.of(dayNumber: dayNumber) }

    public static func < (a: LocalMoment, b: LocalMoment) -> Bool { (a.dayNumber, a.second) < (b.dayNumber, b.second) }

    /// "09:00", or "13:30:15" when the seconds matter.
    public var clock: String { Self.clock(second) }

    static func clock(_ second: Int) -> String {
        let h = second / 3600, m = second % 3600 / 60, s = second % 60
        return "\(CivilDate.two(h)):\(CivilDate.two(m))" + (s == 0 ? "" : ":\(CivilDate.two(s))")
    }
}

/// The hall's time zone: instants to the hall's local time and back, and ISO 8601 text.
/// Asia/Shanghai has one offset all year; the conversion still asks the zone, so a hall
/// elsewhere gets its summer time right.
public struct HallTimeZone: Sendable, Hashable {
    public let identifier: String
    let zone: TimeZone

    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
    }

    public static let shanghai = HallTimeZone(identifier: "Asia/Shanghai")!

    public func offsetSeconds(at date: Date) -> Int { zone.secondsFromGMT(for: date) }

    public func local(_ date: Date) -> LocalMoment { local(date, offset: offsetSeconds(at: date)) }

    private func local(_ date: Date, offset: Int) -> LocalMoment {
        let t = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let day = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        return LocalMoment(dayNumber: day, second: t - day * 86_400)
    }

    /// The instant the hall's clocks show `moment` (the later reading in a summer-time overlap).
    public func date(_ moment: LocalMoment) -> Date {
        let wall = Double(moment.dayNumber * 86_400 + moment.second)
        var guess = Date(timeIntervalSince1970: wall - Double(offsetSeconds(at: Date(timeIntervalSince1970: wall))))
        guess = Date(timeIntervalSince1970: wall - Double(offsetSeconds(at: guess)))
        return guess
    }

    /// "2026-12-07T09:00:00+08:00": ISO 8601 with the hall's offset at that instant.
    /// Written digit by digit into one buffer: every live answer carries one.
    public func iso8601(_ date: Date) -> String {
        // One look-up of the offset (the time-zone database's, not cheap) for both uses.
        let offset = offsetSeconds(at: date)
        let m = local(date, offset: offset)
        let day = m.date
        guard (0...9999).contains(day.year) else { return "\(day)T\(m.clock)" }
        let o = abs(offset)
        return String(unsafeUninitializedCapacity: 25) { buffer in
            var i = 0
            func put(_ value: Int, digits: Int, then separator: UInt8?) {
                var divisor = digits == 4 ? 1000 : 10
                while divisor > 0 {
                    buffer[i] = UInt8(0x30 + value / divisor % 10)
                    i += 1
                    divisor /= 10
                }
                if let separator {
                    buffer[i] = separator
                    i += 1
                }
            }
            put(day.year, digits: 4, then: 0x2D)              // -
            put(day.month, digits: 2, then: 0x2D)
            put(day.day, digits: 2, then: 0x54)               // T
            put(m.second / 3600, digits: 2, then: 0x3A)       // :
            put(m.second % 3600 / 60, digits: 2, then: 0x3A)
            put(m.second % 60, digits: 2, then: offset < 0 ? 0x2D : 0x2B)
            put(o / 3600, digits: 2, then: 0x3A)
            put(o % 3600 / 60, digits: 2, then: nil)
            return i
        }
    }

    /// "2026-12-05 10:00" (or with seconds, or a 'T') in the hall's time; a text with its
    /// own offset ("…+08:00", "…Z") is taken as that instant.
    public func parse(_ text: String) -> Date? {
        if let instant = Self.parseISO8601(text) { return instant }
        guard let (date, second, offset) = Self.parseParts(text), offset == nil else { return nil }
        return self.date(LocalMoment(dayNumber: date.dayNumber, second: second))
    }

    /// Only text with an explicit offset or Z: "2026-12-07T13:30:00+08:00".
    public static func parseISO8601(_ text: String) -> Date? {
        guard let (date, second, offset) = parseParts(text), let offset else { return nil }
        return Date(timeIntervalSince1970: Double(date.dayNumber * 86_400 + second - offset))
    }

    /// "HH:MM" or "HH:MM:SS" as seconds of the day; "24:00" is the end of the day.
    public static func parseClock(_ text: some StringProtocol) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
              let h = Int(parts[0]), let m = Int(parts[1]), (0...59).contains(m) else { return nil }
        let s = parts.count == 3 ? Int(parts[2]) : 0
        guard let s, (0...59).contains(s) else { return nil }
        if h == 24 && m == 0 && s == 0 { return 86_400 }
        guard (0...23).contains(h) else { return nil }
        return h * 3600 + m * 60 + s
    }

    private static func parseParts(_ raw: String) -> (CivilDate, Int, Int?)? {
        let text = raw.trimmingWhitespace()
        guard text.count >= 16 else { return nil }
        let dateText = String(text.prefix(10))
        let separator = text[text.index(text.startIndex, offsetBy: 10)]
        guard separator == "T" || separator == " ", let date = CivilDate.parse(dateText) else { return nil }
        var rest = Substring(text.dropFirst(11))
        var offset: Int?
        if rest.hasSuffix("Z") {
            offset = 0
            rest = rest.dropLast()
        } else if let sign = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = rest[rest.index(after: sign)...].replacingOccurrences(of: ":", with: "")
            guard zone.count == 4, let hh = Int(zone.prefix(2)), let mm = Int(zone.suffix(2)), hh <= 14, mm < 60 else { return nil }
            offset = (rest[sign] == "-" ? -1 : 1) * (hh * 3600 + mm * 60)
            rest = rest[..<sign]
        }
        // Fractions of a second are dropped: hours and closures are to the second.
        if let dot = rest.firstIndex(of: ".") {
            guard rest[rest.index(after: dot)...].allSatisfy(\.isNumber) else { return nil }
            rest = rest[..<dot]
        }
        guard let second = parseClock(rest), second < 86_400 else { return nil }
        return (date, second, offset)
    }
}
