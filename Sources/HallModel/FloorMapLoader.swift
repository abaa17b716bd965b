import Yams

/// Reads a floor-map YAML file (format in maps/README.md) and refuses it with one
/// `file:line: problem` per problem, or returns a map whose references all resolve.
public enum FloorMapLoader {
    public static func load(text: String, file: String) throws(ValidationError) -> FloorMap {
        var reader = YAMLReader(file: file)
        var builder = Builder()
        // An empty file is refused as "must be a mapping": finish() needs the nodes read.
        if let root = reader.document(text) {
            builder.read(root, &reader)
        }
        if reader.log.items.isEmpty, let map = builder.finish(&reader), reader.log.items.isEmpty {
            return map
        }
        throw ValidationError(reader.log.items)
    }

    struct Builder {
        var hallID = ""
        var hallName = LocalizedText(zh: "", en: "")
        var walkingSpeed = 1.0
        var levels: [FloorMap.Level] = []
        var levelIndex: [String: Int] = [:]
        var areas: [FloorMap.Area] = []
        var areaIndex: [String: Int] = [:]
        var nodes: [FloorMap.Node] = []
        var nodeIndex: [String: Int] = [:]
        var edges: [FloorMap.Edge] = []
        var places: [FloorMap.Place] = []
        var placeLines: [Int] = []
        var placeIndex: [String: Int] = [:]
        var stations: [FloorMap.Station] = []
        var stationLines: [Int] = []
        var stationIndex: [String: Int] = [:]
        var idLines: [String: Int] = [:]
        var schedule = MapSchedule()

        mutating func read(_ root: Yams.Node, _ r: inout YAMLReader) {
            let keys: Set = ["format", "hall", "levels", "areas", "nodes", "edges", "places", "windows", "stations", "hours", "tickets"]
            guard let top = r.mapping(root, allowed: keys, what: "the floor map") else { return }
            r.checkFormat(top)
            readHall(top["hall"], root, &r)
            for node in r.sequence(top["levels"], what: "levels", limit: HallFileLimits.levels) { readLevel(node, &r) }
            if levels.isEmpty { r.fail(top["levels"] ?? root, "the map needs at least one level") }
            for node in r.sequence(top["areas"], what: "areas", limit: HallFileLimits.areas) { readArea(node, &r) }
            for node in r.sequence(top["nodes"], what: "nodes", limit: HallFileLimits.nodes) { readNode(node, &r) }
            if nodes.isEmpty { r.fail(top["nodes"] ?? root, "the map needs at least one node") }
            for node in r.sequence(top["edges"], what: "edges", limit: HallFileLimits.edges) { readEdge(node, &r) }
            for node in r.sequence(top["places"], what: "places", limit: HallFileLimits.places) { readPlace(node, &r) }
            for node in r.sequence(top["windows"], what: "windows", limit: HallFileLimits.windows) { readWindow(node, &r) }
            for node in r.sequence(top["stations"], what: "stations", limit: HallFileLimits.stations) { readStation(node, &r) }
            readHours(top["hours"], &r)
            readTickets(top["tickets"], &r)
        }

        /// Ids share one namespace per kind of thing; the first definition wins.
        mutating func claim(_ id: String, kind: String, at node: Yams.Node, _ r: inout YAMLReader) -> Bool {
            let key = kind + "\u{0}" + id
            if let first = idLines[key] {
                r.fail(node, "duplicate \(kind) id '\(id)' (first defined at line \(first))")
                return false
            }
            idLines[key] = YAMLReader.line(node)
            return true
        }

        mutating func readHall(_ node: Yams.Node?, _ root: Yams.Node, _ r: inout YAMLReader) {
            guard let node else { return r.fail(root, "the floor map is missing 'hall'") }
            guard let f = r.mapping(node, allowed: Self.hallTimeKeys.union(["id", "name", "walking_speed"]), what: "hall") else { return }
            readHallTime(f, in: node, &r)
            hallID = r.string(f, "id", in: node, what: "hall") ?? ""
            hallName = r.localized(f["name"], in: node, key: "name", what: "hall") ?? hallName
            if let speed = r.number(f, "walking_speed", what: "hall") {
                if speed > 0 { walkingSpeed = speed } else { r.fail(f["walking_speed"]!, "walking_speed must be positive") }
            }
        }

