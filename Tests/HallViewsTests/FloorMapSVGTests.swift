import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HallAnswers
import HallModel
@testable import HallViews
import XCTest
import Wayfinding

/// The SVG's elements, read back with an XML parser (which also proves it is well formed).
final class SVGElements: NSObject, XMLParserDelegate {
    struct Element { var name: String; var attributes: [String: String]; var text = "" }
    private(set) var elements: [Element] = []
    private var open: [Int] = []

    static func parse(_ svg: String) throws -> [Element] {
        let reader = SVGElements()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = reader
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
        return reader.elements
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        open.append(elements.count)
        elements.append(Element(name: name, attributes: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let i = open.last { elements[i].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }
}

extension SVGElements.Element {
    func number(_ key: String) -> Double { Double(attributes[key] ?? "") ?? .nan }
    var classes: [Substring] { (attributes["class"] ?? "").split(separator: " ") }
}

final class FloorMapSVGTests: XCTestCase {
    static let hall = Result { try Hall.builtIn() }

    func testEveryWindowIsDrawnWithItsNumber() throws {
        let hall = try Self.hall.get()
        let elements = try SVGElements.parse(FloorMapSVG(map: hall.map).render())
        let numbers = elements.filter { $0.classes.contains("window-number") }.map(\.text)
        XCTAssertEqual(numbers.sorted { Int($0)! < Int($1)! }, (1...48).map(String.init))
        XCTAssertEqual(elements.filter { $0.classes.contains("window") }.count, 48)
        // Every zone appears in the legend with its window range.
        let legend = elements.filter { $0.classes.contains("legend-zone") }.map(\.text)
        XCTAssertEqual(legend.count, 16)
        XCTAssertTrue(legend.contains { $0.hasPrefix("1–4 ") && $0.contains("公安出入境") }, "\(legend)")
        XCTAssertTrue(legend.contains { $0.hasPrefix("34–37 ") && $0.contains("不动产登记") }, "\(legend)")
    }

    func testPlanCoordinatesAreScaledAndFlippedNorthUp() throws {
        let svg = FloorMapSVG(map: try Self.hall.get().map, pixelsPerMetre: 10)
        let sw = svg.point(Point(x: 0, y: 0)), ne = svg.point(Point(x: 98, y: 60))
        XCTAssertEqual(ne.x - sw.x, 980, accuracy: 1e-9)
        XCTAssertEqual(sw.y - ne.y, 600, accuracy: 1e-9, "north (larger y) is higher on the page")
        let p = svg.point(Point(x: 10, y: 20))
        XCTAssertEqual(p.x, sw.x + 100, accuracy: 1e-9)
        XCTAssertEqual(p.y, sw.y - 200, accuracy: 1e-9)
        // The whole plan, doors included, lies on the canvas.
        XCTAssertGreaterThan(sw.x, 0)
        XCTAssertLessThan(ne.x, svg.width)
        XCTAssertGreaterThan(ne.y, 0)
        XCTAssertLessThan(sw.y, svg.height)
    }

    /// SPEC.md: windows 1–24 along the west hall, 25–48 along the east hall; 1 and 25 next to
    /// the atrium on the north side, 13 at the west end and 37 at the east end on the south.
    func testWindowsSitWhereTheSpecPutsThem() throws {
        let map = try Self.hall.get().map
        let picture = FloorMapSVG(map: map)
        let elements = try SVGElements.parse(picture.render())
        var at: [Int: (x: Double, y: Double)] = [:]
        for e in elements where e.classes.contains("window-number") { at[Int(e.text)!] = (e.number("x"), e.number("y")) }
        func area(_ id: String) -> (left: Double, right: Double) {
            let a = map.areas.first { $0.id == id }!
            return (picture.point(a.origin).x, picture.point(Point(x: a.origin.x + a.width, y: 0)).x)
        }
        let west = area("west-hall"), east = area("east-hall")
        let middle = picture.point(Point(x: 0, y: 30)).y
        for n in 1...24 { XCTAssertTrue((west.left...west.right).contains(at[n]!.x), "window \(n) in the west hall") }
        for n in 25...48 { XCTAssertTrue((east.left...east.right).contains(at[n]!.x), "window \(n) in the east hall") }
        for n in Array(1...12) + Array(25...36) { XCTAssertLessThan(at[n]!.y, middle, "window \(n) on the north side") }
        for n in Array(13...24) + Array(37...48) { XCTAssertGreaterThan(at[n]!.y, middle, "window \(n) on the south side") }
        XCTAssertEqual(at[1]!.x, (1...12).map { at[$0]!.x }.max(), "1 next to the atrium")
        XCTAssertEqual(at[13]!.x, (13...24).map { at[$0]!.x }.min(), "13 at the west end")
        XCTAssertEqual(at[25]!.x, (25...36).map { at[$0]!.x }.min(), "25 next to the atrium")
        XCTAssertEqual(at[37]!.x, (37...48).map { at[$0]!.x }.max(), "37 at the east end")
    }

    func testTheRoutePolylinePassesThroughEveryNodeOfTheRoute() throws {
        let hall = try Self.hall.get()
        let route = try hall.route(from: "robot-north", to: "window-8")
        let picture = FloorMapSVG(map: hall.map, route: route)
        let elements = try SVGElements.parse(picture.render())
        let lines = elements.filter { $0.classes.contains("route") }
        XCTAssertEqual(lines.count, 1)
        let drawn = lines[0].attributes["points"]!.split(separator: " ").map { pair in pair.split(separator: ",").map { Double($0)! } }
        let expected = route.points.map { picture.point(Point(x: $0.x, y: $0.y)) }
        XCTAssertEqual(drawn.count, expected.count)
        for (d, e) in zip(drawn, expected) {
            XCTAssertEqual(d[0], e.x, accuracy: 0.05)
            XCTAssertEqual(d[1], e.y, accuracy: 0.05)
        }
        // Start and end markers, and the turn numbers the directions use (steps 2, 3, 4).
        XCTAssertEqual(elements.filter { $0.classes.contains("route-start") }.count, 1)
        XCTAssertEqual(elements.filter { $0.classes.contains("route-end") }.count, 1)
        let turns = route.steps.enumerated().filter { $0.element.kind == .turn }.map { String($0.offset + 1) }
        XCTAssertFalse(turns.isEmpty)
        XCTAssertEqual(elements.filter { $0.classes.contains("route-step-number") }.map(\.text), turns)
        XCTAssertTrue(elements.contains { $0.classes.contains("route-summary") && $0.text.contains("robot-north → window-8") })
    }

    func testStationsPlacesDoorsTitleAndScaleBarAreDrawn() throws {
        let hall = try Self.hall.get()
        let elements = try SVGElements.parse(FloorMapSVG(map: hall.map).render())
        let texts = Set(elements.filter { $0.name == "text" }.map(\.text))
        for station in hall.map.stations { XCTAssertTrue(texts.contains(station.id), station.id) }
        XCTAssertEqual(elements.filter { $0.classes.contains("station-id") }.count, 6)
        // Two robots and four screens on the plan, and one of each in the legend.
        XCTAssertEqual(elements.filter { $0.classes.contains("robot") }.count, 3)
        XCTAssertEqual(elements.filter { $0.classes.contains("screen") }.count, 5)
        for name in ["咨询导服台", "卫生间", "自助服务区", "母婴休息区", "西厅", "中庭服务区", "东厅"] {
            XCTAssertTrue(texts.contains(name), name)
        }
        XCTAssertEqual(elements.filter { $0.classes.contains("place") }.count, 16, "self-service ×3, ticket machines ×3, waiting ×2, restroom ×2, six more")
        XCTAssertTrue(texts.contains("北门 North Door") && texts.contains("南门 South Door"))
        XCTAssertTrue(elements.contains { $0.classes.contains("title") && $0.text.contains("长春市政务服务大厅") })
        XCTAssertTrue(elements.contains { $0.classes.contains("scale-bar") })
        XCTAssertTrue(elements.contains { $0.classes.contains("outline") })
        // Each two-way walkway once.
        let undirected = Set(hall.map.edges.map { [min($0.from, $0.to), max($0.from, $0.to)] }).count
        XCTAssertEqual(elements.filter { $0.classes.contains("edge") }.count, undirected)
    }

    func testRenderingIsDeterministic() throws {
        let map = try Self.hall.get().map
        XCTAssertEqual(FloorMapSVG(map: map).render(), FloorMapSVG(map: map).render())
    }

    func testOneLevelOfATwoLevelHallWithTextThatNeedsEscaping() throws {
        let map = try FloorMapLoader.load(text: Self.twoLevels, file: "two.yaml")
        let upper = FloorMapSVG(map: map, level: 1)
        let elements = try SVGElements.parse(upper.render())
        let texts = elements.filter { $0.name == "text" }.map(\.text)
        XCTAssertTrue(texts.contains { $0.contains("Tax & <fees>") }, "escaped, then read back: \(texts)")
        XCTAssertEqual(elements.filter { $0.classes.contains("window-number") }.map(\.text), ["2"], "only this level's window")
        XCTAssertEqual(elements.filter { $0.classes.contains("level-change") }.count, 1)
        XCTAssertTrue(texts.contains("楼梯 → 一层"))
        XCTAssertTrue(texts.contains { $0.contains("二层") })
    }

    func testWrappingAndRanges() {
        XCTAssertEqual(wrap("工程建设项目审批专区", width: 70, fontSize: 13, maxLines: 2), ["工程建设项", "目审批专区"])
        XCTAssertEqual(wrap("公证", width: 70, fontSize: 13), ["公证"])
        XCTAssertEqual(FloorMapSVG.ranges([1, 2, 3, 4, 12, 14, 15]), "1–4, 12, 14–15")
        XCTAssertEqual(fmt(-0.04), "0")
        XCTAssertEqual(fmt(-1.24), "-1.2")
        XCTAssertEqual(fmt(32), "32")
        XCTAssertEqual(SVGDocument.escape("a&b<\"c\">"), "a&amp;b&lt;&quot;c&quot;&gt;")
    }

    static let twoLevels = """
        format: 1
        hall: {id: two, name: {zh: 二层大厅, en: Two-level Hall}}
        levels:
          - {id: F1, name: {zh: 一层, en: Floor 1}}
          - {id: F2, name: {zh: 二层, en: Floor 2}}
        areas:
          - {id: ground, level: F1, name: {zh: 一楼, en: Ground}, rect: [0, 0, 20, 10]}
          - {id: upper, level: F2, name: {zh: 二楼, en: Upper}, rect: [0, 0, 20, 10]}
        nodes:
          - {id: door, level: F1, at: [10, 0]}
          - {id: s1, level: F1, at: [18, 5]}
          - {id: s2, level: F2, at: [18, 5]}
          - {id: stand-1, level: F1, at: [10, 7]}
          - {id: stand-2, level: F2, at: [10, 7]}
        edges:
          - {from: door, to: s1}
          - {from: door, to: stand-1}
          - {from: s1, to: s2, kind: stairs, length: 8}
          - {from: s2, to: stand-2}
        places:
          - {id: front-door, kind: door, name: {zh: 正门, en: the front door}, node: door}
          - {id: tax, kind: zone, name: {zh: "Tax & <fees>", en: tax}, area: upper}
          - {id: tax-low, kind: zone, name: {zh: 税务, en: tax}, area: ground}
        windows:
          - {number: 1, zone: tax-low, node: stand-1, at: [10, 9]}
          - {number: 2, zone: tax, node: stand-2, at: [10, 9]}
        stations:
          - {id: robot-door, kind: robot, node: door, facing: north}
        """
}
