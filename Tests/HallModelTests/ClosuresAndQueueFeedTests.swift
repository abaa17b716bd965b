import Foundation
import HallModel
import XCTest

/// The closures value and its file (what halld persists), and the queue feed.
final class ClosuresAndQueueFeedTests: XCTestCase {
    static let map = Result { try FloorMapLoader.load(text: DefaultHall.mapFile.text, file: DefaultHall.mapFile.path) }
    var map: FloorMap { try! Self.map.get() }
    let zone = HallTimeZone.shanghai

    func time(_ text: String) -> Date { zone.parse(text)! }

    func everyKind() -> HallClosures {
        HallClosures([
            Closure(target: .window(16), reason: "暂停服务", until: time("2026-12-07 13:30"), since: time("2026-12-07 10:05:07")),
            Closure(target: .zone("tax"), reason: "系统升级", reasonEnglish: "system upgrade"),
            Closure(target: .place("restroom", node: "west-restroom"), reason: "保洁 \"深度\"\n清洁"),
            Closure(target: .place("mother-baby", node: nil)),
            Closure(target: .edgeBetween("west-corridor-4", "west-corridor-3"), reason: "地面维修", until: time("2026-12-08 17:00")),
            Closure(target: .area("east-hall"), since: Date(timeIntervalSince1970: 1_796_000_000.75)),
        ])
    }

    func testTheClosuresFileRoundTrips() throws {
        let closures = everyKind()
        let text = ClosuresFile.encode(closures, timeZone: zone)
        XCTAssertEqual(try ClosuresFile.load(text: text, file: "closures.json", map: map), closures)
        // It is JSON: one closure a line, readable by any JSON parser.
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        XCTAssertEqual((json["closures"] as! [[String: Any]]).count, 6)
        XCTAssertEqual(text.split(separator: "\n").count, 8)
        XCTAssertTrue(text.contains("\"until\": \"2026-12-07T13:30:00+08:00\""), text)
        XCTAssertEqual(ClosuresFile.encode(HallClosures(), timeZone: zone), "{\"format\": 1, \"closures\": []}\n")
        XCTAssertEqual(try ClosuresFile.load(text: "{\"format\": 1, \"closures\": []}\n", file: "c", map: map), HallClosures())
    }

    func testClosingTheSameTargetReplacesAndReopeningRemoves() {
        var closures = HallClosures()
        closures.close(Closure(target: .edgeBetween("b", "a"), reason: "one"))
        closures.close(Closure(target: .edgeBetween("a", "b"), reason: "two"))
        XCTAssertEqual(closures.closures.map(\.reason), ["two"])
        XCTAssertTrue(closures.reopen(.edge("a", "b")))
        XCTAssertFalse(closures.reopen(.window(3)))
        XCTAssertTrue(closures.isEmpty)
    }

    func testAClosureEndsByItself() {
        let closures = everyKind()
        XCTAssertEqual(closures.active(at: time("2026-12-07 13:29")).closures.count, 6)
        XCTAssertEqual(closures.active(at: time("2026-12-07 13:30")).closures.count, 5, "until is the first moment it is open again")
        XCTAssertEqual(closures.nextEnd(after: time("2026-12-07 12:00")), time("2026-12-07 13:30"))
        XCTAssertEqual(closures.nextEnd(after: time("2026-12-07 13:30")), time("2026-12-08 17:00"))
    }

    func testTargetIDsAsStaffTypeThem() {
        func parse(_ id: String) -> String {
            switch Closure.Target.parse(id, in: map) {
            case .success(let target): "\(target)"
            case .failure(let problem): "! \(problem)"
            }
        }
        XCTAssertEqual(parse("window-16"), "window-16")
        XCTAssertEqual(parse("social-insurance"), "social-insurance")
        XCTAssertEqual(parse("restroom"), "restroom")
        XCTAssertEqual(parse("restroom@west-restroom"), "restroom@west-restroom")
        XCTAssertEqual(parse("edge:west-corridor-4,west-corridor-3"), "edge:west-corridor-3,west-corridor-4")
        XCTAssertEqual(parse("area:east-hall"), "area:east-hall")
        XCTAssertEqual(parse("window-99"), "! the hall has no window 99")
        XCTAssertEqual(parse("edge:north-inside,east-entrance"), "! no edge between 'north-inside' and 'east-entrance'")
        XCTAssertEqual(parse("restroom@north-inside"), "! 'restroom' has no instance at node 'north-inside'")
        XCTAssertEqual(parse("area:lobby"), "! unknown area 'lobby'")
        XCTAssertEqual(parse("canteen"), "! unknown place 'canteen'")
    }

