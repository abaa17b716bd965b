import Foundation
import HallModel
import HallTestFixtures
import XCTest

/// The calendar file, the map's hours and tickets, and the timetable's rules, all with
/// moments given by the test (no clock is read).
final class CalendarAndHoursTests: XCTestCase {
    let shanghai = HallTimeZone.shanghai

    func builtInCalendar() throws -> HallCalendar {
        let file = try XCTUnwrap(DefaultHall.mapsFile(named: "china.calendar.yaml"))
        return try CalendarLoader.load(text: file.text, file: file.path)
    }

    func day(_ text: String) -> Int { CivilDate.parse(text)!.dayNumber }

    func testCivilDatesAndWeekdays() {
        for n in stride(from: -800_000, through: 800_000, by: 997) {
            XCTAssertEqual(CivilDate(dayNumber: n).dayNumber, n)
        }
        XCTAssertEqual(CivilDate.parse("2026-12-07")?.weekday, 1)   // a Monday
        XCTAssertEqual(CivilDate.parse("2026-12-05")?.weekday, 6)
        XCTAssertEqual(CivilDate.parse("2024-02-29")?.description, "2024-02-29")
        XCTAssertNil(CivilDate.parse("2026-02-29"))
        XCTAssertNil(CivilDate.parse("2026-13-01"))
    }

    func testHallTimeParsesLocalAndISOTimesAndWritesTheOffset() throws {
        let local = try XCTUnwrap(shanghai.parse("2026-12-07 09:00"))
        XCTAssertEqual(shanghai.iso8601(local), "2026-12-07T09:00:00+08:00")
        XCTAssertEqual(HallTimeZone.parseISO8601("2026-12-07T01:00:00Z"), local)
        XCTAssertEqual(shanghai.parse("2026-12-07T09:00:00+08:00"), local)
        XCTAssertEqual(shanghai.local(local), LocalMoment(dayNumber: day("2026-12-07"), second: 9 * 3600))
        XCTAssertNil(shanghai.parse("2026-12-07 25:00"))
        XCTAssertNil(HallTimeZone.parseISO8601("2026-12-07 09:00"), "no offset: not an instant")
        XCTAssertEqual(HallTimeZone.parseClock("24:00"), 86_400)
        XCTAssertNil(HallTimeZone.parseClock("9:00"))
    }

    func testTheShippedCalendarIsTheStateCouncils2026() throws {
        let calendar = try builtInCalendar()
        XCTAssertEqual(calendar.years, [2026])
        XCTAssertEqual(calendar.kind(of: day("2026-10-01")), .holiday(LocalizedText(zh: "国庆节", en: "National Day")))
        XCTAssertEqual(calendar.kind(of: day("2026-02-23")), .holiday(LocalizedText(zh: "春节", en: "the Spring Festival")))
        XCTAssertEqual(calendar.kind(of: day("2026-02-14")), .adjustedWorkday(note: "春节"))   // a Saturday worked
        XCTAssertEqual(calendar.kind(of: day("2026-01-04")), .adjustedWorkday(note: "元旦"))   // a Sunday worked
        XCTAssertEqual(calendar.kind(of: day("2026-12-05")), .weekend)
        XCTAssertEqual(calendar.kind(of: day("2026-12-07")), .workday)
        // Every working day is a weekend day, and none falls in a holiday.
        for working in calendar.workingDays { XCTAssertGreaterThanOrEqual(working.date.weekday, 6) }
        XCTAssertEqual(calendar.holidays.reduce(0) { $0 + $1.last.dayNumber - $1.first.dayNumber + 1 }, 3 + 9 + 3 + 5 + 3 + 3 + 7)
    }

