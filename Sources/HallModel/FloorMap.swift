/// The hall's floor plan: levels, the graph a visitor walks, and the places on it.
/// Built only by `FloorMapLoader`, which guarantees every reference resolves.
public struct FloorMap: Sendable {
    public struct Level: Sendable, Hashable {
        public var id: String
        public var name: LocalizedText
    }

    public struct Area: Sendable, Hashable {
        public var id: String
        public var level: Int
        public var name: LocalizedText
        /// x, y of the south-west corner, then width and height, in metres.
        public var origin: Point
        public var width: Double
        public var height: Double

        public func contains(_ point: Point) -> Bool {
            point.x >= origin.x && point.x <= origin.x + width && point.y >= origin.y && point.y <= origin.y + height
        }
    }

    public struct Node: Sendable, Hashable {
        public var id: String
        public var level: Int
        public var at: Point
        /// Said in directions when a route passes here ("经过西厅入口").
        public var landmark: LocalizedText?
    }

    public enum EdgeKind: String, Sendable, Hashable, CaseIterable {
        case walkway, door, stairs, lift, ramp
    }

    /// One direction of travel; a two-way edge in the file is two of these.
    public struct Edge: Sendable, Hashable {
        public var from: Int
        public var to: Int
        public var kind: EdgeKind
        public var length: Double
        public var accessible: Bool
    }

    public enum PlaceKind: String, Sendable, Hashable, CaseIterable {
        case service, zone, facility, door, window
    }

    /// Where one instance of a place is: the node a visitor stands at, and the thing itself.
    public struct Spot: Sendable, Hashable {
        public var node: Int
        public var at: Point
        public var window: Int?
    }

    public struct Place: Sendable, Hashable {
        public var id: String
        public var kind: PlaceKind
        public var name: LocalizedText
        public var spots: [Spot]
        public var landmark: Bool
        /// The area the place is in, when known (zones name theirs; others by position).
        public var area: Int?
        /// For zones and windows: the zone id a window belongs to.
        public var zone: String?
        public var windowNumbers: [Int] { spots.compactMap(\.window) }
    }

    public enum Facing: String, Sendable, Hashable, CaseIterable {
        case north, east, south, west

        /// Unit vector on the plan.
        public var vector: Point {
            switch self {
            case .north: Point(x: 0, y: 1)
            case .east: Point(x: 1, y: 0)
            case .south: Point(x: 0, y: -1)
            case .west: Point(x: -1, y: 0)
            }
        }
    }

    public enum StationKind: String, Sendable, Hashable, CaseIterable {
        case robot, screen
    }

    /// Where a robot or an index screen stands; questions from it are routed from here.
    public struct Station: Sendable, Hashable {
        public var id: String
        public var kind: StationKind
        public var node: Int
        public var facing: Facing?
    }

    public var hallID: String
    public var hallName: LocalizedText
    /// Metres per second, for walking times.
    public var walkingSpeed: Double
    public var levels: [Level]
    public var areas: [Area]
    public var nodes: [Node]
    public var edges: [Edge]
    public var places: [Place]
    public var stations: [Station]

    /// Time zone, calendar file, opening hours and queue tickets (FloorMapLoader+Schedule).
    var schedule = MapSchedule()
    public var timeZone: HallTimeZone { schedule.timeZone }
    /// The calendar file the map names, relative to the map's folder.
    public var calendarFile: String? { schedule.calendarFile }
    public var hours: HallHours { schedule.hours }
    public var tickets: TicketTable { schedule.tickets }

    public private(set) var nodeIndex: [String: Int] = [:]
    public private(set) var placeIndex: [String: Int] = [:]
    public private(set) var stationIndex: [String: Int] = [:]

    init(hallID: String, hallName: LocalizedText, walkingSpeed: Double, levels: [Level], areas: [Area],
         nodes: [Node], edges: [Edge], places: [Place], stations: [Station]) {
        self.hallID = hallID
        self.hallName = hallName
        self.walkingSpeed = walkingSpeed
        self.levels = levels
        self.areas = areas
        self.nodes = nodes
        self.edges = edges
        self.places = places
        self.stations = stations
        for (i, node) in nodes.enumerated() { nodeIndex[node.id] = i }
        for (i, place) in places.enumerated() { placeIndex[place.id] = i }
        for (i, station) in stations.enumerated() { stationIndex[station.id] = i }
    }

    public func place(_ id: String) -> Place? { placeIndex[id].map { places[$0] } }
    public func station(_ id: String) -> Station? { stationIndex[id].map { stations[$0] } }

    /// The area holding a point on a level, if any.
    public func area(containing point: Point, level: Int) -> Int? {
        areas.indices.first { areas[$0].level == level && areas[$0].contains(point) }
    }

    public var windowCount: Int { places.lazy.filter { $0.kind == .window }.count }
}
