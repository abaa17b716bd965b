import HallModel
import Foundation

/// Turn-by-turn directions for one route, in one language.
public struct Directions: Sendable, Hashable, Codable {
    public struct Step: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable {
            case start, turn, level, arrive
        }

        public var kind: Kind
        public var text: String
        /// Metres walked in this step.
        public var metres: Double
        /// The node where the step begins.
        public var node: String
    }

    public var steps: [Step]
    public var metres: Double
    public var seconds: Int
    /// A one-line summary: "全程约45米，步行约1分钟。"
    public var summary: String

    public var language: Language

    public var text: String { (steps.map(\.text) + [summary]).joined(separator: language == .zh ? "" : " ") }
}

/// Which way the target is when the visitor arrives.
public enum Side: String, Sendable, Hashable, Codable {
    case left, right, ahead, behind
}

/// Writes directions a visitor understands from a path: turns from the geometry, the
/// landmarks passed, level changes, the side the destination is on, and walking time.
public struct DirectionsWriter: Sendable {
    public let map: FloorMap
    /// Turns sharper than this (degrees) are announced; gentler bends are "straight on".
    public var turnThreshold = 30.0
    /// Extra seconds a lift ride costs beyond its length: waiting for the car.
    public var liftWaitSeconds = 30.0
    private let landmarkAt: [Int: LocalizedText]

    public init(map: FloorMap) {
        self.map = map
        var landmarks: [Int: LocalizedText] = [:]
        for (i, node) in map.nodes.enumerated() {
            if let l = node.landmark { landmarks[i] = l }
        }
        for place in map.places where place.landmark {
            for spot in place.spots where landmarks[spot.node] == nil { landmarks[spot.node] = place.name }
        }
        landmarkAt = landmarks
    }

    /// A zone is reached at one of its windows: say which.
    func arrivalName(_ place: FloorMap.Place, _ spot: FloorMap.Spot, _ language: Language) -> String {
        guard place.kind == .zone, let window = spot.window else { return place.name[language] }
        return language == .zh ? "\(place.name.zh)（\(window)号窗口）" : "\(place.name.en) (window \(window))"
    }

    enum Turn {
        case straight, slightLeft, left, slightRight, right, back
    }

    static func turn(from a: Point, to b: Point, threshold: Double) -> Turn {
        // Positive angles turn left (counter-clockwise on a north-up plan).
        var angle = (atan2(b.y, b.x) - atan2(a.y, a.x)) * 180 / .pi
        while angle > 180 { angle -= 360 }
        while angle <= -180 { angle += 360 }
        let size = abs(angle)
        if size < threshold { return .straight }
        if size > 150 { return .back }
        if size < 60 { return angle > 0 ? .slightLeft : .slightRight }
        return angle > 0 ? .left : .right
    }

    static func compass(_ v: Point) -> FloorMap.Facing {
        abs(v.x) >= abs(v.y) ? (v.x >= 0 ? .east : .west) : (v.y >= 0 ? .north : .south)
    }

    /// Which side `target` is on for someone who walked along `heading` to `position`.
    public static func side(heading: Point, position: Point, target: Point) -> Side {
        let v = Point(x: target.x - position.x, y: target.y - position.y)
        let length = (v.x * v.x + v.y * v.y).squareRoot()
        guard length > 0.3 else { return .ahead }
        let cross = heading.x * v.y - heading.y * v.x
        let dot = heading.x * v.x + heading.y * v.y
        let headingLength = (heading.x * heading.x + heading.y * heading.y).squareRoot()
        let sine = cross / (length * max(headingLength, 1e-9))
        if abs(sine) < 0.5 { return dot >= 0 ? .ahead : .behind }
        return cross > 0 ? .left : .right
    }

    public func write(path: Path, to place: FloorMap.Place, spot: FloorMap.Spot, language: Language) -> Directions {
        let nodes = map.nodes
        let phrases = Phrases(language: language)
        let name = arrivalName(place, spot, language)
        var steps: [Directions.Step] = []
        var seconds = path.metres / map.walkingSpeed
        guard path.nodes.count >= 2 else {
            let text = phrases.alreadyThere(name)
            return Directions(steps: [.init(kind: .arrive, text: text, metres: 0, node: nodes[path.nodes[0]].id)],
                              metres: 0, seconds: 0, summary: "", language: language)
        }

        // Legs: runs of edges on one level without a real turn; a level change is its own leg.
        struct Leg { var from: Int; var to: Int; var metres: Double; var heading: Point; var passed: [Int]; var edge: FloorMap.EdgeKind }
        var legs: [Leg] = []
        for k in 0..<(path.nodes.count - 1) {
            let a = path.nodes[k], b = path.nodes[k + 1]
            let edge = map.edges.first { $0.from == a && $0.to == b }
            let length = edge?.length ?? nodes[a].at.distance(to: nodes[b].at)
            let kind = edge?.kind ?? .walkway
            let heading = Point(x: nodes[b].at.x - nodes[a].at.x, y: nodes[b].at.y - nodes[a].at.y)
            let levelChange = nodes[a].level != nodes[b].level
            if kind == .lift { seconds += liftWaitSeconds }
            if var last = legs.last, !levelChange, last.edge != .stairs, last.edge != .lift,
               nodes[last.to].level == nodes[b].level,
               Self.turn(from: last.heading, to: heading, threshold: turnThreshold) == .straight || length < 1.0 {
                last.passed.append(a)
                last.to = b
                last.metres += length
                if length >= 1.0 { last.heading = heading }
                legs[legs.count - 1] = last
            } else {
                legs.append(Leg(from: a, to: b, metres: length, heading: heading, passed: [],
                                edge: levelChange ? (kind == .lift ? .lift : .stairs) : kind))
            }
        }

        var previous: Leg?
        for leg in legs {
            let passed = leg.passed.compactMap { landmarkAt[$0]?[language] }
            let metres = leg.metres
            if leg.edge == .lift || leg.edge == .stairs, nodes[leg.from].level != nodes[leg.to].level {
                let level = map.levels[nodes[leg.to].level].name[language]
                steps.append(.init(kind: .level, text: phrases.changeLevel(byLift: leg.edge == .lift, to: level),
                                   metres: metres, node: nodes[leg.from].id))
                previous = nil
                continue
            }
            if let previous {
                let turn = Self.turn(from: previous.heading, to: leg.heading, threshold: turnThreshold)
                let at = landmarkAt[leg.from]?[language]
                steps.append(.init(kind: .turn, text: phrases.turn(turn, at: at, metres: metres, passing: passed),
                                   metres: metres, node: nodes[leg.from].id))
            } else {
                let direction = Self.compass(leg.heading)
                steps.append(.init(kind: steps.isEmpty ? .start : .turn,
                                   text: phrases.head(direction, metres: metres, passing: passed),
                                   metres: metres, node: nodes[leg.from].id))
            }
            previous = leg
        }
        let last = legs.last!
        let side = Self.side(heading: last.heading, position: nodes[last.to].at, target: spot.at)
        steps.append(.init(kind: .arrive, text: phrases.arrive(name, side: side), metres: 0, node: nodes[last.to].id))
        let total = Int(seconds.rounded(.up))
        return Directions(steps: steps, metres: path.metres, seconds: total, summary: phrases.summary(metres: path.metres, seconds: total), language: language)
    }
}

