import Foundation
import HallModel
import IntentMatching
import Wayfinding

extension Hall {
    /// Answers as at `live.now`, by the hall's hours and calendar, the closures in force and
    /// the queue snapshot. The outcome and destination stay what the visitor should go to
    /// (a route to the passport windows at midnight is still a route, with `open` false,
    /// `opens_at` and the sentence saying when); `lead` tells halld whether a robot may
    /// lead now. The rules: README "Live rules".
    public func answer(_ query: String, from: String = "north-door", profile: RouteProfile = .standard,
                       live: LiveConditions, scratch: inout MatchScratch, context: VisitorContext? = nil) throws(AnswerError) -> Answer {
        guard let start = startNode(from) else { throw .unknownStart(from) }
        let plan = live.closures?.applied(to: self, at: live.now)
        let moment = timetable.timeZone.local(live.now)
        let (understood, ticket) = understand(query, in: context, scratch: &scratch)
        let decision = nearestOffer(understood, query, start: start, profile: profile, router: plan?.router ?? router)
        let words = LiveSentences(hall: self, language: decision.language, now: moment)
        var rules = calendarRules(at: moment)
        if decision.rule == .nearestOffer, let nearest = decision.destination {
            rules.append(LiveRule("nearest-offer", "asked for the nearest of \(understood.candidates.joined(separator: ", ")): \(nearest) is nearest to \(from)"))
        }
        var queue = live.queue
        if let snapshot = queue, !snapshot.isFresh(at: live.now, maxAge: live.queueMaxAge) {
            let age = Int(live.now.timeIntervalSince(snapshot.time).rounded())
            rules.append(LiveRule("queue-stale", "queue snapshot taken \(timetable.timeZone.iso8601(snapshot.time)) is \(age) s old (limit \(Int(live.queueMaxAge)) s): ignored"))
            queue = nil
        }
        var answer: Answer
        switch decision.outcome {
        case .route:
            answer = try liveRoute(query, decision, ticket, from: from, start: start, profile: profile,
                                   plan: plan, moment: moment, queue: queue, words: words, rules: &rules)
            noteTicket(ticket, decision, in: &answer)
        case .clarify, .fallback:
            // Sent to the consultation desk (a fallback) or asked back (a clarify): open is
            // the desk's state, which keeps the building's hours.
            let sentence = decision.outcome == .clarify
                ? clarifySentence(decision.candidates, decision.language, severalTasks: decision.rule == .severalTasks)
                : fallbackSentence(decision.rule, decision.language)
            answer = Answer(query: Redaction.redact(query), outcome: decision.outcome, destination: nil, candidates: decision.candidates,
                            answer: sentence, route: nil, intent: nil, confidence: decision.confidence, language: decision.language,
                            rule: decision.rule.summary, homophoneRepair: decision.usedHomophones,
                            prompt: decision.outcome == .clarify ? "clarify" : fallbackPrompt(decision.rule), dataVersion: version)
            noteTicket(ticket, decision, in: &answer)
            if let ticket, ticket.zone == nil, ticketDecided(ticket, decision) {
                rules.append(LiveRule("ticket-unknown", "the hall issues no prefix \(ticket.ticket.prefix)"))
            }
            // A thank-you needs no word on the desk's hours.
            if decision.rule != .closing, let desk = map.place(Self.fallbackDestination) {
                var state = scheduleState(of: desk, at: moment)
                if decision.outcome == .fallback, let closure = desk.spots.first.flatMap({ plan?.closure(of: $0, in: desk) }) {
                    state = closureState(of: desk, closure: closure, reopens: closure.until)
                }
                settle(&answer, state, notice: words.closedNotice(desk, state), words: words)
            }
        }
        answer.at = timetable.timeZone.iso8601(live.now)
        answer.liveRules = rules
        noteContext(decision, in: &answer)
        return answer
    }

