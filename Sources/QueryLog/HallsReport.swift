import Foundation

/// Several halls' query logs in one report (`hallctl report --log A --log B …`): each
/// hall's `QueryReport` as it is, and every table with a HALL column, merged most asked
/// first, so a city's staff see which hall's visitors miss what. Pure, like QueryReport.
public struct HallsReport: Sendable, Hashable {
    /// One hall: its name (the HALL column) and where its log was read from.
    public struct HallLog: Sendable, Hashable {
        public var hall: String
        public var source: String
        public var report: QueryReport

        public init(hall: String, source: String, report: QueryReport) {
            self.hall = hall
            self.source = source
            self.report = report
        }
    }

    public var halls: [HallLog]
    public var since: Date?
    public var until: Date

    public init(halls: [HallLog], since: Date?, until: Date) {
        self.halls = halls
        self.since = since
        self.until = until
    }

    public var total: Int { halls.reduce(0) { $0 + $1.report.total } }

    /// A row of a merged table: the hall beside the row of its own report.
    public struct Row<Item: Sendable & Hashable>: Sendable, Hashable {
        public var hall: String
        public var item: Item
    }

    /// Every hall's fallbacks, most asked first (then most recent, then by hall).
    public var fallbacks: [Row<QueryReport.Fallback>] {
        halls.flatMap { h in h.report.fallbacks.map { Row(hall: h.hall, item: $0) } }.sorted {
            if $0.item.count != $1.item.count { return $0.item.count > $1.item.count }
            if $0.item.lastSeen != $1.item.lastSeen { return $0.item.lastSeen > $1.item.lastSeen }
            return ($0.hall, $0.item.text) < ($1.hall, $1.item.text)
        }
    }

    public var clarifies: [Row<QueryReport.Clarify>] {
        halls.flatMap { h in h.report.clarifies.map { Row(hall: h.hall, item: $0) } }
            .sorted { ($1.item.count, $0.hall, $0.item.text) < ($0.item.count, $1.hall, $1.item.text) }
    }

    public var homophones: [Row<QueryReport.Homophone>] {
        halls.flatMap { h in h.report.homophones.map { Row(hall: h.hall, item: $0) } }
            .sorted { ($1.item.count, $0.hall, $0.item.text) < ($0.item.count, $1.hall, $1.item.text) }
    }

    /// Routed intents per hall; `share` stays of that hall's questions.
    public var intents: [Row<QueryReport.Share>] {
        halls.flatMap { h in h.report.intents.map { Row(hall: h.hall, item: $0) } }
            .sorted { ($1.item.count, $0.hall, $0.item.name) < ($0.item.count, $1.hall, $1.item.name) }
    }

    /// A hall name for a log given on the command line: `NAME=PATH` names it; otherwise
    /// the file's name without its extension, or its folder's name when the file has the
    /// default name (`/srv/halls/nanguan/queries.sqlite` is `nanguan`).
    public static func hallAndPath(_ argument: String) -> (hall: String, path: String) {
        if let equals = argument.firstIndex(of: "="), !argument[..<equals].contains("/"), equals != argument.startIndex {
            return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
        }
        let url = URL(fileURLWithPath: argument)
        let stem = url.deletingPathExtension().lastPathComponent
        if stem == "queries" || stem == "halld-queries" {
            let folder = url.deletingLastPathComponent().lastPathComponent
            if !folder.isEmpty && folder != "/" && folder != "." { return (folder, argument) }
        }
        return (stem, argument)
    }
}

