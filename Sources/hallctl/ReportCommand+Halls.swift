import Foundation
import QueryLog

/// `hallctl report --log A --log B …`: several halls' query logs merged, with a HALL
/// column. Kept apart from the single-hall report so that each can grow on its own.
extension Report {
    func runHalls(since start: Date?, now: Date) {
        let named = log.map(HallsReport.hallAndPath)
        var seen: [String: String] = [:]
        for (hall, path) in named {
            if let earlier = seen[hall] {
                fail("two logs would both be hall '\(hall)' (\(earlier) and \(path)): name them as NAME=FILE", code: 64)
            }
            seen[hall] = path
        }
        var halls: [HallsReport.HallLog] = []
        for (hall, path) in named {
            do {
                let records = try QueryLogReader.records(path: path, since: start)
                halls.append(.init(hall: hall, source: path, report: QueryReport(records: records, since: start, until: now)))
            } catch {
                fail("\(hall): \(error.description)", code: 1)
            }
        }
        let report = HallsReport(halls: halls, since: start, until: now)
        let output = csv ? report.csv(top: top) : report.text(sinceLabel: since == "all" ? nil : since, top: top ?? 20)
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}
