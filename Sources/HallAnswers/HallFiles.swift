import Foundation
import HallModel

/// Reads staff files from disk (the I/O edge of loading); missing pieces come from the
/// built-in default hall.
public enum HallFiles {
    /// Loads and validates a hall from a map file and an intents directory; either may be
    /// nil to use the built-in one.
    public static func load(map mapPath: String?, intents intentsPath: String?) throws(ValidationError) -> Hall {
        let mapFile = try mapPath.map { path throws(ValidationError) in try read(path) } ?? DefaultHall.mapFile
        let intentFiles = try intentsPath.map { path throws(ValidationError) in try readDirectory(path, suffix: ".yaml") }
            ?? DefaultHall.intentFiles
        if mapPath == nil {
            return try Hall(mapFile: mapFile, intentFiles: intentFiles, calendarFile: Hall.embeddedCalendar)
        }
        // The calendar the map names lives beside it (or where its absolute path says).
        return try Hall(mapFile: mapFile, intentFiles: intentFiles) { name throws(ValidationError) in
            try read(name.hasPrefix("/") ? name : (URL(fileURLWithPath: mapFile.path).deletingLastPathComponent().path + "/" + name))
        }
    }

    public static func read(_ path: String) throws(ValidationError) -> (path: String, text: String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError([Diagnostic(file: path, line: 1, "cannot read the file")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ValidationError([Diagnostic(file: path, line: 1, "the file is not UTF-8 text")])
        }
        return (path, text)
    }

    /// Every file with the suffix directly inside a directory, in name order.
    public static func readDirectory(_ path: String, suffix: String) throws(ValidationError) -> [(path: String, text: String)] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw ValidationError([Diagnostic(file: path, line: 1, "cannot read the directory")])
        }
        let base = path.hasSuffix("/") ? path : path + "/"
        var files: [(path: String, text: String)] = []
        var problems: [Diagnostic] = []
        for name in names.sorted() where name.hasSuffix(suffix) && !name.hasPrefix(".") {
            do { files.append(try read(base + name)) } catch { problems += error.diagnostics }
        }
        if files.isEmpty && problems.isEmpty {
            problems.append(Diagnostic(file: path, line: 1, "no \(suffix) files in the directory"))
        }
        guard problems.isEmpty else { throw ValidationError(problems) }
        return files
    }

    /// Writes the built-in hall's files under a directory, to copy and edit.
    public static func exportDefault(to directory: String) throws {
        let fm = FileManager.default
        for file in DefaultHall.files {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(file.path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.text.utf8).write(to: url)
        }
    }
}