        mutating func readLevel(_ node: Yams.Node, _ r: inout YAMLReader) {
            guard let f = r.mapping(node, allowed: ["id", "name"], what: "a level"),
                  let id = r.string(f, "id", in: node, what: "a level") else { return }
            let name = r.localized(f["name"], in: node, key: "name", what: "level '\(id)'")
            guard claim(id, kind: "level", at: node, &r), let name else { return }
            levelIndex[id] = levels.count
            levels.append(.init(id: id, name: name))
        }

        mutating func level(_ f: [String: Yams.Node], in node: Yams.Node, what: String, _ r: inout YAMLReader) -> Int? {
            guard let id = r.string(f, "level", in: node, what: what) else { return nil }
            guard let index = levelIndex[id] else {
                r.fail(f["level"]!, "\(what) is on unknown level '\(id)'")
                return nil
            }
            return index
        }

        mutating func readArea(_ node: Yams.Node, _ r: inout YAMLReader) {
            guard let f = r.mapping(node, allowed: ["id", "level", "name", "rect"], what: "an area"),
                  let id = r.string(f, "id", in: node, what: "an area") else { return }
            let what = "area '\(id)'"
            let level = level(f, in: node, what: what, &r)
            let name = r.localized(f["name"], in: node, key: "name", what: what)
            let rect = r.sequence(f["rect"], what: "rect of \(what)").compactMap { $0.float ?? $0.int.map(Double.init) }
            guard rect.count == 4, rect[2] > 0, rect[3] > 0 else {
                return r.fail(f["rect"] ?? node, "\(what) needs rect: [x, y, width, height] with positive width and height")
            }
            guard claim(id, kind: "area", at: node, &r), let level, let name else { return }
            areaIndex[id] = areas.count
            areas.append(.init(id: id, level: level, name: name, origin: Point(x: rect[0], y: rect[1]), width: rect[2], height: rect[3]))
        }

        mutating func readNode(_ node: Yams.Node, _ r: inout YAMLReader) {
            guard let f = r.mapping(node, allowed: ["id", "level", "at", "landmark"], what: "a node"),
                  let id = r.string(f, "id", in: node, what: "a node") else { return }
            let what = "node '\(id)'"
            let level = level(f, in: node, what: what, &r)
            let at = r.point(f["at"], what: what)
            if f["at"] == nil { r.fail(node, "\(what) is missing 'at: [x, y]'") }
            let landmark = f["landmark"] == nil ? nil : r.localized(f["landmark"], in: node, key: "landmark", what: what)
            guard claim(id, kind: "node", at: node, &r), let level, let at else { return }
            nodeIndex[id] = nodes.count
            nodes.append(.init(id: id, level: level, at: at, landmark: landmark))
        }

        mutating func nodeRef(_ f: [String: Yams.Node], _ key: String, in node: Yams.Node, what: String, _ r: inout YAMLReader) -> Int? {
            guard let id = r.string(f, key, in: node, what: what) else { return nil }
            guard let index = nodeIndex[id] else {
                r.fail(f[key]!, "\(what) names unknown node '\(id)'")
                return nil
            }
            return index
        }

