import HallModel
import IntentMatching
import Wayfinding

/// One loaded, validated hall: the floor map, the compiled matcher and the precomputed
/// routes. Immutable; a reload builds a new one and swaps it in whole. A class, not a
/// struct: every event loop shares it and it is handed around per question, and a struct
/// this size would retain each of its tables on every copy.
public final class Hall: Sendable {
    public let map: FloorMap
    public let intents: IntentSet
    public let matcher: IntentMatcher
    public let router: Router
    public let directions: DirectionsWriter
    /// Hours, calendar and time zone: what the live answers judge "open" by.
    public let timetable: HallTimetable
    /// Identifies the data: a hash of every file's text, shown in status and answers.
    public let version: String
    private let intentByID: [String: Intent]
    /// Worded routes from stations and places (a cache: answers are the same without it).
    let memo = AnswerMemo()

    /// Validates the map and the intents together; every problem comes back at once.
    /// A map that names a calendar file (`hall.calendar`) needs the other initialiser.
    public convenience init(mapFile: (path: String, text: String), intentFiles: [(path: String, text: String)]) throws(ValidationError) {
        try self.init(mapFile: mapFile, intentFiles: intentFiles) { name throws(ValidationError) in
            throw ValidationError([Diagnostic(file: mapFile.path, line: 1, "the map names calendar '\(name)', which was not given")])
        }
    }

    /// `calendarFile` turns the name the map gives its calendar into the file's path and
    /// text (HallFiles reads it beside the map; the built-in hall has it embedded).
    public init(mapFile: (path: String, text: String), intentFiles: [(path: String, text: String)],
                calendarFile: (String) throws(ValidationError) -> (path: String, text: String)) throws(ValidationError) {
        var problems: [Diagnostic] = []
        var map: FloorMap?
        var intents: IntentSet?
        var calendar = HallCalendar.none
        var calendarText: (path: String, text: String)?
        do { map = try FloorMapLoader.load(text: mapFile.text, file: mapFile.path) } catch { problems += error.diagnostics }
        do { intents = try IntentsLoader.load(files: intentFiles) } catch { problems += error.diagnostics }
        if let name = map?.calendarFile {
            do {
                let file = try calendarFile(name)
                calendarText = file
                calendar = try CalendarLoader.load(text: file.text, file: file.path)
            } catch {
                problems += error.diagnostics
            }
        }
        guard let map, let intents, problems.isEmpty else { throw ValidationError(problems) }
        let windows = Set(map.places.filter { $0.kind == .window }.flatMap(\.windowNumbers))
        let matcher: IntentMatcher
        do {
            matcher = try IntentMatcher(intents: intents, knownDestinations: Set(map.placeIndex.keys), windows: windows,
                                        windowZones: Set(map.places.filter { $0.spots.contains { $0.window != nil } }.map(\.id)))
        } catch {
            throw ValidationError(problems + error.diagnostics)
        }
        self.map = map
        self.intents = intents
        self.matcher = matcher
        router = Router(map: map)
        directions = DirectionsWriter(map: map)
        timetable = HallTimetable(timeZone: map.timeZone, hours: map.hours, calendar: calendar)
        version = DataVersion.of([mapFile] + intentFiles + (calendarText.map { [$0] } ?? []))
        intentByID = Dictionary(intents.intents.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The built-in default hall (Changchun's municipal hall).
    public static func builtIn() throws(ValidationError) -> Hall {
        try Hall(mapFile: DefaultHall.mapFile, intentFiles: DefaultHall.intentFiles, calendarFile: embeddedCalendar)
    }

    /// The built-in calendar by the name a map gives it.
    static func embeddedCalendar(_ name: String) throws(ValidationError) -> (path: String, text: String) {
        guard let file = DefaultHall.mapsFile(named: name) else {
            throw ValidationError([Diagnostic(file: DefaultHall.mapFile.path, line: 1, "calendar '\(name)' is not among the built-in files")])
        }
        return file
    }

    public func intent(_ id: String) -> Intent? { intentByID[id] }

    /// Resolves a starting point: a station id, a place id (its first spot) or a node id.
    public func startNode(_ name: String) -> Int? {
        if let station = map.station(name) { return station.node }
        if let place = map.place(name), let spot = place.spots.first { return spot.node }
        return map.nodeIndex[name]
    }

    /// Facing of the station at a start, if the start is a station.
    public func stationFacing(_ name: String) -> FloorMap.Facing? { map.station(name)?.facing }
}

/// A short, stable fingerprint of the hall's files (FNV-1a 64 over paths and texts).
public enum DataVersion {
    public static func of(_ files: [(path: String, text: String)]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for file in files.sorted(by: { $0.path < $1.path }) {
            for byte in file.path.utf8 + [0] + file.text.utf8 + [0] {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
