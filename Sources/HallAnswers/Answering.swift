import HallModel
import IntentMatching
import Wayfinding

/// Why a question could not be answered at all (as opposed to a fallback answer).
public enum AnswerError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownStart(String)
    case unknownPlace(String)
    case unreachable(from: String, to: String, profile: RouteProfile)

    public var description: String {
        switch self {
        case .unknownStart(let s): "unknown start '\(s)': name a station, a place or a node of the map"
        case .unknownPlace(let p): "unknown place '\(p)'"
        case let .unreachable(from, to, profile): "no \(profile.rawValue) route from '\(from)' to '\(to)'"
        }
    }
}

extension Hall {
    public static let fallbackDestination = "info-desk"

    /// Matches, routes and words the answer. `from` is a station, place or node id.
    public func answer(_ query: String, from: String = "north-door", profile: RouteProfile = .standard,
                       scratch: inout MatchScratch, context: VisitorContext? = nil) throws(AnswerError) -> Answer {
        guard let start = startNode(from) else { throw .unknownStart(from) }
        let (decision, ticket) = understand(query, in: context, scratch: &scratch)
        let language = decision.language
        var route: Answer.Route?
        var sentence: String
        var prompt: String
        switch decision.outcome {
        case .route:
            let worded = try wordedRoute(from: from, start: start, decision: decision, profile: profile)
            (route, sentence, prompt) = (worded.route, worded.sentence, worded.prompt)
        case .clarify:
            sentence = clarifySentence(decision.candidates, language, severalTasks: decision.rule == .severalTasks)
            prompt = "clarify"
        case .fallback:
            sentence = fallbackSentence(decision.rule, language)
            prompt = fallbackPrompt(decision.rule)
        }
        // The answer echoes the question: never with a visitor's ID card or phone number.
        var answer = Answer(query: Redaction.redact(query), outcome: decision.outcome, destination: decision.destination,
                            candidates: decision.candidates, answer: sentence.trimmingTrailingSpace(), route: route, intent: decision.intent,
                            confidence: decision.confidence, language: language, rule: decision.rule.summary,
                            homophoneRepair: decision.usedHomophones, prompt: prompt, dataVersion: version)
        noteTicket(ticket, decision, in: &answer)
        noteContext(decision, in: &answer)
        return answer
    }

    public func answer(_ query: String, from: String = "north-door", profile: RouteProfile = .standard) throws(AnswerError) -> Answer {
        var scratch = MatchScratch()
        return try answer(query, from: from, profile: profile, scratch: &scratch)
    }

    /// A routed answer's route, sentence and prompt: remembered when the start is one the
    /// map names (a station or place), so the memo stays bounded by the map.
    private func wordedRoute(from: String, start: Int, decision: MatchDecision,
                             profile: RouteProfile) throws(AnswerError) -> AnswerMemo.Entry {
        let destination = decision.destination!
        let language = decision.language
        let key = AnswerMemo.Key(from: from, destination: destination, intent: decision.intent, profile: profile, language: language)
        let memorable = map.station(from) != nil || map.place(from) != nil
        if memorable, let known = memo.entry(key) { return known }
        let built = try self.route(from: from, start: start, to: destination, profile: profile, language: language)
        let lead = decision.intent.flatMap { intent($0)?.answer[language] } ?? windowSentence(destination, language)
        let pieces = ([lead] + built.steps.map(\.text) + [built.summary]).map { $0.trimmingTrailingSpace() }.filter { !$0.isEmpty }
        let entry = AnswerMemo.Entry(route: built, sentence: pieces.joined(separator: language == .zh ? "" : " "),
                                     prompt: decision.intent.map { "intent/\($0)" } ?? "window/\(built.window ?? 0)")
        if memorable { memo.remember(entry, for: key) }
        return entry
    }

    /// The route to the nearest instance of a place, with directions in one language.
    public func route(from: String, to destination: String, profile: RouteProfile = .standard,
                      language: Language = .zh) throws(AnswerError) -> Answer.Route {
        guard let start = startNode(from) else { throw .unknownStart(from) }
        return try route(from: from, start: start, to: destination, profile: profile, language: language)
    }

    private func route(from: String, start: Int, to destination: String, profile: RouteProfile,
                       language: Language) throws(AnswerError) -> Answer.Route {
        guard let place = map.place(destination) else { throw .unknownPlace(destination) }
        guard let (spot, _) = router.nearest(place, from: start, profile: profile),
              let path = router.path(from: start, to: spot.node, profile: profile) else {
            throw .unreachable(from: from, to: destination, profile: profile)
        }
        let written = directions.write(path: path, to: place, spot: spot, language: language)
        return routeValue(from: from, to: destination, path: path, written: written, profile: profile, window: spot.window)
    }