    /// Sets open, opens_at and closed_reason, and adds the notice when closed.
    private func settle(_ answer: inout Answer, _ state: ServiceState, notice: String, words: LiveSentences) {
        answer.open = state.open
        answer.opensAt = state.opensAt.map(timetable.timeZone.iso8601)
        answer.closedReason = words.closedReason(state)
        if !state.open { answer.answer = join([answer.answer, notice], words.language) }
    }

    private func liveRoute(_ query: String, _ decision: MatchDecision, _ ticket: TicketQuestion?, from: String, start: Int, profile: RouteProfile,
                           plan: ClosurePlan?, moment: LocalMoment, queue: QueueSnapshot?, words: LiveSentences,
                           rules: inout [LiveRule]) throws(AnswerError) -> Answer {
        let language = decision.language
        var destination = decision.destination!
        // Said before the lead (the ticket, a closed window) and after it (the wait).
        var notices: [String] = []
        var after: [String] = []
        let byTicket = ticketDecided(ticket, decision)
        var called = false
        if byTicket, let ticket, let window = queue?.window(calling: ticket.ticket.text) {
            destination = "window-\(window)"
            called = true
            notices.append(words.ticketCalled(ticket.ticket, window: window))
            rules.append(LiveRule("ticket-called", "window \(window) is calling \(ticket.ticket)"))
        } else if byTicket, let ticket, let zone = map.place(destination) {
            notices.append(words.ticketZone(ticket.ticket, zone))
            rules.append(LiveRule("ticket-number", ticketRule(ticket)))
        }
        guard var place = map.place(destination) else { throw .unknownPlace(destination) }
        let router = plan?.router ?? self.router

        // Where to: the nearest instance no closure shuts. A window asked for by number
        // that is closed gives way to the open window of its zone nearest to it (its
        // neighbour, where the staff at the closed one send people), if the visitor can
        // walk there.
        var state = ServiceState.serving
        var target: FloorMap.Spot?
        // What a closed notice names: the zone, when a window asked for and all its zone are shut.
        var closedPlace: FloorMap.Place?
        if let plan, place.kind == .window, let closure = plan.closure(of: place.spots[0], in: place),
           let zone = place.zone.flatMap(map.place) {
            let usable = { (spot: FloorMap.Spot) in
                plan.closure(of: spot, in: zone) == nil && router.distance(from: start, to: spot.node, profile: profile) != nil
            }
            if let open = router.nearest(zone, from: place.spots[0].node, profile: profile, where: usable), let window = open.spot.window {
                notices.append(words.windowRedirect(closed: place.spots[0].window!, closure: closure, to: window))
                rules.append(LiveRule("window-closed", "window \(place.spots[0].window!) is closed (\(closure.reason ?? "no reason given")): window \(window) is the open one of \(zone.id) nearest to it"))
                destination = "window-\(window)"
                place = map.place(destination)!
                target = open.spot
            } else {
                state = shut(zone, plan: plan, rules: &rules)
                (target, closedPlace) = (place.spots[0], zone)
            }
        } else if let plan {
            let nearest = router.nearest(place, from: start, profile: profile)
            if let open = router.nearest(place, from: start, profile: profile, where: { plan.closure(of: $0, in: place) == nil }) {
                target = open.spot
                if let nearest, nearest.spot != open.spot, let closure = plan.closure(of: nearest.spot, in: place) {
                    if let closed = nearest.spot.window, let window = open.spot.window {
                        notices.append(words.windowRedirect(closed: closed, closure: closure, to: window))
                        rules.append(LiveRule("nearest-open-window", "window \(closed) is closed (\(closure.reason ?? "no reason given")): window \(window) is the nearest open one"))
                    } else {
                        notices.append(words.instanceClosed(place, closure))
                        rules.append(LiveRule("instance-closed", "the nearest \(place.id) is closed (\(closure.reason ?? "no reason given"))"))
                    }
                }
            } else {
                state = shut(place, plan: plan, rules: &rules)
            }
        }
        if state.open {
            state = scheduleState(of: place, at: moment)
            if case let .schedule(why, building)? = state.why {
                let detail = "\(place.id): \(words.scheduleReason(why)), opens \(state.opensAt.map(timetable.timeZone.iso8601) ?? "not within a year")"
                if building { rules.append(LiveRule("hall-closed", detail)) }
                else if case .breakTime(let end) = why, words.isLunch(end) { rules.append(LiveRule("lunch-break", detail)) }
                else { rules.append(LiveRule("not-open", detail)) }
            }
        }

        // By way of the ticket machine: a zone that needs a ticket, asked for without one.
        let zoneID = place.kind == .zone ? place.id : place.zone
        var machine: FloorMap.Place?
        if state.open, !byTicket, place.kind == .zone, map.tickets.needsTicket(zone: place.id),
           let id = map.tickets.machine, let found = map.place(id) {
            machine = found
        }
        let worded = try liveWording(decision, from: from, start: start, destination: destination, place: place, target: target,
                                     machine: machine, profile: profile, router: router, plan: plan, words: words)
        rules += worded.rules
        var waiting: Int?
        if state.open, !called, let zoneID, let count = queue?.waiting[zoneID] {
            waiting = count
            after.append(words.waiting(count))
            rules.append(LiveRule("queue-wait", "\(count) waiting for \(zoneID)"))
        }
        // Closed by staff or with the building shut, the walk is not said: the visitor is
        // not to go now. At lunch they may go and wait.
        var walkable = state.open
        if case .schedule(_, building: false)? = state.why { walkable = true }
        var pieces = notices
        // A ticket being called needs no more than where to go.
        if !called { pieces.append(worded.lead) }
        pieces += after
        if !state.open { pieces.append(words.closedNotice(closedPlace ?? place, state)) }
        if walkable { pieces.append(worded.directions) }
        var answer = Answer(query: Redaction.redact(query), outcome: .route, destination: destination,
                            candidates: [], answer: join(pieces, language), route: worded.route, intent: decision.intent,
                            confidence: decision.confidence, language: language, rule: decision.rule.summary,
                            homophoneRepair: decision.usedHomophones, prompt: worded.prompt, dataVersion: version)
        answer.open = state.open
        answer.opensAt = state.opensAt.map(timetable.timeZone.iso8601)
        answer.closedReason = words.closedReason(state)
        answer.waiting = waiting
        return answer
    }

