import ArgumentParser
import Foundation
import HallAnswers
import HallModel
import StatusProtocol

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

    @Flag(help: ArgumentHelp("Answer under the running halld's closures and queue snapshot, asked over its status socket.",
                             discussion: "Give the --map halld uses; --at still sets the moment."))
    var halld = false

    @OptionGroup var socket: SocketOptions

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
        if halld {
            guard closures == nil, queue == nil else { throw ArgumentParser.ValidationError("give --halld or --closures/--queue, not both") }
            return try running(hall, at: now)
        }
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

    /// The running halld's closures and queue snapshot, from its status.
    func running(_ hall: Hall, at now: Date) throws -> LiveConditions {
        let (raw, header) = try socket.ask(StatusRequest(.status))
        guard header.ok else { refused(header) }
        guard let live = socket.result(DaemonStatus.self, in: raw).live else {
            fail("this halld reports no closures or queue (it is older than hallctl)", code: 2)
        }
        var closures = HallClosures()
        for entry in live.closures {
            switch Closure.Target.parse(entry.target, in: hall.map) {
            case .success(let target):
                closures.close(Closure(target: target, reason: entry.reason, reasonEnglish: entry.reasonEn,
                                       until: entry.until.flatMap(HallTimeZone.parseISO8601),
                                       since: entry.since.flatMap(HallTimeZone.parseISO8601)))
            case .failure(let problem):
                FileHandle.standardError.write(Data("hallctl: warning: halld's closure \(entry.target) does not fit this map (\(problem)); is --map the one halld uses?\n".utf8))
            }
        }
        var snapshot: QueueSnapshot?
        if let q = live.queue, let time = q.time.flatMap(HallTimeZone.parseISO8601) {
            snapshot = QueueSnapshot(time: time, waiting: q.waiting ?? [:],
                                     calling: Dictionary((q.calling ?? []).map { ($0.window, $0.ticket) }, uniquingKeysWith: { a, _ in a }))
        }
        return LiveConditions(now: now, closures: closures.isEmpty ? nil : ClosurePlan(hall: hall, closures: closures, at: now),
                              queue: snapshot, queueMaxAge: live.queue?.maxAgeSeconds ?? queueMaxAge)
    }
}
