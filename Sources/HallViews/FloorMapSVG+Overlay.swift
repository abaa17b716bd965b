import HallAnswers
import HallModel
import Wayfinding

/// The title, the route on top of the plan, the legend and the scale bar.
extension FloorMapSVG {
    static func legendHeight(zoneRows: Int) -> Double { 24 + 44 + 12 + Double(zoneRows) * 24 }

    func drawHeader(_ svg: inout SVGDocument) {
        let levelName = map.levels[level].name
        svg.element("text", ["class": "title", "x": fmt(Self.margin), "y": fmt(Self.margin + 28), "font-size": "30",
                             "font-weight": "bold", "fill": "#102027"],
                    text: "\(map.hallName.zh) · \(levelName.zh)")
        var subtitle = "\(map.hallName.en), \(levelName.en) · 平面图 floor plan, north up"
        if let note { subtitle += " · \(note)" }
        svg.element("text", ["class": "subtitle", "x": fmt(Self.margin), "y": fmt(Self.margin + 56), "font-size": "17",
                             "fill": "#455a64"], text: subtitle)
        if let route {
            let metres = Int(route.metres.rounded())
            let minutes = max(1, Int((Double(route.seconds) / 60).rounded()))
            svg.element("text", ["class": "route-summary", "x": fmt(Self.margin), "y": fmt(Self.margin + 82), "font-size": "17",
                                 "font-weight": "bold", "fill": Palette.route],
                        text: "路线 route: \(route.from) → \(route.to)\(route.window.map { "（\($0)号窗口）" } ?? "") · "
                            + "\(metres) 米 m · 约 \(minutes) 分钟 min\(route.accessible ? " · 无障碍 step-free" : "")")
        }
        // North arrow and scale bar at the top right: the plan is drawn north up, to scale.
        let x = width - Self.margin - 20, y = Self.margin + 8
        drawScaleBar(&svg, right: x - 50, y: y + 30)
        svg.element("path", ["class": "north-arrow", "d": "M \(fmt(x)) \(fmt(y)) l 12 34 l -12 -9 l -12 9 z", "fill": "#37474f"])
        svg.element("text", ["x": fmt(x), "y": fmt(y + 58), "text-anchor": "middle", "font-size": "16",
                             "font-weight": "bold", "fill": "#37474f"], text: "北 N")
    }

    /// The route's nodes on this level, a thick line through them.
    func drawRouteLine(_ svg: inout SVGDocument) {
        guard let route else { return }
        let levelID = map.levels[level].id
        svg.open("g", ["class": "route-layer"])
        // One polyline per run of consecutive points on this level (a route may leave and come back).
        var runs: [[Answer.Route.Point]] = [[]]
        for p in route.points {
            if p.level == levelID { runs[runs.count - 1].append(p) } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
        }
        for (index, run) in runs.enumerated() where run.count > 1 {
            let points = run.map { point(Point(x: $0.x, y: $0.y)) }.map { "\(fmt($0.x)),\(fmt($0.y))" }.joined(separator: " ")
            var attributes = [("class", "route"), ("points", points), ("fill", "none"), ("stroke", Palette.route),
                              ("stroke-width", "8"), ("stroke-opacity", "0.85"), ("stroke-linejoin", "round"),
                              ("stroke-linecap", "round")]
            // The first run is the one a page finds by id; it names every node of the walk,
            // so a screen can check what it draws against the route it was given.
            if index == 0 { attributes += [("id", "route-path"), ("data-nodes", route.nodes.joined(separator: " "))] }
            svg.element("polyline", attributes)
        }
        // From where the visitor stops to the counter or place itself.
        if let last = route.points.last, last.level == levelID, let place = map.place(route.to),
           let spot = place.spots.first(where: { map.nodes[$0.node].id == last.node }) {
            let a = point(Point(x: last.x, y: last.y)), b = point(spot.at)
            svg.element("line", ["class": "route-arrival", "x1": fmt(a.x), "y1": fmt(a.y), "x2": fmt(b.x), "y2": fmt(b.y),
                                 "stroke": Palette.route, "stroke-width": "3", "stroke-dasharray": "5 4"])
        }
        svg.close("g")
    }

    /// Start and end markers, and the number of every turn, matching the steps `hallctl route`
    /// prints. Drawn last: nothing may hide where to turn.
    func drawRouteMarkers(_ svg: inout SVGDocument) {
        guard let route else { return }
        let levelID = map.levels[level].id
        svg.open("g", ["class": "route-markers"])
        for (i, step) in route.steps.enumerated() where step.kind == .turn || step.kind == .level {
            guard let node = map.nodeIndex[step.node], map.nodes[node].level == level else { continue }
            let p = point(node: node)
            svg.element("circle", ["class": "route-step", "cx": fmt(p.x), "cy": fmt(p.y), "r": "12", "fill": "#ffffff",
                                   "stroke": Palette.route, "stroke-width": "3"])
            svg.element("text", ["class": "route-step-number", "x": fmt(p.x), "y": fmt(p.y + 5), "text-anchor": "middle",
                                 "font-size": "14", "font-weight": "bold", "fill": Palette.route], text: String(i + 1))
        }
        if let first = route.points.first, first.level == levelID {
            marker("起", class: "route-start", at: point(Point(x: first.x, y: first.y)), fill: "#2e7d32", in: &svg)
        }
        if let last = route.points.last, last.level == levelID {
            marker("终", class: "route-end", at: point(Point(x: last.x, y: last.y)), fill: Palette.route, in: &svg)
        }
        svg.close("g")
    }

