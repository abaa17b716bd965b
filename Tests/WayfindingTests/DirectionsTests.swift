import HallModel
import HallTestFixtures
import Wayfinding
import XCTest

final class DirectionsTests: XCTestCase {
    /// An L-shaped walk: north 10 m, then east 10 m, to a counter on the north side.
    let lShape = """
    format: 1
    hall: {id: l, name: {zh: L厅, en: L Hall}}
    levels: [{id: L1, name: {zh: 一层, en: Floor 1}}]
    nodes:
      - {id: a, level: L1, at: [0, 0]}
      - {id: b, level: L1, at: [0, 10], landmark: {zh: 咨询台, en: the information desk}}
      - {id: c, level: L1, at: [10, 10]}
      - {id: d, level: L1, at: [10, 4]}
    edges:
      - {from: a, to: b}
      - {from: b, to: c}
      - {from: c, to: d}
    places:
      - {id: counter, kind: service, name: {zh: 收费处, en: the cashier}, node: c, at: [10, 12]}
      - {id: south-counter, kind: service, name: {zh: 南柜台, en: the south counter}, node: d, at: [8, 4]}
    stations:
      - {id: robot, kind: robot, node: a}
    """

    func directions(_ yaml: String, from: String, to place: String, profile: RouteProfile = .standard, _ language: Language) throws -> Directions {
        let map = try FloorMapLoader.load(text: yaml, file: "m.yaml")
        let router = Router(map: map)
        let target = try XCTUnwrap(map.place(place))
        let (spot, _) = try XCTUnwrap(router.nearest(target, from: map.nodeIndex[from]!, profile: profile))
        let path = try XCTUnwrap(router.path(from: map.nodeIndex[from]!, to: spot.node, profile: profile))
        return DirectionsWriter(map: map).write(path: path, to: target, spot: spot, language: language)
    }

    func testTurnsSideAndTimeInChinese() throws {
        let d = try directions(lShape, from: "a", to: "counter", .zh)
        XCTAssertEqual(d.steps.map(\.text), ["向北直走10米。", "在咨询台处右转，再走10米。", "收费处在您左手边。"])
        XCTAssertEqual(d.summary, "全程约20米，步行不到1分钟。")
        XCTAssertEqual(d.seconds, 20)
    }

    func testTurnsSideAndTimeInEnglish() throws {
        let d = try directions(lShape, from: "a", to: "south-counter", .en)
        XCTAssertEqual(d.steps.map(\.text), ["Head north for 10 m.", "At the information desk, turn right and walk 10 m.",
                                             "Turn right and walk 6 m.", "You will find the south counter on your right."])
        XCTAssertEqual(d.text, "Head north for 10 m. At the information desk, turn right and walk 10 m. Turn right and walk 6 m. You will find the south counter on your right. About 26 m in all, under a minute on foot.")
    }

    func testLandmarkPassedOnAStraightLeg() throws {
        let d = try directions(twoFloorMap, from: "door", to: "window-1", .zh)
        XCTAssertEqual(d.steps.first?.text, "向北直走15米，经过服务台。")
        XCTAssertEqual(d.steps.last?.text, "1号窗口就在您前方。")
    }

    func testLevelChangesByStairsAndLift() throws {
        let walking = try directions(twoFloorMap, from: "door", to: "window-2", .zh)
        XCTAssertTrue(walking.steps.contains { $0.kind == .level && $0.text == "走楼梯到二层。" }, "\(walking.steps)")
        let wheelchair = try directions(twoFloorMap, from: "door", to: "window-2", profile: .accessible, .en)
        XCTAssertTrue(wheelchair.steps.contains { $0.kind == .level && $0.text == "Take the lift to Floor 2." }, "\(wheelchair.steps)")
        // The lift adds its waiting time to the walk.
        XCTAssertEqual(wheelchair.seconds, 65 + 30)
    }

    func testAlreadyThere() throws {
        let d = try directions(lShape, from: "c", to: "counter", .zh)
        XCTAssertEqual(d.steps.map(\.text), ["您就在收费处旁边。"])
    }

    func testSide() {
        let east = Point(x: 1, y: 0)
        XCTAssertEqual(DirectionsWriter.side(heading: east, position: Point(x: 0, y: 0), target: Point(x: 0, y: 3)), .left)
        XCTAssertEqual(DirectionsWriter.side(heading: east, position: Point(x: 0, y: 0), target: Point(x: 0, y: -3)), .right)
        XCTAssertEqual(DirectionsWriter.side(heading: east, position: Point(x: 0, y: 0), target: Point(x: 3, y: 0.5)), .ahead)
        XCTAssertEqual(DirectionsWriter.side(heading: east, position: Point(x: 0, y: 0), target: Point(x: -3, y: 0)), .behind)
    }
}
