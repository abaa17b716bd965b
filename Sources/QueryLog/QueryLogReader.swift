import Foundation
import GRDB

public enum QueryLogError: Error, CustomStringConvertible, Equatable {
    case noSuchFile(String)
    case notAQueryLog(String)
    case cannotRead(String, String)

    public var description: String {
        switch self {
        case .noSuchFile(let path):
            "no query log at \(path) (halld writes it when query_log is on; name another with --log FILE or $HALLGUIDE_QUERY_LOG)"
        case .notAQueryLog(let path): "\(path) is not a HallGuide query log (no 'queries' table)"
        case let .cannotRead(path, why): "cannot read \(path): \(why)"
        }
    }
}

/// Reads a query log (read-only; halld may be writing it at the same time: WAL lets a
/// reader see the last committed state without blocking the writer).
public enum QueryLogReader {
    /// Every record at or after `since` (the whole log when nil), oldest first.
    public static func records(path: String, since: Date?) throws(QueryLogError) -> [QueryRecord] {
        guard FileManager.default.fileExists(atPath: path) else { throw .noSuchFile(path) }
        do {
            return try read(path, since: since, notAQueryLog: path)
        } catch let error as QueryLogError {
            throw error
        } catch {
            // A reader that may not write the log's directory (an operator in the hallguide
            // group) cannot open a WAL database whose -wal and -shm files are gone, as they
            // are once halld has stopped and checkpointed. Nothing then writes it: read the
            // file as immutable (SQLite URI; Debian's libsqlite3 is built with USE_URI).
            if !FileManager.default.fileExists(atPath: path + "-wal"),
               let records = try? read(immutableURI(path), since: since, notAQueryLog: path) {
                return records
            }
            throw .cannotRead(path, "\(error)")
        }
    }

    private static func read(_ location: String, since: Date?, notAQueryLog path: String) throws -> [QueryRecord] {
        let queue = try DatabaseQueue(path: location, configuration: QueryLogSchema.readerConfiguration())
        defer { try? queue.close() }
        return try queue.read { db in
            guard try db.tableExists(QueryLogSchema.table) else { throw QueryLogError.notAQueryLog(path) }
            return try QueryLogSchema.records(since: since, db)
        }
    }

    static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }
}

/// Where the log is. halld and hallctl agree on the defaults, so that `hallctl report` on
/// the hall PC needs no options.
public enum QueryLogPath {
    /// The packaged location: systemd's StateDirectory=hallguide.
    public static let system = "/var/lib/hallguide/queries.sqlite"
    /// A development halld's (`swift run halld`), in the working directory.
    public static let development = "./halld-queries.sqlite"

    /// halld's path: the configured one, else `$STATE_DIRECTORY/queries.sqlite` (the first
    /// directory when systemd lists several), else `./halld-queries.sqlite`.
    public static func server(environment: [String: String], configured: String? = nil) -> String {
        if let configured, !configured.isEmpty { return configured }
        if let state = environment["STATE_DIRECTORY"]?.split(separator: ":").first, !state.isEmpty {
            return state.hasSuffix("/") ? "\(state)queries.sqlite" : "\(state)/queries.sqlite"
        }
        return development
    }

    /// hallctl's path: `--log`, else `$HALLGUIDE_QUERY_LOG`, else the system log when it
    /// exists, else the development one when it exists, else the system path (so the error
    /// names where halld normally writes).
    public static func client(explicit: String?, environment: [String: String],
                              exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment["HALLGUIDE_QUERY_LOG"], !env.isEmpty { return env }
        if exists(system) { return system }
        if exists(development) { return development }
        return system
    }
}

/// `--since`: `7d`, `24h`, `30m`, `2w` (before `now`), or a date or time: `2026-11-20`
/// (midnight), `2026-11-20 14:30` or `2026-11-20T14:30` (in `timeZone`), or full ISO 8601
/// with an offset (`2026-11-20T14:30:00+08:00`, `…Z`).
public enum ReportSince {
    public static func parse(_ text: String, now: Date = Date(), timeZone: TimeZone = .current) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let unit = t.last, let amount = Double(t.dropLast()), amount >= 0, amount.isFinite {
            let seconds: Double? = switch unit {
            case "m": 60
            case "h": 3600
            case "d": 86_400
            case "w": 7 * 86_400
            default: nil
            }
            if let seconds { return now.addingTimeInterval(-amount * seconds) }
        }
        let iso = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
            iso.formatOptions = options
            if let date = iso.date(from: t) { return date }
        }
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = timeZone
        for format in ["yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss"] {
            local.dateFormat = format
            if let date = local.date(from: t) { return date }
        }
        return nil
    }
}
