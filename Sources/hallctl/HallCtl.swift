import ArgumentParser
import Foundation
import HallAnswers
import HallModel
import IntentMatching
import Wayfinding

@main
struct HallCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hallctl",
        abstract: "HallGuide staff and operations tool: ask, route, explain, validate, check, map, report.",
        subcommands: [Ask.self, Route.self, Explain.self, Validate.self, Check.self, MapCommand.self, Report.self, ExportDefault.self, AudioCommands.self,
                      HalldStatus.self, HalldReload.self, HalldRecall.self, HalldErrors.self,
                      HalldClose.self, HalldOpen.self, HalldClosures.self]
    )
}

/// --map and --intents, shared by every command that loads a hall.
struct HallOptions: ParsableArguments {
    @Option(name: .long, help: "Floor map YAML file (default: the built-in Changchun hall).")
    var map: String?

    @Option(name: .long, help: "Directory of intent files (default: the built-in intents).")
    var intents: String?

    func load() throws -> Hall {
        do {
            return try HallFiles.load(map: map, intents: intents)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
    }
}

func printJSON<T: Encodable>(_ value: T, pretty: Bool = false) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

struct Ask: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer a visitor's question, or one question a line from stdin with '-'.")

    @OptionGroup var hall: HallOptions

    @Option(help: "Where the visitor asks from: a station, place or node id.")
    var from = "north-door"

    @Flag(help: "Route without stairs.")
    var accessible = false

    @Flag(help: "Print the answer contract's JSON object (one line per question).")
    var json = false

    @Flag(help: "With '-': the lines are one visitor's turns, each understood after the ones before (an empty line: a new visitor).")
    var conversation = false

    @OptionGroup var live: LiveOptions

    @Argument(help: "The question, or '-' to read one question per line from stdin.")
    var query: String

    func run() throws {
        let hall = try hall.load()
        let profile: RouteProfile = accessible ? .accessible : .standard
        var conditions = try live.conditions(for: hall)
        let fixedTime = live.at != nil
        var scratch = MatchScratch()
        var context = VisitorContext()
        let answerOne = { (q: String) throws in
            let answer: Answer
            // Each question of a long stdin run is answered as at the moment it is read.
            if !fixedTime { conditions.now = Date() }
            do {
                if conversation {
                    answer = try hall.answer(q, in: &context, from: from, profile: profile, live: conditions, scratch: &scratch)
                } else {
                    answer = try hall.answer(q, from: from, profile: profile, live: conditions, scratch: &scratch)
                }
            } catch {
                FileHandle.standardError.write(Data("hallctl: \(error)\n".utf8))
                throw ExitCode(2)
            }
            if json {
                try printJSON(answer)
            } else {
                let extra = answer.outcome == .clarify ? " [\(answer.candidates.joined(separator: ", "))]" : ""
                let closed = answer.open ? "" : " (closed: \(answer.closedReason ?? "-"), opens \(answer.opensAt ?? "unknown"))"
                print("\(answer.outcome.rawValue) \(answer.destination ?? "-")\(extra)\(closed): \(answer.answer)")
            }
        }
        if query == "-" {
            while let line = readLine(strippingNewline: true) {
                // In a conversation an empty line is a new visitor: nothing carries over.
                if conversation && line.trimmingCharacters(in: .whitespaces).isEmpty {
                    context = VisitorContext()
                    continue
                }
                try answerOne(line)
            }
        } else {
            try answerOne(query)
        }
    }
}