    /// Each broken calendar line is reported at its line.
    func testCalendarProblemsComeWithFileAndLine() {
        let text = """
        format: 1
        years: [2026]
        holidays:
          - {name: {zh: 春节, en: Spring Festival}, from: 2026-02-15, to: 2026-02-30}
          - {name: {zh: 国庆节, en: National Day}, from: 2026-10-01, to: 2026-10-07}
          - {name: {zh: 重复, en: Again}, from: 2026-10-05, to: 2026-10-09}
          - {name: {zh: 倒序, en: Backwards}, from: 2026-05-05, to: 2026-05-01}
          - {name: {zh: 明年, en: Next year}, date: 2027-01-01}
        working_days:
          - {date: 2026-10-03, for: 国庆节}
          - {date: 2026-12-07}
          - {date: 2026-10-10, for: 国庆节}
          - {date: 2026-10-10, for: 国庆节}
          - {date: 2026-09-20, when: soon}
        """
        XCTAssertThrowsError(try CalendarLoader.load(text: text, file: "cal.yaml")) { error in
            let got = (error as! HallModel.ValidationError).diagnostics.map(\.description)
            let expected = [
                "cal.yaml:4: bad date '2026-02-30'",
                "cal.yaml:6: holiday '重复' (2026-10-05 to 2026-10-09) overlaps holiday '国庆节' (line 5)",
                "cal.yaml:7: holiday '倒序' ends (2026-05-01) before it starts (2026-05-05)",
                "cal.yaml:8: 2027-01-01 is outside the years this file covers (2026)",
                "cal.yaml:10: 2026-10-03 is both a working day and in holiday '国庆节' (line 5)",
                "cal.yaml:11: 2026-12-07 is a Monday, a working day already",
                "cal.yaml:13: working day 2026-10-10 is listed twice (first at line 12)",
                "cal.yaml:14: unknown key 'when'",
            ]
            XCTAssertEqual(got.count, expected.count, "\(got)")
            for (g, e) in zip(got, expected) { XCTAssertTrue(g.hasPrefix(e), "\(g) does not start with \(e)") }
        }
        // A day both holiday and working day, on a weekend.
        let both = "format: 1\nyears: [2026]\nholidays:\n  - {name: {zh: 国庆节, en: National Day}, from: 2026-10-01, to: 2026-10-07}\nworking_days:\n  - {date: 2026-10-04}\n"
        XCTAssertThrowsError(try CalendarLoader.load(text: both, file: "cal.yaml")) { error in
            XCTAssertEqual((error as! HallModel.ValidationError).diagnostics.map(\.description),
                           ["cal.yaml:6: 2026-10-04 is both a working day and in holiday '国庆节' (line 4)"])
        }
    }

