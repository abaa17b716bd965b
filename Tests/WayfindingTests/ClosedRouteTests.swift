import HallModel
import Wayfinding
import XCTest

/// Routes under closures: a closed walkway or area is never used, whatever the pair.
final class ClosedRouteTests: XCTestCase {
    static let map = Result { try FloorMapLoader.load(text: DefaultHall.mapFile.text, file: "default") }

    func testAClosedEdgeNeverAppearsInARoute() throws {
        let map = try Self.map.get()
        let open = Router(map: map)
        let n = { (id: String) in map.nodeIndex[id]! }
        // The walkway from the west corridor up to windows 1-4: on many shortest paths.
        let closedPair = RouteClosures.NodePair(n("west-cross-aisle-1"), n("west-corridor-1"))
        let closed = Router(map: map, avoiding: RouteClosures(edges: [closedPair]))
        var used = 0, detours = 0
        for a in map.nodes.indices {
            for b in map.nodes.indices {
                guard let path = closed.path(from: a, to: b) else {
                    XCTFail("\(map.nodes[a].id) → \(map.nodes[b].id) unreachable: the hall has another way round")
                    continue
                }
                for (x, y) in zip(path.nodes, path.nodes.dropFirst()) {
                    XCTAssertNotEqual(RouteClosures.NodePair(x, y), closedPair, "\(map.nodes[a].id) → \(map.nodes[b].id)")
                }
                if let before = open.path(from: a, to: b), zip(before.nodes, before.nodes.dropFirst()).contains(where: { RouteClosures.NodePair($0, $1) == closedPair }) {
                    used += 1
                    if path.metres > before.metres + 0.01 { detours += 1 }
                }
                XCTAssertEqual(closed.distance(from: a, to: b, profile: .accessible), closed.distance(from: a, to: b),
                               "one floor, no stairs: the accessible table is the same graph")
            }
        }
        XCTAssertGreaterThan(used, 100, "the closed edge was on many routes before")
        XCTAssertGreaterThan(detours, used / 2, "most of them now go further round (the rest had a way as short)")
    }

    func testAClosedAreaIsNeverEnteredButCanBeLeft() throws {
        let map = try Self.map.get()
        let east = try XCTUnwrap(map.areas.first { $0.id == "east-hall" })
        let inside = Set(map.nodes.indices.filter { east.contains(map.nodes[$0].at) })
        let closed = Router(map: map, avoiding: RouteClosures(nodes: inside))
        let north = map.nodeIndex["north-inside"]!
        for node in inside { XCTAssertNil(closed.path(from: north, to: node), map.nodes[node].id) }
        let eastRestroom = map.nodeIndex["east-restroom"]!
        let out = try XCTUnwrap(closed.path(from: eastRestroom, to: north), "a visitor inside may still walk out")
        let firstOutside = try XCTUnwrap(out.nodes.firstIndex { !inside.contains($0) })
        XCTAssertTrue(out.nodes[firstOutside...].allSatisfy { !inside.contains($0) }, "once out, never back in")
        let restroom = try XCTUnwrap(map.place("restroom"))
        XCTAssertEqual(closed.nearest(restroom, from: map.nodeIndex["atrium-east"]!)?.spot.node, map.nodeIndex["west-restroom"], "from outside, the east one is not reachable")
    }

    func testNearestSkipsTheInstancesItIsTold() throws {
        let map = try Self.map.get()
        let router = Router(map: map)
        let zone = try XCTUnwrap(map.place("exit-entry"))
        let door = map.nodeIndex["north-inside"]!
        XCTAssertEqual(router.nearest(zone, from: door)?.spot.window, 1)
        XCTAssertEqual(router.nearest(zone, from: door, where: { $0.window != 1 })?.spot.window, 2)
        XCTAssertNil(router.nearest(zone, from: door, where: { _ in false }))
    }
}