    /// Nothing of the place is open: every instance closed, or the open ones cut off by
    /// closed walkways. The route still shows where it is; nobody is led there.
    private func shut(_ place: FloorMap.Place, plan: ClosurePlan, rules: inout [LiveRule]) -> ServiceState {
        let (state, closure): (ServiceState, Closure)
        if let closed = closedByClosures(place, plan) {
            (state, closure) = closed
        } else {
            closure = plan.closures.closures.first { $0.target.isWalkway } ?? Closure(target: .place(place.id, node: nil))
            state = closureState(of: place, closure: closure, reopens: closure.until)
        }
        rules.append(LiveRule(place.kind == .zone ? "zone-closed" : "place-closed",
                              "every \(place.kind == .zone ? "window" : "instance") of \(place.id) is closed or cut off (\(closure.target): \(closure.reason ?? "no reason given")); reopens \(state.opensAt.map(timetable.timeZone.iso8601) ?? "when staff reopen it")"))
        return state
    }

    /// The sentences of an answer as one: trailing spaces dropped, empty ones left out,
    /// a space between English ones.
    func join(_ pieces: [String], _ language: Language) -> String {
        var text = ""
        text.reserveCapacity(pieces.reduce(pieces.count) { $0 + $1.utf8.count })
        for piece in pieces {
            var trimmed = Substring(piece)
            while trimmed.last == " " { trimmed.removeLast() }
            if trimmed.isEmpty { continue }
            if language == .en && !text.isEmpty { text += " " }
            text += trimmed
        }
        return text
    }
}