    func testTheDefaultMapsHoursTicketsAndTimeZone() throws {
        let map = try FloorMapLoader.load(text: DefaultHall.mapFile.text, file: DefaultHall.mapFile.path)
        XCTAssertEqual(map.timeZone.identifier, "Asia/Shanghai")
        XCTAssertEqual(map.calendarFile, "china.calendar.yaml")
        XCTAssertEqual(map.hours.hall.workdays, [9 * 3600..<17 * 3600])
        XCTAssertEqual(map.hours.windows.workdays, [9 * 3600..<12 * 3600, 13 * 3600..<17 * 3600])
        XCTAssertEqual(map.tickets.zone(forPrefix: "a"), "exit-entry")
        XCTAssertTrue(map.tickets.needsTicket(zone: "social-insurance"))
        XCTAssertFalse(map.tickets.needsTicket(zone: "certificate-issuance"))
        XCTAssertNil(map.tickets.zone(forPrefix: "I"), "I and O are skipped: read as 1 and 0")
        let machines = try XCTUnwrap(map.place(try XCTUnwrap(map.tickets.machine)))
        XCTAssertGreaterThanOrEqual(machines.spots.count, 2)
        let areas = machines.spots.map { spot in map.area(containing: map.nodes[spot.node].at, level: map.nodes[spot.node].level).map { map.areas[$0].id } }
        XCTAssertEqual(Set(areas), ["atrium"], "the ticket machines stand in the atrium")
        // Lunch: the windows' schedule breaks, the building's does not.
        let timetable = HallTimetable(timeZone: map.timeZone, hours: map.hours, calendar: try builtInCalendar())
        let lunch = LocalMoment(dayNumber: day("2026-12-07"), second: 12 * 3600 + 20 * 60)
        XCTAssertEqual(timetable.closure(map.hours.windows, at: lunch), .breakTime(endsAt: 13 * 3600))
        XCTAssertNil(timetable.closure(map.hours.hall, at: lunch))
        XCTAssertNil(timetable.hours.schedule(for: try XCTUnwrap(map.place("north-door"))), "doors are always a way out")
        // Saturday → Monday 09:00; a 调休 Saturday keeps working-day hours.
        let saturday = LocalMoment(dayNumber: day("2026-12-05"), second: 10 * 3600)
        XCTAssertEqual(timetable.closure(map.hours.windows, at: saturday), .weekend)
        XCTAssertEqual(timetable.nextOpening(map.hours.windows, atOrAfter: saturday), LocalMoment(dayNumber: day("2026-12-07"), second: 9 * 3600))
        XCTAssertNil(timetable.closure(map.hours.windows, at: LocalMoment(dayNumber: day("2026-02-14"), second: 10 * 3600)))
        // The National Day week: next opening the Thursday after.
        XCTAssertEqual(timetable.nextOpening(map.hours.windows, atOrAfter: LocalMoment(dayNumber: day("2026-09-30"), second: 17 * 3600)),
                       LocalMoment(dayNumber: day("2026-10-08"), second: 9 * 3600))
    }

    func testAMapWithoutHoursServesAtAllTimes() throws {
        let map = try FloorMapLoader.load(text: twoFloorMap, file: "county.yaml")
        XCTAssertEqual(map.hours, .always)
        XCTAssertNil(map.calendarFile)
        let timetable = HallTimetable(timeZone: map.timeZone, hours: map.hours, calendar: .none)
        XCTAssertNil(timetable.closure(map.hours.windows, at: LocalMoment(dayNumber: day("2026-12-06"), second: 3 * 3600)))
    }

    func testZoneHoursOverrideTheWindows() throws {
        let text = twoFloorMap + """

        hours:
          hall: {workdays: ["08:30-17:30"], sat: ["09:00-12:00"]}
          windows: {workdays: ["09:00-12:00", "13:00-17:00"]}
          zones:
            tax: {workdays: ["09:00-16:00"], fri: ["09:00-12:00"]}
        """
        let map = try FloorMapLoader.load(text: text, file: "county.yaml")
        let tax = try XCTUnwrap(map.place("tax"))
        XCTAssertEqual(map.hours.schedule(for: tax)?.workdays, [9 * 3600..<16 * 3600])
        XCTAssertEqual(map.hours.schedule(for: try XCTUnwrap(map.place("window-1")))?.weekdays[5], [9 * 3600..<12 * 3600])
        XCTAssertEqual(map.hours.hall.weekdays[6], [9 * 3600..<12 * 3600])
        XCTAssertEqual(map.hours.schedule(for: try XCTUnwrap(map.place("restroom")))?.workdays, [30600..<63000])
    }

    func testWindowsServeOnlyWhileTheBuildingIsOpen() {
        let text = twoFloorMap + """

        hours:
          hall: {workdays: ["09:00-17:00"]}
          windows: {workdays: [09:00-12:00, 13:00-17:00], sat: [09:30-12:00]}
          zones:
            tax: {workdays: ["08:30-12:00"]}
        """
        XCTAssertThrowsError(try FloorMapLoader.load(text: text, file: "county.yaml")) { error in
            XCTAssertEqual((error as! HallModel.ValidationError).diagnostics.map(\.description), [
                "county.yaml:\(text.components(separatedBy: "\n").count - 2): hours.windows serves 09:30-12:00 on sat, outside the building's hours (hours.hall): windows serve only while the hall is open",
                "county.yaml:\(text.components(separatedBy: "\n").count): hours.zones.tax serves 08:30-12:00 on mon, outside the building's hours (hours.hall): windows serve only while the hall is open",
            ])
        }
    }