    /// The station a screen stands at: a ring the page labels 您在这里 You are here.
    func drawYouAreHere(_ svg: inout SVGDocument) {
        guard let youAreHere, let station = map.station(youAreHere), map.nodes[station.node].level == level else { return }
        let p = point(node: station.node)
        svg.open("g", ["id": "you-are-here", "class": "you-are-here", "data-station": youAreHere])
        svg.element("circle", ["cx": fmt(p.x), "cy": fmt(p.y), "r": "22", "fill": "#d32f2f", "fill-opacity": "0.18",
                               "stroke": "#d32f2f", "stroke-width": "3"])
        svg.element("circle", ["cx": fmt(p.x), "cy": fmt(p.y), "r": "8", "fill": "#d32f2f", "stroke": "#ffffff", "stroke-width": "3"])
        svg.close("g")
    }

    private func marker(_ label: String, class name: String, at p: (x: Double, y: Double), fill: String, in svg: inout SVGDocument) {
        svg.element("circle", ["class": name, "cx": fmt(p.x), "cy": fmt(p.y), "r": "15", "fill": fill,
                               "stroke": "#ffffff", "stroke-width": "3"])
        svg.element("text", ["x": fmt(p.x), "y": fmt(p.y + 6), "text-anchor": "middle", "font-size": "16",
                             "font-weight": "bold", "fill": "#ffffff"], text: label)
    }

    /// Below the plan: the symbols, a scale bar, then every zone with its colour and windows.
    func drawLegend(_ svg: inout SVGDocument) {
        let top = originY + (maxY - minY) * pixelsPerMetre + 24
        svg.open("g", ["class": "legend"])
        var x = Self.margin
        let y = top + 16
        func label(_ text: String) {
            svg.element("text", ["x": fmt(x), "y": fmt(y + 6), "font-size": "15", "fill": "#263238"], text: text)
            x += textWidth(text, fontSize: 15) + 30
        }
        svg.element("rect", ["x": fmt(x), "y": fmt(y - 11), "width": "30", "height": "22", "rx": "3", "fill": Palette.zone(0)])
        svg.element("text", ["x": fmt(x + 15), "y": fmt(y + 5), "text-anchor": "middle", "font-size": "14",
                             "font-weight": "bold", "fill": "#ffffff"], text: "12")
        x += 38; label("窗口 window")
        for (fill, text) in [(Palette.service, "服务区 service area"), (Palette.facility, "设施 facility")] {
            svg.element("circle", ["cx": fmt(x + 7), "cy": fmt(y), "r": "7", "fill": fill])
            x += 20; label(text)
        }
        Icons.station(.robot, at: (x + 10, y), in: &svg); x += 26; label("机器人 robot")
        Icons.station(.screen, at: (x + 10, y), in: &svg); x += 26; label("指路屏 index screen")
        svg.element("line", ["x1": fmt(x), "y1": fmt(y), "x2": fmt(x + 30), "y2": fmt(y), "stroke": "#cfd8dc", "stroke-width": "3"])
        x += 38; label("通道 walkway")
        if route != nil {
            svg.element("line", ["x1": fmt(x), "y1": fmt(y), "x2": fmt(x + 30), "y2": fmt(y), "stroke": Palette.route, "stroke-width": "8"])
            x += 38; label("路线 route (2, 3… = 转弯 turns)")
        }

        // Zones in columns: colour, window numbers, zh and en names.
        let columnWidth = (width - 2 * Self.margin) / Double(Self.legendColumns)
        let rows = (zones.count + Self.legendColumns - 1) / Self.legendColumns
        for (i, zone) in zones.enumerated() {
            let cx = Self.margin + Double(i / rows) * columnWidth, cy = y + 44 + Double(i % rows) * 24
            svg.element("rect", ["x": fmt(cx), "y": fmt(cy - 12), "width": "16", "height": "16", "rx": "2", "fill": zone.colour])
            let windows = Self.ranges(zone.windows)
            svg.element("text", ["class": "legend-zone", "x": fmt(cx + 24), "y": fmt(cy + 1), "font-size": "15", "fill": "#263238"],
                        text: "\(windows.isEmpty ? "" : windows + "  ")\(zone.place.name.zh)  \(zone.place.name.en.strippingArticle)")
        }
        svg.close("g")
    }