    /// The contract's route for a walk and its directions.
    func routeValue(from: String, to destination: String, path: Path, written: Directions, profile: RouteProfile,
                    window: Int?, via: String? = nil) -> Answer.Route {
        let nodes = map.nodes
        return Answer.Route(
            from: from, to: destination, nodes: path.nodes.map { nodes[$0].id },
            points: path.nodes.map { .init(node: nodes[$0].id, x: nodes[$0].at.x, y: nodes[$0].at.y, level: map.levels[nodes[$0].level].id) },
            metres: (path.metres * 10).rounded() / 10, seconds: written.seconds, accessible: profile == .accessible,
            steps: written.steps, summary: written.summary, window: window, via: via)
    }

    func windowSentence(_ destination: String, _ language: Language) -> String {
        guard let place = map.place(destination), let zoneID = place.zone, let zone = map.place(zoneID) else { return "" }
        let area = place.area.map { map.areas[$0].name[language] }
        switch language {
        case .zh: return "\(place.name.zh)属于\(zone.name.zh)\(area.map { "，在\($0)" } ?? "")。"
        case .en: return "\(place.name.en.capitalizedFirst) belongs to \(zone.name.en)\(area.map { " in the \($0)" } ?? ""). "
        }
    }

    /// Asks which destination the visitor means: a matter to do (办理) or a place to go to
    /// (the doors, the restrooms, a window by number); for two tasks named together, where to start.
    func clarifySentence(_ candidates: [String], _ language: Language, severalTasks: Bool = false) -> String {
        let names = candidates.map { map.place($0)?.name[language] ?? $0 }
        let places: Set<FloorMap.PlaceKind> = [.door, .facility, .window]
        let allPlaces = candidates.allSatisfy { map.place($0).map { places.contains($0.kind) } ?? false }
        switch language {
        case .zh:
            let list = names.count <= 2 ? names.joined(separator: "还是")
                : names.dropLast().joined(separator: "、") + "还是" + names.last!
            let all = names.count <= 2 ? names.joined(separator: "和") : names.dropLast().joined(separator: "、") + "和" + names.last!
            if severalTasks { return "\(all)都可以办。请问您想先去哪里：\(list)？" }
            return allPlaces ? "请问您要去的是\(list)？" : "请问您要办理的是\(list)？"
        case .en:
            let list = names.count <= 2 ? names.joined(separator: " or ")
                : names.dropLast().joined(separator: ", ") + " or " + names.last!
            if severalTasks { return "You can do \(names.count == 2 ? "both" : "all of them") here. Where would you like to start: \(list)?" }
            return allPlaces ? "Where would you like to go: \(list)?" : "Do you mean \(list)?"
        }
    }

    /// The recorded prompt of a fallback: a thank-you has its own.
    func fallbackPrompt(_ rule: MatchDecision.Rule) -> String { rule == .closing ? "closing" : "fallback" }

    func fallbackSentence(_ rule: MatchDecision.Rule, _ language: Language) -> String {
        let desk = map.place(Self.fallbackDestination)?.name[language] ?? (language == .zh ? "咨询导服台" : "the consultation desk")
        // Only an unknown window needs the hall's window numbers: not gathered for every fallback.
        let windows = { self.map.places.filter { $0.kind == .window }.flatMap(\.windowNumbers) }
        switch (rule, language) {
        case let (.unknownWindow(n), .zh):
            return "本大厅没有\(n)号窗口，窗口编号是\(windows().min() ?? 1)至\(windows().max() ?? 1)号。如需帮助，请到\(desk)。"
        case let (.unknownWindow(n), .en):
            return "This hall has no window \(n); windows are numbered \(windows().min() ?? 1) to \(windows().max() ?? 1). \(desk.capitalizedFirst) can help you."
        case (.closing, .zh):
            return "不客气，祝您办事顺利！还有问题随时问我。"
        case (.closing, .en):
            return "You're welcome. Ask me any time you need help."
        case (_, .zh):
            return "抱歉，这个问题我还答不上来。请到大厅中央的\(desk)，工作人员会帮助您。"
        case (_, .en):
            return "Sorry, I can't answer that. Please ask at \(desk) in the centre of the hall; the staff there will help you."
        }
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }

    func trimmingTrailingSpace() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