    /// Staff edits of hours and tickets refused at their lines.
    func testHoursAndTicketProblemsComeWithFileAndLine() {
        let text = twoFloorMap.replacingOccurrences(of: "  name: {zh: 县政务大厅, en: County Hall}",
                                                    with: "  name: {zh: 县政务大厅, en: County Hall}\n  time_zone: Asia/Shangai") + """

        hours:
          hall: {workdays: ["09:00-25:00"]}
          windows: {workdays: ["09:00-12:00", "11:30-13:00"], sunday: []}
          zones:
            customs: {workdays: ["09:00-12:00"]}
            tax: {workdays: ["13:00-12:00"]}
        tickets:
          machine: front-desk
          prefixes:
            A: tax
            a: tax
            B1: tax
            C: treasury
        """
        XCTAssertThrowsError(try FloorMapLoader.load(text: text, file: "county.yaml")) { error in
            let got = (error as! HallModel.ValidationError).diagnostics.map(\.description)
            let lines = text.components(separatedBy: "\n")
            func line(_ marker: String) -> Int { (lines.firstIndex { $0.contains(marker) } ?? -1) + 1 }
            let expected = [
                (line("time_zone"), "unknown time zone 'Asia/Shangai'"),
                (line("09:00-25:00"), "bad time range '09:00-25:00' in hours.hall.workdays"),
                (line("11:30-13:00"), "time range '11:30-13:00' in hours.windows.workdays overlaps '09:00-12:00'"),
                (line("sunday: []"), "unknown key 'sunday' in hours.windows"),
                (line("customs:"), "hours.zones names unknown zone 'customs'"),
                (line("13:00-12:00"), "time range '13:00-12:00' in hours.zones.tax.workdays ends before it starts"),
                (line("machine: front-desk"), "tickets.machine names 'front-desk'"),
                (line("a: tax"), "ticket prefix 'A' is used twice (first at line \(line("A: tax")))"),
                (line("B1: tax"), "ticket prefix 'B1' must be one or two letters A-Z"),
                (line("C: treasury"), "ticket prefix 'C' names unknown zone 'treasury'"),
            ].sorted { $0.0 < $1.0 }
            XCTAssertEqual(got.count, expected.count, "\(got)")
            for (g, e) in zip(got, expected) {
                XCTAssertTrue(g.hasPrefix("county.yaml:\(e.0): \(e.1)"), "\(g) does not start with county.yaml:\(e.0): \(e.1)")
            }
        }
    }
}

/// An empty calendar or queue snapshot was refused with no problem at all (a
/// ValidationError without diagnostics: `hallctl validate` exited 1 saying nothing).
final class EmptyDocumentTests: XCTestCase {
    func testAnEmptyCalendarIsRefusedAtLineOne() {
        XCTAssertThrowsError(try CalendarLoader.load(text: "# 2027: not yet published\n", file: "maps/cal.yaml")) { error in
            XCTAssertEqual((error as? ValidationError)?.diagnostics.map(\.description), ["maps/cal.yaml:1: the calendar must be a mapping"])
        }
    }

    func testAnEmptyQueueSnapshotIsRefusedAtLineOne() throws {
        let map = try FloorMapLoader.load(text: twoFloorMap, file: "county.yaml")
        XCTAssertThrowsError(try QueueFeed.load(text: "", file: "queue.json", map: map)) { error in
            XCTAssertEqual((error as? ValidationError)?.diagnostics.map(\.description), ["queue.json:1: the queue feed must be a mapping"])
        }
    }
}
