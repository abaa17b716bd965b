import Foundation
import GRDB

/// The log's SQLite schema and the SQL the writer and the report use. One table,
/// `queries`; one row per answered question.
///
/// | column | type | what |
/// |---|---|---|
/// | `id` | INTEGER PRIMARY KEY | increasing with time; never reused (AUTOINCREMENT) |
/// | `time` | TEXT | the answer's wall-clock time, UTC, `YYYY-MM-DD HH:MM:SS.SSS` (GRDB's date format) |
/// | `device`, `place` | TEXT | the device id and its station |
/// | `text` | TEXT | the question, normalised, ID card and phone numbers redacted |
/// | `outcome` | TEXT | `route`, `clarify`, `fallback` or `error` |
/// | `intent`, `destination` | TEXT or NULL | |
/// | `candidates` | TEXT | a clarify's candidates joined by `|`, best first; empty otherwise |
/// | `confidence` | REAL | |
/// | `latency_us` | INTEGER | matching, routing and wording, microseconds |
/// | `homophone_repair` | INTEGER | 1 when a homophone (pinyin) hit decided |
/// | `rule`, `language` | TEXT | the decision rule's summary; `zh` or `en` |
/// | `context_rule` | TEXT or NULL | the conversation-context rule that decided (`picked-by-ordinal`, …), since v2 |
/// | `offered` | TEXT | what the hall offered the turn before, when this question replied to it, joined by `|`; since v2 |
public enum QueryLogSchema {
    public static let table = "queries"

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: queries") { db in
            try db.create(table: table) { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("time", .datetime).notNull()
                t.column("device", .text).notNull()
                t.column("place", .text).notNull()
                t.column("text", .text).notNull()
                t.column("outcome", .text).notNull()
                t.column("intent", .text)
                t.column("destination", .text)
                t.column("candidates", .text).notNull().defaults(to: "")
                t.column("confidence", .double).notNull().defaults(to: 0)
                t.column("latency_us", .integer).notNull().defaults(to: 0)
                t.column("homophone_repair", .boolean).notNull().defaults(to: false)
                t.column("rule", .text).notNull().defaults(to: "")
                t.column("language", .text).notNull().defaults(to: "zh")
            }
            try db.create(index: "queries_time", on: table, columns: ["time"])
            try db.create(index: "queries_outcome_time", on: table, columns: ["outcome", "time"])
        }
        // The visitor's context (issue 11): which context rule decided, and the offer replied to.
        migrator.registerMigration("v2: conversation context") { db in
            try db.alter(table: table) { t in
                t.add(column: "context_rule", .text)
                t.add(column: "offered", .text).notNull().defaults(to: "")
            }
        }
        return migrator
    }

    /// WAL with `synchronous = FULL`: every commit is fsynced to the WAL before it returns,
    /// so a committed batch survives a crash of halld and a power loss. (GRDB's own WAL
    /// setup would choose NORMAL, which may lose the last commits on power loss.)
    static func writerConfiguration(busyTimeout: Duration) -> Configuration {
        var configuration = Configuration()
        configuration.label = "QueryLog"
        let (seconds, attoseconds) = busyTimeout.components
        configuration.busyMode = .timeout(Double(seconds) + Double(attoseconds) / 1e18)
        configuration.prepareDatabase { db in
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            guard mode?.lowercased() == "wal" else {
                throw DatabaseError(message: "cannot switch \(db.description) to WAL (journal mode \(mode ?? "?"))")
            }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // The writer only appends and prunes: a small page cache is enough, and halld's
            // memory stays flat.
            try db.execute(sql: "PRAGMA cache_size = -256")
        }
        return configuration
    }

    static func readerConfiguration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "QueryLog report"
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        return configuration
    }

    static let insertSQL = """
        INSERT INTO queries (time, device, place, text, outcome, intent, destination, candidates, confidence,
                             latency_us, homophone_repair, rule, language, context_rule, offered)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func insert(_ record: QueryRecord, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: insertSQL)
        try statement.execute(arguments: [
            storedTime(record.time), record.device, record.place, record.text, record.outcome.rawValue, record.intent,
            record.destination, record.candidates.joined(separator: "|"), record.confidence,
            record.latencyMicroseconds, record.homophoneRepair, record.rule, record.language,
            record.contextRule, record.offered.joined(separator: "|"),
        ])
    }

    /// A time as GRDB stores a `Date` ("YYYY-MM-DD HH:MM:SS.SSS", UTC), which is what
    /// the reader decodes; written by hand because Foundation's formatter costs more than
    /// the rest of the insert.
    static func storedTime(_ date: Date) -> String {
        // To the nearest millisecond, as GRDB's formatter rounds.
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(milliseconds.quotientAndRemainderFloor(dividingBy: 1000).quotient)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return digits(parts.tm_year + 1900, 4) + "-" + digits(parts.tm_mon + 1, 2) + "-" + digits(parts.tm_mday, 2) + " "
            + digits(parts.tm_hour, 2) + ":" + digits(parts.tm_min, 2) + ":" + digits(parts.tm_sec, 2) + "."
            + digits(Int32(milliseconds.quotientAndRemainderFloor(dividingBy: 1000).remainder), 3)
    }

    static func record(_ row: Row) -> QueryRecord {
        let candidates: String = row["candidates"] ?? ""
        let offered: String = row["offered"] ?? ""
        var record = QueryRecord(
            id: row["id"], time: row["time"] ?? Date(timeIntervalSince1970: 0), device: row["device"] ?? "",
            place: row["place"] ?? "", text: row["text"] ?? "",
            outcome: QueryRecord.Outcome(rawValue: row["outcome"] ?? "") ?? .error,
            intent: row["intent"], destination: row["destination"],
            candidates: candidates.isEmpty ? [] : candidates.split(separator: "|").map(String.init),
            confidence: row["confidence"] ?? 0, latencyMicroseconds: row["latency_us"] ?? 0,
            homophoneRepair: row["homophone_repair"] ?? false, rule: row["rule"] ?? "", language: row["language"] ?? "")
        record.contextRule = row["context_rule"]
        record.offered = offered.isEmpty ? [] : offered.split(separator: "|").map(String.init)
        return record
    }

    /// Every record at or after `since` (all when nil), oldest first.
    static func records(since: Date?, _ db: Database) throws -> [QueryRecord] {
        let rows: [Row]
        if let since {
            rows = try Row.fetchAll(db, sql: "SELECT * FROM queries WHERE time >= ? ORDER BY time, id", arguments: [since])
        } else {
            rows = try Row.fetchAll(db, sql: "SELECT * FROM queries ORDER BY time, id")
        }
        return rows.map(record)
    }

    /// Deletes up to `limit` rows older than `cutoff`, then up to `limit` of the oldest
    /// beyond `maxRecords`. Returns how many went; a full `limit` means there may be more.
    static func prune(olderThan cutoff: Date, maxRecords: Int, limit: Int, _ db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM queries WHERE id IN (SELECT id FROM queries WHERE time < ? ORDER BY id LIMIT ?)",
                       arguments: [cutoff, limit])
        var deleted = db.changesCount
        // The id of the newest row that must go: everything up to it is beyond the limit.
        if let last = try Int64.fetchOne(db, sql: "SELECT id FROM queries ORDER BY id DESC LIMIT 1 OFFSET ?",
                                         arguments: [maxRecords]) {
            try db.execute(sql: "DELETE FROM queries WHERE id IN (SELECT id FROM queries WHERE id <= ? ORDER BY id LIMIT ?)",
                           arguments: [last, limit])
            deleted += db.changesCount
        }
        return deleted
    }
}

extension Int64 {
    /// Division rounding down (times before 1970 stay in order).
    fileprivate func quotientAndRemainderFloor(dividingBy divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (q, r) = quotientAndRemainder(dividingBy: divisor)
        return r < 0 ? (q - 1, r + divisor) : (q, r)
    }
}