    /// A bar of whole metres, about a fifth of the plan wide, in alternating 5 m blocks.
    private func drawScaleBar(_ svg: inout SVGDocument, right: Double, y: Double) {
        let span = maxX - minX
        let metres = [5.0, 10, 20, 50, 100].last { $0 <= span / 4 } ?? 5
        let blocks = metres >= 20 ? 4 : 2, block = metres / Double(blocks) * pixelsPerMetre
        let left = right - metres * pixelsPerMetre - 30
        svg.open("g", ["class": "scale-bar"])
        for i in 0..<blocks {
            svg.element("rect", ["x": fmt(left + Double(i) * block), "y": fmt(y - 4), "width": fmt(block), "height": "8",
                                 "fill": i % 2 == 0 ? "#263238" : "#ffffff", "stroke": "#263238", "stroke-width": "1"])
        }
        for (value, at) in [(0.0, left), (metres / 2, left + metres * pixelsPerMetre / 2), (metres, left + metres * pixelsPerMetre)] {
            svg.element("text", ["x": fmt(at), "y": fmt(y - 9), "text-anchor": "middle", "font-size": "13", "fill": "#263238"],
                        text: fmt(value))
        }
        svg.element("text", ["x": fmt(left + metres * pixelsPerMetre + 8), "y": fmt(y + 5), "font-size": "14", "fill": "#263238"],
                    text: "米 m")
        svg.close("g")
    }

    /// [1, 2, 3, 4, 12] → "1–4, 12".
    static func ranges(_ numbers: [Int]) -> String {
        var parts: [String] = [], i = 0
        while i < numbers.count {
            var j = i
            while j + 1 < numbers.count && numbers[j + 1] == numbers[j] + 1 { j += 1 }
            parts.append(i == j ? "\(numbers[i])" : "\(numbers[i])–\(numbers[j])")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }
}

/// Colours chosen for print: zones far apart in hue so neighbouring counters differ.
enum Palette {
    static let route = "#d32f2f"
    static let service = "#1565c0"
    static let facility = "#2e7d32"
    static let areaFills = ["#eef3f9", "#fbf6ea", "#eef7ef", "#f6eef7"]

    /// The i-th zone's colour: hues a golden angle apart, dark enough for white numbers.
    static func zone(_ i: Int) -> String {
        let hue = (Double(i) * 137.508).truncatingRemainder(dividingBy: 360)
        let lightness = i % 2 == 0 ? 0.36 : 0.44
        return hex(hue: hue, saturation: 0.62, lightness: lightness)
    }

    static func hex(hue: Double, saturation s: Double, lightness l: Double) -> String {
        let c = (1 - abs(2 * l - 1)) * s, h = hue / 60
        let x = c * (1 - abs(h.truncatingRemainder(dividingBy: 2) - 1)), m = l - c / 2
        let (r, g, b): (Double, Double, Double) = switch Int(h) {
        case 0: (c, x, 0)
        case 1: (x, c, 0)
        case 2: (0, c, x)
        case 3: (0, x, c)
        case 4: (x, 0, c)
        default: (c, 0, x)
        }
        let digits = Array("0123456789abcdef")
        return "#" + [r, g, b].map { v -> String in
            let byte = max(0, min(255, Int(((v + m) * 255).rounded())))
            return String([digits[byte / 16], digits[byte % 16]])
        }.joined()
    }
}

/// Small pictures for stations: a robot's head and an index screen on its stand.
enum Icons {
    static func colour(_ kind: FloorMap.StationKind) -> String { kind == .robot ? "#6a1b9a" : "#00838f" }

    static func station(_ kind: FloorMap.StationKind, at p: (x: Double, y: Double), in svg: inout SVGDocument) {
        let c = colour(kind)
        switch kind {
        case .robot:
            svg.element("line", ["x1": fmt(p.x), "y1": fmt(p.y - 16), "x2": fmt(p.x), "y2": fmt(p.y - 10), "stroke": c, "stroke-width": "2"])
            svg.element("rect", ["class": "robot", "x": fmt(p.x - 11), "y": fmt(p.y - 10), "width": "22", "height": "20",
                                 "rx": "6", "fill": c, "stroke": "#ffffff", "stroke-width": "1.5"])
            for dx in [-5.0, 5.0] {
                svg.element("circle", ["cx": fmt(p.x + dx), "cy": fmt(p.y - 2), "r": "2.6", "fill": "#ffffff"])
            }
            svg.element("line", ["x1": fmt(p.x - 5), "y1": fmt(p.y + 5), "x2": fmt(p.x + 5), "y2": fmt(p.y + 5),
                                 "stroke": "#ffffff", "stroke-width": "1.8"])
        case .screen:
            svg.element("rect", ["class": "screen", "x": fmt(p.x - 12), "y": fmt(p.y - 12), "width": "24", "height": "17",
                                 "rx": "2", "fill": c, "stroke": "#ffffff", "stroke-width": "1.5"])
            svg.element("rect", ["x": fmt(p.x - 8), "y": fmt(p.y - 8), "width": "16", "height": "9", "fill": "#b2ebf2"])
            svg.element("line", ["x1": fmt(p.x), "y1": fmt(p.y + 5), "x2": fmt(p.x), "y2": fmt(p.y + 11), "stroke": c, "stroke-width": "3"])
            svg.element("line", ["x1": fmt(p.x - 6), "y1": fmt(p.y + 11), "x2": fmt(p.x + 6), "y2": fmt(p.y + 11),
                                 "stroke": c, "stroke-width": "3"])
        }
    }
}
