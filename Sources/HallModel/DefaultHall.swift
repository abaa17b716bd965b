/// The built-in hall (Changchun's municipal service hall), embedded at build time from
/// the repository's maps/ and intents/ folders.
public enum DefaultHall {
    /// Every embedded file as (path relative to the repository, text).
    public static var files: [(path: String, text: String)] { DefaultHallFiles.all }

    /// Calendars end in `.calendar.yaml`; the map is the other YAML file in maps/.
    static let calendarSuffix = ".calendar.yaml"

    public static var mapFile: (path: String, text: String) {
        DefaultHallFiles.all.first { $0.path.hasPrefix("maps/") && $0.path.hasSuffix(".yaml") && !$0.path.hasSuffix(calendarSuffix) }!
    }

    /// A file beside the map, by the name the map gives it (its `hall.calendar`).
    public static func mapsFile(named name: String) -> (path: String, text: String)? {
        DefaultHallFiles.all.first { $0.path == "maps/" + name }
    }

    public static var intentFiles: [(path: String, text: String)] {
        DefaultHallFiles.all.filter { $0.path.hasPrefix("intents/") && $0.path.hasSuffix(".yaml") }
    }

    public static var testFiles: [(path: String, text: String)] {
        DefaultHallFiles.all.filter { $0.path.hasPrefix("intents/") && $0.path.hasSuffix(".tsv") }
    }
}
