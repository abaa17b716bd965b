import HallModel
import IntentMatching
import Wayfinding

/// A live answer's route, its directions text and lead sentence (the notices around them
/// depend on the moment), and the rules the route brings; remembered per closure plan
/// like the plain answers.
struct LiveWorded {
    var route: Answer.Route
    var directions: String
    var prompt: String
    var lead: String
    var rules: [LiveRule]
}

extension Hall {
    /// The route to `target` (or the nearest instance of the place), by the nearest open
    /// ticket machine when `machine` is given: the machine whose walk to it and on to the
    /// zone's nearest open window is shortest.
    func liveWording(_ decision: MatchDecision, from: String, start: Int, destination: String, place: FloorMap.Place,
                     target: FloorMap.Spot?, machine: FloorMap.Place?, profile: RouteProfile, router: Router,
                     plan: ClosurePlan?, words: LiveSentences) throws(AnswerError) -> LiveWorded {
        let language = words.language
        let memo = plan?.memo ?? self.memo
        let key = AnswerMemo.Key(from: from, destination: destination, intent: decision.intent, profile: profile,
                                 language: language, wording: machine == nil ? .directions : .directionsViaTicketMachine)
        let memorable = map.station(from) != nil || map.place(from) != nil
        if memorable, let known = memo.entry(key) {
            return LiveWorded(route: known.route, directions: known.sentence, prompt: known.prompt, lead: known.lead, rules: known.rules)
        }
        let isOpen = { (spot: FloorMap.Spot, of: FloorMap.Place) in plan?.closure(of: spot, in: of) == nil }
        var worded: LiveWorded?
        if let machine {
            var best: (stop: FloorMap.Spot, window: FloorMap.Spot, metres: Double)?
            for stop in machine.spots where isOpen(stop, machine) {
                guard let toStop = router.distance(from: start, to: stop.node, profile: profile),
                      let on = router.nearest(place, from: stop.node, profile: profile, where: { isOpen($0, place) }) else { continue }
                if best == nil || toStop + on.metres < best!.metres { best = (stop, on.spot, toStop + on.metres) }
            }
            if let best, let first = router.path(from: start, to: best.stop.node, profile: profile),
               let second = router.path(from: best.stop.node, to: best.window.node, profile: profile) {
                let written = directions.write(path: first, via: machine, at: best.stop, then: second, to: place, spot: best.window,
                                               resume: words.resumeAfterTicket, language: language)
                worded = LiveWorded(
                    route: routeValue(from: from, to: destination, path: first.followed(by: second), written: written,
                                      profile: profile, window: best.window.window, via: machine.id),
                    directions: join([words.takeTicketFirst(machine)] + written.steps.map(\.text) + [written.summary], language),
                    prompt: "", lead: "",
                    rules: [LiveRule("ticket-machine", "\(place.id) needs a ticket: by way of the nearest \(machine.id), \(Int(first.metres + second.metres)) m in all")])
            }
        }
        if worded == nil {
            // A destination cut off by closures is still shown where it is, by the way it
            // would be without them (nobody is led there: it does not serve).
            guard let spot = target ?? router.nearest(place, from: start, profile: profile)?.spot
                    ?? self.router.nearest(place, from: start, profile: profile)?.spot,
                  let path = router.path(from: start, to: spot.node, profile: profile)
                    ?? self.router.path(from: start, to: spot.node, profile: profile) else {
                throw .unreachable(from: from, to: destination, profile: profile)
            }
            let written = directions.write(path: path, to: place, spot: spot, language: language)
            worded = LiveWorded(route: routeValue(from: from, to: destination, path: path, written: written, profile: profile, window: spot.window),
                                directions: join(written.steps.map(\.text) + [written.summary], language), prompt: "", lead: "", rules: [])
        }
        var result = worded!
        result.prompt = decision.intent.map { "intent/\($0)" } ?? "window/\(result.route.window ?? 0)"
        result.lead = decision.intent.flatMap { intent($0)?.answer[language] } ?? windowSentence(destination, language)
        if let plan, plan.closesWalkways, let last = result.route.nodes.last.flatMap({ map.nodeIndex[$0] }),
           let around = plan.router.distance(from: start, to: last, profile: profile),
           let direct = self.router.distance(from: start, to: last, profile: profile), around > direct + 0.5 {
            result.rules.append(LiveRule("route-around-closure", "\(Int(around.rounded())) m instead of \(Int(direct.rounded())) m"))
        }
        if memorable {
            memo.remember(.init(route: result.route, sentence: result.directions, prompt: result.prompt, lead: result.lead, rules: result.rules), for: key)
        }
        return result
    }
}