        mutating func readEdge(_ node: Yams.Node, _ r: inout YAMLReader) {
            let keys: Set = ["from", "to", "kind", "length", "oneway", "accessible"]
            guard let f = r.mapping(node, allowed: keys, what: "an edge") else { return }
            let what = "edge"
            let from = nodeRef(f, "from", in: node, what: what, &r)
            let to = nodeRef(f, "to", in: node, what: what, &r)
            var kind = FloorMap.EdgeKind.walkway
            if let name = r.string(f, "kind", in: node, what: what, required: false) {
                guard let known = FloorMap.EdgeKind(rawValue: name) else {
                    return r.fail(f["kind"]!, "unknown edge kind '\(name)' (walkway, door, stairs, lift, ramp)")
                }
                kind = known
            }
            let given = r.number(f, "length", what: what)
            let oneway = r.bool(f, "oneway", what: what) ?? false
            let accessible = r.bool(f, "accessible", what: what) ?? (kind != .stairs)
            guard let from, let to else { return }
            if from == to { return r.fail(node, "edge from '\(nodes[from].id)' to itself") }
            if kind == .stairs && accessible {
                return r.fail(f["accessible"]!, "stairs cannot be accessible")
            }
            let length: Double
            if let given {
                guard given > 0 else { return r.fail(f["length"]!, "edge length must be positive, got \(given)") }
                length = given
            } else if nodes[from].level != nodes[to].level {
                return r.fail(node, "edge between levels ('\(nodes[from].id)' to '\(nodes[to].id)') needs a length")
            } else {
                length = nodes[from].at.distance(to: nodes[to].at)
                guard length > 0 else {
                    return r.fail(node, "edge '\(nodes[from].id)' to '\(nodes[to].id)' has zero length (same coordinates)")
                }
            }
            edges.append(.init(from: from, to: to, kind: kind, length: length, accessible: accessible))
            if !oneway {
                edges.append(.init(from: to, to: from, kind: kind, length: length, accessible: accessible))
            }
        }

        mutating func spot(_ f: [String: Yams.Node], in node: Yams.Node, what: String, window: Int? = nil, _ r: inout YAMLReader) -> FloorMap.Spot? {
            let index = nodeRef(f, "node", in: node, what: what, &r)
            let at = f["at"] == nil ? nil : r.point(f["at"], what: what)
            guard let index else { return nil }
            return .init(node: index, at: at ?? nodes[index].at, window: window)
        }

        mutating func readPlace(_ node: Yams.Node, _ r: inout YAMLReader) {
            let keys: Set = ["id", "kind", "name", "node", "at", "instances", "landmark", "area"]
            guard let f = r.mapping(node, allowed: keys, what: "a place"),
                  let id = r.string(f, "id", in: node, what: "a place") else { return }
            let what = "place '\(id)'"
            let kindName = r.string(f, "kind", in: node, what: what) ?? ""
            guard let kind = FloorMap.PlaceKind(rawValue: kindName), kind != .window else {
                if f["kind"] != nil { r.fail(f["kind"]!, "unknown place kind '\(kindName)' (service, zone, facility, door)") }
                return
            }
            let name = r.localized(f["name"], in: node, key: "name", what: what)
            var spots: [FloorMap.Spot] = []
            if let instances = f["instances"] {
                if f["node"] != nil { r.fail(node, "\(what) has both 'node' and 'instances'") }
                for item in r.sequence(instances, what: "instances of \(what)", limit: HallFileLimits.instancesPerPlace) {
                    guard let g = r.mapping(item, allowed: ["node", "at"], what: "an instance of \(what)") else { continue }
                    if let s = spot(g, in: item, what: "an instance of \(what)", &r) { spots.append(s) }
                }
                if spots.isEmpty { r.fail(instances, "\(what) lists no instances") }
            } else if f["node"] != nil {
                if let s = spot(f, in: node, what: what, &r) { spots.append(s) }
            } else if kind != .zone {
                r.fail(node, "\(what) needs 'node' or 'instances'")
            }
            var area: Int?
            if let areaID = r.string(f, "area", in: node, what: what, required: false) {
                area = areaIndex[areaID]
                if area == nil { r.fail(f["area"]!, "\(what) is in unknown area '\(areaID)'") }
            } else if let first = spots.first {
                area = areaContaining(first)
            }
            let landmark = r.bool(f, "landmark", what: what) ?? false
            guard claim(id, kind: "place", at: node, &r), let name else { return }
            placeIndex[id] = places.count
            placeLines.append(YAMLReader.line(node))
            places.append(.init(id: id, kind: kind, name: name, spots: spots, landmark: landmark, area: area, zone: nil))
        }

        func areaContaining(_ spot: FloorMap.Spot) -> Int? {
            areas.indices.first { areas[$0].level == nodes[spot.node].level && areas[$0].contains(spot.at) }
        }

