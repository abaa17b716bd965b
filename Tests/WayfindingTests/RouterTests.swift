import HallModel
import HallTestFixtures
import Wayfinding
import XCTest

final class RouterTests: XCTestCase {
    var map: FloorMap!
    var router: Router!

    override func setUpWithError() throws {
        map = try FloorMapLoader.load(text: twoFloorMap, file: "county.yaml")
        router = Router(map: map)
    }

    func node(_ id: String) -> Int { map.nodeIndex[id]! }
    func ids(_ path: Path?) -> [String] { path?.nodes.map { map.nodes[$0].id } ?? [] }

    func testShortestPathTakesTheStairs() {
        let path = router.path(from: node("door"), to: node("window-stand-2"))
        XCTAssertEqual(ids(path), ["door", "hall", "stairs-1", "stairs-2", "upstairs", "window-stand-2"])
        XCTAssertEqual(path!.metres, 10 + 15 + 12 + 15 + 5, accuracy: 0.01)
    }

    func testAccessibleProfileTakesTheLift() {
        let path = router.path(from: node("door"), to: node("window-stand-2"), profile: .accessible)
        XCTAssertEqual(ids(path), ["door", "hall", "lift-1", "lift-2", "upstairs", "window-stand-2"])
        XCTAssertEqual(path!.metres, 10 + 15 + 20 + 15 + 5, accuracy: 0.01)
    }

    func testNearestInstance() throws {
        let restroom = try XCTUnwrap(map.place("restroom"))
        XCTAssertEqual(router.nearest(restroom, from: node("door"))?.spot.node, node("lift-1"))
        XCTAssertEqual(router.nearest(restroom, from: node("window-stand-2"))?.spot.node, node("upstairs"))
    }

    func testOneWayEdgesAreFollowedOnlyForwards() throws {
        let text = twoFloorMap.replacingOccurrences(of: "{from: hall, to: window-stand-1}", with: "{from: hall, to: window-stand-1, oneway: true}")
            .replacingOccurrences(of: "  - {from: upstairs, to: window-stand-2}", with: "  - {from: upstairs, to: window-stand-2}\n  - {from: window-stand-1, to: door, oneway: true}")
        let oneWay = try FloorMapLoader.load(text: text, file: "m.yaml")
        let r = Router(map: oneWay)
        let n = { (id: String) in oneWay.nodeIndex[id]! }
        XCTAssertEqual(r.path(from: n("hall"), to: n("window-stand-1"))?.nodes.count, 2)
        // Back from the window: not against the one-way edge, but through the exit edge.
        XCTAssertEqual(r.path(from: n("window-stand-1"), to: n("hall"))?.nodes.map { oneWay.nodes[$0].id },
                       ["window-stand-1", "door", "hall"])
    }

    func testUnreachableInAccessibleProfile() throws {
        let text = twoFloorMap.replacingOccurrences(of: "  - {from: lift-1, to: lift-2, kind: lift, length: 20}\n", with: "")
        let stairsOnly = Router(map: try FloorMapLoader.load(text: text, file: "m.yaml"))
        XCTAssertNotNil(stairsOnly.path(from: 0, to: stairsOnly.map.nodeIndex["upstairs"]!))
        XCTAssertNil(stairsOnly.path(from: 0, to: stairsOnly.map.nodeIndex["upstairs"]!, profile: .accessible))
    }

    func testPathsAgreeWithAPlainDijkstraOnTheDefaultHall() throws {
        let hall = try FloorMapLoader.load(text: DefaultHall.mapFile.text, file: "default")
        let r = Router(map: hall)
        // Bellman-Ford from a few sources: independent of the table's construction.
        for source in [0, 17, 40, hall.nodes.count - 1] {
            var dist = [Double](repeating: .infinity, count: hall.nodes.count)
            dist[source] = 0
            for _ in hall.nodes {
                for e in hall.edges where dist[e.from] + e.length < dist[e.to] { dist[e.to] = dist[e.from] + e.length }
            }
            for target in hall.nodes.indices {
                let path = try XCTUnwrap(r.path(from: source, to: target))
                XCTAssertEqual(path.metres, dist[target], accuracy: 0.01)
                XCTAssertEqual(path.nodes.first, source)
                XCTAssertEqual(path.nodes.last, target)
                // Consecutive nodes are joined by an edge, and the lengths add up.
                var sum = 0.0
                for (a, b) in zip(path.nodes, path.nodes.dropFirst()) {
                    sum += try XCTUnwrap(hall.edges.first { $0.from == a && $0.to == b }).length
                }
                XCTAssertEqual(sum, path.metres, accuracy: 0.01)
            }
        }
    }
}
