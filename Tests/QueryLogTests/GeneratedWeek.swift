import Foundation
import HallAnswers
import HallTime
import QueryLog
import IntentMatching

/// A generated week of questions in the built-in hall, with known counts: what the report
/// tests check and what the README's sample report shows. Every question is answered by
/// the real hall (so intents, candidates and homophone flags are the hall's own), asked
/// from one of its six stations between 09:00 and 17:00 Beijing time.
struct GeneratedWeek {
    static let timeZone = TimeZone(identifier: "Asia/Shanghai")!
    /// Thursday 26 November 2026, 18:00 in the hall.
    static let now = Date(timeIntervalSince1970: 1_795_687_200)

    /// Questions that route, with how often each is asked in the week.
    static let routed: [(String, Int)] = [
        ("护照在哪办", 60), ("厕所在哪", 45), ("社保卡激活在哪", 30), ("医保卡丢了补办", 25), ("驾照年审去哪个窗口", 20),
        ("不动产登记在哪", 15), ("我想开公司", 12), ("where is the toilet", 10), ("公证处在哪", 8),
    ]
    /// Questions that fall back (`食堂在哪` also with a question mark: the same text once
    /// normalised). The English one has a comma, for the CSV.
    static let fallbacks: [(String, Int)] = [
        ("食堂在哪", 10), ("食堂在哪？", 4), ("能停车吗", 9), ("办结婚证", 6), ("hello, where can I eat", 5), ("可以充电吗", 4),
        ("今天天气怎么样", 3),
    ]
    /// Asked ten days before `now`: outside a 7-day window.
    static let old: [(String, Int)] = [("老干部局在哪", 3)]
    /// Asked back, then what the same device asked next: after 15 s, or 90 s (too late to
    /// count), or nothing.
    static let clarifies: [(question: String, next: String?, after: TimeInterval, count: Int)] = [
        ("交保险", "社保", 15, 5), ("交保险", "医保", 20, 2), ("交保险", nil, 0, 1),
        ("换证在哪", "驾照", 15, 3), ("换证在哪", "护照在哪办", 90, 1),
    ]
    static let homophones: [(String, Int)] = [("办个护造", 5), ("家照到期换领", 3), ("出入经在哪", 2)]

    static let stations = ["robot-north", "robot-south", "screen-north", "screen-south", "screen-west", "screen-east"]

    /// The records, oldest first, with the question as asked in `text` (as halld gives it
    /// to the writer).
    static func records() throws -> [QueryRecord] {
        let hall = try Hall.builtIn()
        enum Event { case ask(String), clarify(String, next: String?, after: TimeInterval) }
        var events: [Event] = []
        for (q, n) in routed + fallbacks + homophones { events += Array(repeating: .ask(q), count: n) }
        for c in clarifies { events += Array(repeating: .clarify(c.question, next: c.next, after: c.after), count: c.count) }
        // A fixed shuffle (a linear congruential generator), spread over seven days.
        var seed: UInt64 = 20_261_126
        for i in stride(from: events.count - 1, to: 0, by: -1) {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            events.swapAt(i, Int(seed >> 33) % (i + 1))
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: now)
        func day(_ back: Int) -> Date { calendar.date(byAdding: .day, value: -back, to: today)!.addingTimeInterval(9 * 3600) }

        var records: [QueryRecord] = []
        func ask(_ question: String, _ slot: Int, at time: Date) throws {
            let station = stations[slot % stations.count]
            let answer = try hall.answer(question, from: station)
            records.append(QueryRecord(answer: answer, device: station, place: station, time: time,
                                       latencyMicroseconds: 300 + (slot * 37) % 400))
        }
        let perDay = (events.count + 6) / 7
        for (i, event) in events.enumerated() {
            // Three minutes apart: a device asks again only after 18 minutes.
            let time = day(6 - i / perDay).addingTimeInterval(Double(i % perDay) * 180)
            switch event {
            case .ask(let q):
                try ask(q, i, at: time)
            case let .clarify(q, next, after):
                try ask(q, i, at: time)
                if let next { try ask(next, i, at: time.addingTimeInterval(after)) }
            }
        }
        for (q, n) in old {
            for k in 0..<n { try ask(q, k, at: day(10).addingTimeInterval(Double(k) * 600)) }
        }
        return records.sorted { $0.time < $1.time }
    }

    /// The records as the log stores them (text redacted and normalised).
    static func storedRecords() throws -> [QueryRecord] {
        let hall = try Hall.builtIn()
        return try records().map { r in
            var r = r
            r.text = StoredText.make(r.text, normalize: hall.matcher.normalize)
            return r
        }
    }

    /// Writes the week to a log file through the writer, as halld would.
    static func write(to path: String) throws {
        let hall = try Hall.builtIn()
        let writer = try QueryLogWriter(configuration: .init(path: path, clock: TestClock(wall: now)), normalize: { hall.matcher.normalize($0) })
        for r in try records() { writer.record(r) }
        guard writer.close(), writer.counters.committed == writer.counters.recorded else {
            throw CocoaError(.fileWriteUnknown)
        }
    }
}