extension HallsReport {
    /// The merged report as staff read it: one line per hall, then each section of the
    /// single-hall report with a HALL column.
    public func text(sinceLabel: String?, top: Int = 20, timeZone: TimeZone = .current) -> String {
        let time = QueryReport.formatter("yyyy-MM-dd HH:mm", timeZone)
        let short = QueryReport.formatter("MM-dd HH:mm", timeZone)
        var out: [String] = []
        let earliest = halls.compactMap(\.report.first).min()
        let from = since.map { time.string(from: $0) } ?? earliest.map { time.string(from: $0) } ?? "the start"
        out.append("Query logs of \(QueryReport.count(halls.count, "hall")): \(from) to \(time.string(from: until))"
                   + (sinceLabel.map { " (since \($0))" } ?? ""))
        let outcomeNames = QueryRecord.Outcome.allCases.map(\.rawValue)
        var rows = halls.map { h in
            [h.hall, "\(h.report.total)"] + h.report.outcomes.map { "\($0.count)" }
                + [QueryReport.percent(h.report.outcomes.first { $0.name == "fallback" }?.share ?? 0), h.source]
        }
        let totals = outcomeNames.map { name in halls.reduce(0) { $0 + ($1.report.outcomes.first { $0.name == name }?.count ?? 0) } }
        let fellBack = totals[outcomeNames.firstIndex(of: "fallback")!]
        rows.append(["all", "\(total)"] + totals.map { "\($0)" } + [QueryReport.percent(Double(fellBack) / Double(max(total, 1))), ""])
        // The sum has no file: no trailing blanks where its LOG would be.
        out.append(contentsOf: QueryReport.table(["HALL", "QUESTIONS"] + outcomeNames.map { $0.uppercased() } + ["FELL BACK", "LOG"],
                                                 rows, rightAligned: Set(1...(outcomeNames.count + 2)))
            .map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) })
        guard total > 0 else {
            out.append("No questions in this window.")
            return out.joined(separator: "\n") + "\n"
        }

        out.append("")
        let fallbacks = fallbacks
        if fallbacks.isEmpty {
            out.append("Fell back: none.")
        } else {
            out.append("Fell back: \(QueryReport.count(fellBack, "question")), \(QueryReport.count(fallbacks.count, "different text")) by hall. "
                       + "Add keywords for these first (most asked at the top):")
            out.append(contentsOf: QueryReport.table(
                ["COUNT", "HALL", "FIRST SEEN", "LAST SEEN", "WHERE", "QUESTION"],
                fallbacks.prefix(top).map { r in
                    ["\(r.item.count)", r.hall, short.string(from: r.item.firstSeen), short.string(from: r.item.lastSeen),
                     QueryReport.places(r.item.places), r.item.text]
                }, rightAligned: [0]))
            out.append(contentsOf: QueryReport.more(fallbacks.count, top))
        }

        out.append("")
        let clarifies = clarifies
        if clarifies.isEmpty {
            out.append("Asked back: none.")
        } else {
            out.append("Asked back: \(QueryReport.count(clarifies.reduce(0) { $0 + $1.item.count }, "question")). "
                       + "What the same device asked next within 60 s:")
            let hallWidth = clarifies.prefix(top).map { QueryReport.width($0.hall) }.max() ?? 0
            for r in clarifies.prefix(top) {
                out.append("  \(QueryReport.pad("\(r.item.count)", 5, right: true))  \(QueryReport.pad(r.hall, hallWidth))  "
                           + "\(r.item.text)  → \(r.item.candidates.joined(separator: " | "))")
                out.append("         \(String(repeating: " ", count: hallWidth + 2))chosen next: "
                           + r.item.followUps.map { "\($0.choice) \($0.count)" }.joined(separator: ", "))
            }
            out.append(contentsOf: QueryReport.more(clarifies.count, top))
        }

        out.append("")
        let homophones = homophones
        if homophones.isEmpty {
            out.append("Homophone repairs: none.")
        } else {
            out.append("Homophone repairs: \(QueryReport.count(homophones.reduce(0) { $0 + $1.item.count }, "question")) understood by sound:")
            out.append(contentsOf: QueryReport.table(["COUNT", "HALL", "QUESTION", "UNDERSTOOD AS"],
                                                     homophones.prefix(top).map { ["\($0.item.count)", $0.hall, $0.item.text, $0.item.understoodAs] },
                                                     rightAligned: [0]))
            out.append(contentsOf: QueryReport.more(homophones.count, top))
        }

        out.append("")
        out.append("Top intents (share of the hall's questions):")
        let intents = intents
        if intents.isEmpty {
            out.append("  none")
        } else {
            out.append(contentsOf: QueryReport.table(["COUNT", "SHARE", "HALL", "INTENT"],
                                                     intents.prefix(top).map { ["\($0.item.count)", QueryReport.percent($0.item.share), $0.hall, $0.item.name] },
                                                     rightAligned: [0, 1]))
            out.append(contentsOf: QueryReport.more(intents.count, top))
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The CSV columns: `hall` first, then the single-hall report's (`QueryReport.csvColumns`).
    public static let csvColumns = ["hall"] + QueryReport.csvColumns

    /// One CSV table: every hall's rows of its own report's CSV with its name in `hall`,
    /// halls in the order given; shares stay of that hall's questions.
    public func csv(top: Int? = nil, timeZone: TimeZone = .current) -> String {
        var lines = [Self.csvColumns.joined(separator: ",")]
        for h in halls {
            let own = Self.csvRecords(h.report.csv(top: top, timeZone: timeZone)).dropFirst()
            lines += own.map { QueryReport.csvField(h.hall) + "," + $0 }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The records of a CSV text, each as written: a line break inside a quoted field
    /// (an odd count of quotes so far) belongs to the record. Whatever sections the
    /// single-hall CSV has, they come through.
    static func csvRecords(_ text: String) -> [String] {
        var records: [String] = []
        var pending: String?
        for line in text.components(separatedBy: "\r\n") {
            let record = pending.map { $0 + "\r\n" + line } ?? line
            if record.reduce(0, { $1 == "\"" ? $0 + 1 : $0 }) % 2 == 1 {
                pending = record
            } else {
                pending = nil
                if !record.isEmpty { records.append(record) }
            }
        }
        if let pending { records.append(pending) }
        return records
    }
}