    func testABrokenClosuresFileIsReportedAtItsLinesAndTheRestKept() {
        let text = """
        format: 1
        closures:
          - {window: 99}
          - {zone: restroom}
          - {edge: [north-inside, east-entrance]}
          - {window: 16, zone: tax}
          - {window: 16, until: "13:30"}
          - {place: restroom, node: north-inside}
          - {area: east-hall, colour: red}
          - {window: 15, reason: 暂停服务}
          - {window: 15}
          - {window: 17, since: "2026-12-07T10:00:00+08:00", until: "2026-12-07T09:00:00+08:00"}
        """
        let (kept, problems) = ClosuresFile.read(text: text, file: "closures.yaml", map: map)
        XCTAssertEqual(problems.map(\.description), [
            "closures.yaml:3: the hall has no window 99",
            "closures.yaml:4: 'restroom' is not a zone of the map",
            "closures.yaml:5: no edge between 'north-inside' and 'east-entrance'",
            "closures.yaml:6: a closure names exactly one of window, zone, place, edge, area; this one names window and zone",
            "closures.yaml:7: bad time '13:30' in 'until': expected ISO 8601 with an offset, e.g. 2026-12-07T13:30:00+08:00",
            "closures.yaml:8: 'restroom' has no instance at node 'north-inside'",
            "closures.yaml:9: unknown key 'colour' in a closure (expected one of: area, edge, node, place, reason, reason_en, since, until, window, zone)",
            "closures.yaml:11: window-15 is closed twice (first at line 10)",
            "closures.yaml:12: the closure ends before it starts",
        ])
        // Only the good entry stays: one with any problem is left out whole.
        XCTAssertEqual(kept.closures.map(\.target), [.window(15)])
    }

    func testTheQueueFeedIsReadAndChecked() throws {
        let feed = """
        {"format": 1, "time": "2026-12-07T10:02:00+08:00",
         "zones": {"exit-entry": {"waiting": 12}, "social-insurance": {"waiting": 0}},
         "calling": [{"window": 3, "ticket": "a029"}, {"window": 16, "ticket": "E101"}]}
        """
        let snapshot = try QueueFeed.load(text: feed, file: "feed", map: map)
        XCTAssertEqual(snapshot.time, time("2026-12-07 10:02"))
        XCTAssertEqual(snapshot.waiting, ["exit-entry": 12, "social-insurance": 0])
        XCTAssertEqual(snapshot.calling, [3: "A029", 16: "E101"])
        XCTAssertEqual(snapshot.window(calling: "A029"), 3)
        XCTAssertTrue(snapshot.isFresh(at: time("2026-12-07 10:04"), maxAge: 120))
        XCTAssertFalse(snapshot.isFresh(at: time("2026-12-07 10:04:01"), maxAge: 120))
        XCTAssertFalse(snapshot.isFresh(at: time("2026-12-07 09:59"), maxAge: 120), "a clock far ahead is not believed")

        let broken = """
        {"format": 1, "time": "10:02",
         "zones": {"canteen": {"waiting": 3}, "tax": {"waiting": -1}, "notary": {"queue": 2}},
         "calling": [{"window": 99, "ticket": "A1"}, {"window": 3, "ticket": "#29"}], "note": "x"}
        """
        XCTAssertThrowsError(try QueueFeed.load(text: broken, file: "feed", map: map)) { error in
            let got = (error as! HallModel.ValidationError).diagnostics.map(\.description)
            for expected in ["feed:1: bad time '10:02'", "feed:2: unknown zone 'canteen'", "feed:2: zone 'tax' needs 'waiting'",
                             "feed:2: unknown key 'queue' in zone 'notary'", "feed:3: a calling entry needs 'window'",
                             "feed:3: bad ticket '#29'", "feed:3: unknown key 'note' in the queue feed"] {
                XCTAssertTrue(got.contains { $0.hasPrefix(expected) }, "\(expected) missing from \(got)")
            }
        }
    }

    func testTicketNumbers() {
        XCTAssertEqual(TicketNumber("A032")?.text, "A032")
        XCTAssertEqual(TicketNumber("a-032")?.text, "A032")
        XCTAssertEqual(TicketNumber("Ａ０３２")?.text, "A032")
        XCTAssertEqual(TicketNumber("AB1234")?.prefix, "AB")
        for bad in ["032", "A", "A1", "ABC12", "A12345", "A03B", "护照"] { XCTAssertNil(TicketNumber(bad), bad) }
    }
}
