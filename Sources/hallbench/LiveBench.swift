import Foundation
import HallAnswers
import HallModel
import IntentMatching
import Wayfinding

/// Whole answers under live conditions: as at a moment in hours, at lunch, and with a set
/// of closures applied (a closed window, a closed zone, a closed walkway and a closed
/// restroom), and what building the closure plan costs (halld pays it when closures
/// change, never per question).
enum LiveBench {
    static func run(hall: Hall, queries: [String], sink: inout Int, rounds: Int = 50) {
        let zone = hall.timetable.timeZone
        let monday = zone.parse("2026-12-07 10:00")!   // a working day, in hours
        let lunch = zone.parse("2026-12-07 12:20")!
        let closures = HallClosures([
            Closure(target: .window(1), reason: "暂停服务"),
            Closure(target: .zone("tax"), reason: "系统升级", until: zone.parse("2026-12-07 14:00")),
            Closure(target: .edgeBetween("west-cross-aisle-1", "west-corridor-1"), reason: "地面维修"),
            Closure(target: .place("restroom", node: "west-restroom"), reason: "保洁"),
        ])
        var planTimes: [Double] = []
        var plan = ClosurePlan(hall: hall, closures: closures, at: monday)
        for _ in 0..<20 {
            let t0 = now()
            plan = ClosurePlan(hall: hall, closures: closures, at: monday)
            planTimes.append(Double(now() - t0))
        }
        let queue = QueueSnapshot(time: monday.addingTimeInterval(-30), waiting: ["exit-entry": 12, "social-insurance": 3], calling: [3: "A029"])
        var scratch = MatchScratch()
        func measure(_ live: LiveConditions) -> [Double] {
            latencies(queries, rounds: rounds) { q in
                sink &+= (try? hall.answer(q, from: "robot-north", live: live, scratch: &scratch))?.answer.utf8.count ?? 0
            }
        }
        print("\n## Live answers (\(queries.count) questions from robot-north, one thread; the plan is built once, as halld does)")
        let rows: [(String, LiveConditions)] = [
            ("in hours, no closures", LiveConditions(now: monday)),
            ("lunch break", LiveConditions(now: lunch)),
            ("with 4 closures (window, zone, walkway, restroom)", LiveConditions(now: monday, closures: plan)),
            ("with 4 closures and a queue snapshot", LiveConditions(now: monday, closures: plan, queue: queue)),
        ]
        for (name, live) in rows {
            let samples = measure(live)
            print("whole answer, \(name): p50 \(us(percentile(samples, 50))), p99 \(us(percentile(samples, 99)))")
        }
        print("closure plan for the default hall (4 closures, route tables without the walkway): median \(String(format: "%.2f", median(planTimes) / 1e6)) ms")
    }

    /// Route tables of a large hall with one walkway closed: the cost of a closure change there.
    static func bigHall(_ map: FloorMap) {
        guard let edge = map.edges.first else { return }
        let t0 = now()
        let router = Router(map: map, avoiding: RouteClosures(edges: [.init(edge.from, edge.to)]))
        print("generated hall: tables with one walkway closed \(String(format: "%.0f", Double(now() - t0) / 1e6)) ms (\(mb(router.tableBytes)))")
    }
}