        mutating func readWindow(_ node: Yams.Node, _ r: inout YAMLReader) {
            guard let f = r.mapping(node, allowed: ["number", "zone", "node", "at"], what: "a window") else { return }
            guard let numberNode = f["number"], let number = numberNode.int, number > 0 else {
                return r.fail(f["number"] ?? node, "a window needs 'number', a positive whole number")
            }
            let what = "window \(number)"
            let zoneID = r.string(f, "zone", in: node, what: what)
            guard let spot = spot(f, in: node, what: what, window: number, &r), let zoneID else { return }
            guard let zone = placeIndex[zoneID], places[zone].kind == .zone else {
                return r.fail(f["zone"]!, "\(what) is in '\(zoneID)', which is not a place of kind zone")
            }
            guard claim("window-\(number)", kind: "place", at: node, &r) else {
                return r.fail(numberNode, "window number \(number) is used twice")
            }
            places[zone].spots.append(spot)
            let name = LocalizedText(zh: "\(number)号窗口", en: "window \(number)")
            placeIndex["window-\(number)"] = places.count
            placeLines.append(YAMLReader.line(node))
            places.append(.init(id: "window-\(number)", kind: .window, name: name, spots: [spot], landmark: false,
                                area: places[zone].area ?? areaContaining(spot), zone: zoneID))
        }

        mutating func readStation(_ node: Yams.Node, _ r: inout YAMLReader) {
            guard let f = r.mapping(node, allowed: ["id", "kind", "node", "facing"], what: "a station"),
                  let id = r.string(f, "id", in: node, what: "a station") else { return }
            let what = "station '\(id)'"
            let kindName = r.string(f, "kind", in: node, what: what) ?? ""
            let kind = FloorMap.StationKind(rawValue: kindName)
            if kind == nil, f["kind"] != nil { r.fail(f["kind"]!, "unknown station kind '\(kindName)' (robot, screen)") }
            let at = nodeRef(f, "node", in: node, what: what, &r)
            var facing: FloorMap.Facing?
            if let name = r.string(f, "facing", in: node, what: what, required: false) {
                facing = FloorMap.Facing(rawValue: name)
                if facing == nil { r.fail(f["facing"]!, "facing must be north, east, south or west") }
            }
            guard claim(id, kind: "station", at: node, &r), let kind, let at else { return }
            stationIndex[id] = stations.count
            stationLines.append(YAMLReader.line(node))
            stations.append(.init(id: id, kind: kind, node: at, facing: facing))
        }

        /// Checks that need the whole file: empty zones and reachability from every station.
        mutating func finish(_ r: inout YAMLReader) -> FloorMap? {
            for (i, place) in places.enumerated() where place.spots.isEmpty {
                r.log.add(placeLines[i], "zone '\(place.id)' has no windows")
            }
            var outgoing = [[Int]](repeating: [], count: nodes.count)
            for edge in edges { outgoing[edge.from].append(edge.to) }
            let starts: [(String, Int)] = stations.isEmpty
                ? [("node '\(nodes[0].id)'", 0)]
                : stations.map { ("station '\($0.id)'", $0.node) }
            var reported = Set<Int>()
            for (name, start) in starts {
                var seen = [Bool](repeating: false, count: nodes.count)
                var stack = [start]
                seen[start] = true
                while let n = stack.popLast() {
                    for m in outgoing[n] where !seen[m] {
                        seen[m] = true
                        stack.append(m)
                    }
                }
                for (i, place) in places.enumerated() where !place.spots.isEmpty && !reported.contains(i) {
                    if !place.spots.contains(where: { seen[$0.node] }) {
                        reported.insert(i)
                        r.log.add(placeLines[i], "place '\(place.id)' cannot be reached from \(name)")
                    }
                }
                for (i, station) in stations.enumerated() where !seen[station.node] {
                    r.log.add(stationLines[i], "station '\(station.id)' cannot be reached from \(name)")
                }
            }
            guard r.log.items.isEmpty else { return nil }
            var map = FloorMap(hallID: hallID, hallName: hallName, walkingSpeed: walkingSpeed, levels: levels, areas: areas,
                               nodes: nodes, edges: edges, places: places, stations: stations)
            map.schedule = schedule
            return map
        }
    }
}