struct Route: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Directions from one place to another.")

    @OptionGroup var hall: HallOptions

    @Argument(help: "Start: a station, place or node id.") var from: String
    @Argument(help: "Destination place id (window-N for a window).") var to: String
    @Flag(help: "Route without stairs.") var accessible = false
    @Flag(help: "Print JSON.") var json = false
    @Option(help: "Language of the directions: zh or en.") var language = "zh"

    func run() throws {
        let hall = try hall.load()
        guard let lang = Language(rawValue: language) else { throw ValidationError("language must be zh or en") }
        do {
            let route = try hall.route(from: from, to: to, profile: accessible ? .accessible : .standard, language: lang)
            if json {
                try printJSON(route)
            } else {
                print("\(route.from) → \(route.to): \(Int(route.metres.rounded())) m, \(route.seconds) s\(accessible ? " (accessible)" : "")")
                for (i, step) in route.steps.enumerated() { print("  \(i + 1). \(step.text)") }
                print("  \(route.summary)")
            }
        } catch {
            FileHandle.standardError.write(Data("hallctl: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show how a question was matched and why.")

    @OptionGroup var hall: HallOptions
    @OptionGroup var live: LiveOptions
    @Option(help: "Where the visitor asks from: a station, place or node id.") var from = "north-door"
    @Option(help: "An earlier turn of the same visitor (repeat for several, oldest first): the question is explained in their context.")
    var after: [String] = []
    @Argument(help: "The question.") var query: String

    func run() throws {
        let hall = try hall.load()
        let context = try explainContext(hall)
        let ticket = hall.ticketNumber(in: query)
        if let ticket {
            print("ticket:     \(ticket.ticket) → \(ticket.zone ?? "no zone issues prefix \(ticket.ticket.prefix)"); the matcher sees the rest")
        }
        let e = hall.matcher.explain(ticket?.remainder ?? query)
        print("query:      \(e.query)")
        print("normalised: \(e.normalized)")
        if let w = e.window { print("window:     \(w)") }
        print("hits:")
        if e.hits.isEmpty { print("  (none)") }
        for hit in e.hits {
            let how = hit.viaPinyin ? "pinyin \(hit.pinyin ?? "")" : "exact"
            print("  [\(hit.start)-\(hit.end)) \(hit.keyword)  \(how)  \(hit.roles.joined(separator: "; "))  → \(hit.status.rawValue)  (\(hit.source.file):\(hit.source.line))")
        }
        print("scores:")
        if e.scores.isEmpty { print("  (none)") }
        for s in e.scores {
            let flags = (s.negated ? " negated" : "") + (s.excluded ? " excluded" : "")
            print("  \(s.intent) → \(s.destination): \(String(format: "%.2f", s.score))\(flags)")
        }
        if e.outOfScope > 0 { print("  out of scope: \(String(format: "%.2f", e.outOfScope))") }
        let d = e.decision
        let target = d.destination ?? (d.candidates.isEmpty ? "-" : d.candidates.joined(separator: " | "))
        print("decision:   \(d.outcome.rawValue) \(target)  (confidence \(String(format: "%.2f", d.confidence)), language \(d.language.rawValue))")
        print("rule:       \(d.rule.summary)")
        if let next = d.next { print("next:       \(next.destination) (先…再…: the answer says what comes after)") }
        try explainLive(hall, context: context)
    }

    /// The visitor's context after the earlier turns (--after), each printed as answered.
    func explainContext(_ hall: Hall) throws -> VisitorContext? {
        guard !after.isEmpty else { return nil }
        var context = VisitorContext()
        var scratch = MatchScratch()
        let conditions = try live.conditions(for: hall)
        for turn in after {
            do {
                let answer = try hall.answer(turn, in: &context, from: from, live: conditions, scratch: &scratch)
                let target = answer.destination ?? (answer.candidates.isEmpty ? "-" : answer.candidates.joined(separator: " | "))
                print("earlier:    \(turn) → \(answer.outcome.rawValue) \(target)\(answer.contextRule.map { " (context: \($0))" } ?? "")")
            } catch {
                FileHandle.standardError.write(Data("hallctl: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        return context
    }

    /// Which live rules applied: the moment, then each rule with what it found.
    func explainLive(_ hall: Hall, context: VisitorContext?) throws {
        let conditions = try live.conditions(for: hall)
        let answer: Answer
        do {
            var scratch = MatchScratch()
            answer = try hall.answer(query, from: from, live: conditions, scratch: &scratch, context: context)
        } catch {
            FileHandle.standardError.write(Data("hallctl: \(error)\n".utf8))
            throw ExitCode(2)
        }
        print("as at:      \(hall.describeMoment(conditions.now))")
        if let plan = conditions.closures { print("closures:   \(plan.closures.closures.count) in force: \(plan.closures.closures.map(\.target.description).joined(separator: ", "))") }
        print("live:")
        if answer.liveRules.isEmpty { print("  (none: the destination serves, no closure, ticket or queue rule applied)") }
        for rule in answer.liveRules { print("  \(rule.code): \(rule.detail)") }
        let destination = answer.destination ?? (answer.outcome == .fallback ? Hall.fallbackDestination : "-")
        let closed = answer.open ? "open" : "closed (\(answer.closedReason ?? "-")), opens \(answer.opensAt ?? "unknown")"
        if let context {
            let rule = answer.contextRule.map { "\($0): \(answer.rule)" } ?? "none decided (\(context.isEmpty ? "no context" : "answered as a new question"))"
            print("context:    \(rule)")
        }
        print("answer:     \(answer.outcome.rawValue) \(destination), \(closed), lead \(answer.lead ? "yes" : "no")\(answer.waiting.map { ", \($0) waiting" } ?? "")")
        print("sentence:   \(answer.answer)")
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a floor map and intents; exit 0 when valid, 1 with file:line problems.")

    @OptionGroup var hall: HallOptions

    @Option(help: "Also check a closures file (JSON or YAML) against the map.")
    var closures: String?

    @Option(help: "Also check a queue feed snapshot (JSON) against the map.")
    var queue: String?

    func run() throws {
        let loaded = try hall.load()
        var problems: [Diagnostic] = []
        do throws(HallModel.ValidationError) {
            if let closures {
                let file = try HallFiles.read(closures)
                _ = try ClosuresFile.load(text: file.text, file: file.path, map: loaded.map)
            }
        } catch { problems += error.diagnostics }
        do throws(HallModel.ValidationError) {
            if let queue {
                let file = try HallFiles.read(queue)
                _ = try QueueFeed.load(text: file.text, file: file.path, map: loaded.map)
            }
        } catch { problems += error.diagnostics }
        guard problems.isEmpty else {
            FileHandle.standardError.write(Data((HallModel.ValidationError(problems).description + "\n").utf8))
            throw ExitCode(1)
        }
        let windows = loaded.map.places.filter { $0.kind == .window }.count
        print("valid: \(loaded.map.nodes.count) nodes, \(loaded.map.places.count - windows) places, \(windows) windows, \(loaded.map.stations.count) stations, \(loaded.intents.intents.count) intents (data \(loaded.version))")
        let calendar = loaded.timetable.calendar
        if let name = loaded.map.calendarFile {
            print("calendar \(name): \(calendar.years.map(String.init).joined(separator: ", ")), \(calendar.holidays.count) holidays, \(calendar.workingDays.count) 调休 working days")
            // Staff add next year's notice once a year: say so from December, and loudly once the year has begun.
            let today = loaded.timetable.timeZone.local(Date()).date
            for year in [today.year, today.year + 1] where !calendar.covers(year: year) && (year == today.year || today.month == 12) {
                FileHandle.standardError.write(Data("warning: calendar \(name) does not cover \(year): add it from the State Council's notice (国务院办公厅关于\(year)年部分节假日安排的通知)\n".utf8))
            }
        }
        if !loaded.map.tickets.zoneByPrefix.isEmpty {
            print("tickets: \(loaded.map.tickets.zoneByPrefix.count) prefixes, machine \(loaded.map.tickets.machine ?? "-")")
        }
    }
}

struct ExportDefault: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-default", abstract: "Write the built-in hall's map and intents to a directory, to copy and edit.")

    @Argument(help: "Directory to write maps/ and intents/ into.") var directory: String

    func run() throws {
        try HallFiles.exportDefault(to: directory)
        for file in DefaultHall.files { print("\(directory)/\(file.path)") }
    }
}
