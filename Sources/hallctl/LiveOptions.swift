import ArgumentParser
import Foundation
import HallAnswers
import HallModel

/// --at, --closures, --queue and --queue-max-age: the live hall for `ask` and `explain`.
/// Without --at an answer is as at the wall clock, by the hall's hours and calendar.
struct LiveOptions: ParsableArguments {
    @Option(help: "Answer as at this time: 'YYYY-MM-DD HH:MM' in the hall's time zone, or ISO 8601 with an offset (default: now).")
    var at: String?

    @Option(help: "Closures file (JSON as halld keeps it, or YAML) to answer under, for a dry run.")
    var closures: String?

    @Option(help: "Queue feed snapshot (JSON) to quote waits from.")
    var queue: String?

    @Option(help: "Seconds after which a queue snapshot is too old to quote.")
    var queueMaxAge: Double = LiveConditions.defaultQueueMaxAge

    /// The moment asked: `--at`, else the wall clock (hallctl is the caller that owns one).
    func moment(for hall: Hall) throws -> Date {
        guard let at else { return Date() }
        guard let date = hall.timetable.timeZone.parse(at) else {
            throw ArgumentParser.ValidationError("--at '\(at)': expected 'YYYY-MM-DD HH:MM' (\(hall.timetable.timeZone.identifier)) or ISO 8601 with an offset")
        }
        return date
    }

    func conditions(for hall: Hall) throws -> LiveConditions {
        let now = try moment(for: hall)
        var plan: ClosurePlan?
        var snapshot: QueueSnapshot?
        do throws(HallModel.ValidationError) {
            if let closures {
                let file = try HallFiles.read(closures)
                plan = ClosurePlan(hall: hall, closures: try ClosuresFile.load(text: file.text, file: file.path, map: hall.map), at: now)
            }
            if let queue {
                let file = try HallFiles.read(queue)
                snapshot = try QueueFeed.load(text: file.text, file: file.path, map: hall.map)
            }
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        return LiveConditions(now: now, closures: plan, queue: snapshot, queueMaxAge: queueMaxAge)
    }
}
