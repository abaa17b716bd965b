import ArgumentParser
import Foundation
import QueryLog

/// `hallctl report`: what visitors asked that the hall could not answer, asked back, or
/// understood only by sound, from halld's query log. Exit 0 with the report, 1 when the
/// log cannot be read, 64 on a bad option.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report from halld's query log: fallbacks by question, clarifications and what followed, homophone repairs, top intents.",
        discussion: """
            The questions that fell back come first, most asked at the top: what staff should teach the hall next. \
            --csv writes one table with a 'section' column (outcome, intent, fallback, clarify, homophone); see the README.
            """)

    @Option(help: ArgumentHelp("The query log; repeat it to merge several halls' logs (NAME=FILE names a hall).", discussion:
        "Default: $HALLGUIDE_QUERY_LOG, else \(QueryLogPath.system), else \(QueryLogPath.development) when it exists. "
        + "With several, every table gets a HALL column (a 'hall' column in CSV); see ReportCommand+Halls.swift."))
    var log: [String] = []

    @Option(help: "The window: 7d, 24h, 30m, 2w, a date (2026-11-20), a local time (2026-11-20 14:30) or ISO 8601; 'all' for the whole log.")
    var since = "7d"

    @Flag(help: "Write CSV (one table, a 'section' column) instead of text.")
    var csv = false

    @Option(help: "Rows per section (default: 20 in the text, all in CSV).")
    var top: Int?

    func validate() throws {
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
        if since != "all" && ReportSince.parse(since) == nil {
            throw ValidationError("--since must be like 7d, 24h, 30m, 2w, 2026-11-20, '2026-11-20 14:30' or ISO 8601 (or all)")
        }
    }

    func run() throws {
        let now = Date()
        let start = since == "all" ? nil : ReportSince.parse(since, now: now)
        if log.count > 1 {
            runHalls(since: start, now: now)
            return
        }
        let path = QueryLogPath.client(explicit: log.first, environment: ProcessInfo.processInfo.environment)
        let records: [QueryRecord]
        do {
            records = try QueryLogReader.records(path: path, since: start)
        } catch {
            fail(error.description, code: 1)
        }
        let report = QueryReport(records: records, since: start, until: now)
        var output = csv ? report.csv(top: top) : report.text(source: path, sinceLabel: since == "all" ? nil : since, top: top ?? 20)
        if !csv { output += ContextReport(records: records, since: start).text(top: top ?? 20) }
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}
