/// What one visitor's earlier turns leave for the next one (SPEC "The conversation
/// contract"): the destinations offered when the hall asked back, or the destination just
/// answered. A value, pure: the conversation keeps one per device and visitor and drops it
/// when the robot signals a new visitor or the visitor has been quiet too long.
public struct VisitorContext: Sendable, Hashable {
    public enum Last: Sendable, Hashable {
        /// A new visitor, or the last turn ended the thread (a fallback).
        case nothing
        /// The hall asked back offering these destinations, best first; `again` once it has
        /// asked a second time.
        case askedBack(candidates: [String], again: Bool)
        /// The hall answered with a route to this destination; `repeated` once it has said
        /// it again for a visitor who did not catch it.
        case answered(destination: String, intent: String?, repeated: Bool)
    }

    public private(set) var last: Last = .nothing

    public init() {}

    public var isEmpty: Bool { last == .nothing }

    /// Takes in the decision the visitor was given.
    public mutating func remember(_ decision: MatchDecision) {
        remember(outcome: decision.outcome, candidates: decision.candidates, destination: decision.destination,
                 intent: decision.intent, askedAgain: decision.rule == .context(.askedAgain),
                 repeated: decision.rule == .context(.repeated))
    }

    /// Takes in what the visitor was told: asked back (with the offer), answered (with the
    /// destination) or sent to the desk (the thread ends).
    public mutating func remember(outcome: MatchDecision.Outcome, candidates: [String], destination: String?,
                                  intent: String?, askedAgain: Bool, repeated: Bool = false) {
        switch outcome {
        case .route:
            last = destination.map { .answered(destination: $0, intent: intent, repeated: repeated) } ?? .nothing
        case .clarify:
            last = .askedBack(candidates: candidates, again: askedAgain)
        case .fallback:
            last = .nothing
        }
    }

    /// The decision for `query` in this context: the matcher's, unless a context rule
    /// decides (the rule is then `.context`).
    public func resolve(_ query: String, matcher: IntentMatcher, scratch: inout MatchScratch) -> MatchDecision {
        resolve(matcher.match(query, scratch: &scratch), matcher: matcher, scratch: scratch)
    }

    /// `decision` is the matcher's for the turn, and `scratch` as that match left it.
    public func resolve(_ decision: MatchDecision, matcher: IntentMatcher, scratch: MatchScratch) -> MatchDecision {
        switch last {
        case .nothing:
            return decision
        case let .answered(destination, intent, repeated):
            return followUp(decision, destination: destination, intent: intent, repeated: repeated, matcher: matcher, scratch)
        case let .askedBack(candidates, again):
            return reply(decision, offered: candidates, askedAgain: again, matcher: matcher, scratch)
        }
    }

    private func followUp(_ decision: MatchDecision, destination: String, intent: String?, repeated: Bool, matcher: IntentMatcher,
                          _ s: MatchScratch) -> MatchDecision {
        // Only when no keyword decided (the similarity stage may have guessed).
        let byKeyword: Bool
        switch decision.rule {
        case .nothingMatched, .tooWeak, .similarExample, .similarOutOfScope: byKeyword = false
        default: byKeyword = true
        }
        // "啊？", "再说一遍" after an answer: the visitor did not catch it, so it is said again
        // (the desk would send away someone who only misheard); a second time, the desk.
        if !byKeyword, !s.text.isEmpty, s.window == nil, ContextReplies.bareNumber(in: s.text) == nil,
           ContextCues.isOnlyFillers(s.text) || ContextCues.contains(ContextCues.unclear, in: s.text) {
            var d = decision
            if repeated {
                (d.outcome, d.destination, d.intent, d.candidates, d.confidence) = (.fallback, nil, nil, [], 0)
                d.rule = .context(.gaveUp)
            } else {
                (d.outcome, d.destination, d.intent, d.candidates, d.confidence) = (.route, destination, intent, [], 1)
                d.rule = .context(.repeated)
            }
            return d
        }
        // "sorry, I meant 38" after window 33: the number corrected, not a new question.
        if !byKeyword, destination.hasPrefix("window-"), s.window == nil,
           ContextCues.contains(ContextReplies.correction, in: s.text),
           let n = ContextReplies.bareNumber(in: s.text), matcher.windows.contains(n) {
            var d = decision
            (d.outcome, d.destination, d.intent, d.candidates, d.confidence) = (.route, "window-\(n)", nil, [], 1)
            d.rule = .context(.correctedWindow)
            return d
        }
        // "不对，我是说交税" after business-setup: the visitor corrects, so not the same place again.
        if byKeyword, decision.outcome == .clarify, decision.candidates.contains(destination),
           ContextCues.contains(ContextReplies.correction, in: s.text) {
            let others = decision.candidates.filter { $0 != destination }
            var d = decision
            if others.count == 1 {
                (d.outcome, d.destination, d.intent, d.candidates, d.confidence) = (.route, others[0], matcher.intentID(forDestination: others[0]), [], 1)
            } else {
                d.candidates = others
            }
            d.rule = .context(.corrected)
            return d
        }
        // "no, I meant paying my company's taxes" after business-setup: the other place it names.
        if byKeyword, decision.outcome == .route, decision.destination == destination,
           ContextCues.contains(ContextReplies.correction, in: s.text),
           let other = matcher.bestScored(besides: destination, s) {
            var d = decision
            (d.destination, d.intent, d.confidence) = (other.destination, other.intent, 1)
            d.rule = .context(.corrected)
            return d
        }
        // "那退休以后医保咋弄" after 办退休: the answer's own word and a new one; the new one is asked.
        if byKeyword, decision.outcome == .clarify, decision.candidates.count == 2, decision.candidates.contains(destination),
           ContextCues.contains(ContextCues.followUp, in: s.text) || s.text.first == ContextReplies.na,
           let other = decision.candidates.first(where: { $0 != destination }),
           // The new one named by a keyword of its own, not by a word that fits both ("补卡").
           matcher.lastNamed(among: [other], after: 0, s) != nil, matcher.lastNamed(among: [destination], after: 0, s) != nil {
            var d = decision
            (d.outcome, d.destination, d.intent, d.candidates, d.confidence) = (.route, other, matcher.intentID(forDestination: other), [], 1)
            d.rule = .context(.newThingNamed)
            return d
        }
        let forSomeoneElse = ContextCues.contains(ContextCues.otherPerson, in: s.text) && ContextCues.contains(ContextCues.aboutIt, in: s.text)
        // Only weak words decided the turn: the answer just given is surer than they are.
        func decidedByWeakWords() -> Bool { decision.intent.flatMap(matcher.intentIndex).map { s.weakOnly[$0] } == true }
        // "我儿子的也丢了" after 身份证补办: the same matter for someone else, though a weak word
        // of its own (丢了) would have decided alone.
        let sameMatterToo = forSomeoneElse && ContextCues.contains(ContextCues.too, in: s.text) && decidedByWeakWords()
        // "自己扫码就能取吧": a yes-or-no question that names nothing asks about the place just answered.
        let followsUp = ContextCues.contains(ContextCues.followUp, in: s.text)
            || (decision.rule == .nothingMatched && ContextReplies.endsAsQuestion(s.text))
        // "周末开不开" after 公积金: a weak word alone (周末) asks about the place just answered.
        let weakAlone = followsUp && decidedByWeakWords()
        // "Is it open during lunch?": an out-of-scope word (lunch, as in eating) does not
        // outweigh a question about the opening hours of the place just answered.
        let hoursNotTopic = decision.rule == .outOfScope && ContextCues.contains(ContextCues.opening, in: s.text)
        // "要带身份证吗" after 交契税: a detail of the errand, though 身份证 is another's keyword.
        let errandDetail = ContextReplies.asksAboutTheErrand(s.text)
        let personDescribed = forSomeoneElse && ContextReplies.onlyDescribesThePerson(s.text)
        guard !byKeyword || sameMatterToo || weakAlone || errandDetail || hoursNotTopic || personDescribed,
              forSomeoneElse || followsUp || errandDetail
        else { return decision }
        var d = decision
        d.outcome = .route
        d.destination = destination
        d.intent = intent
        d.candidates = []
        d.confidence = 1
        d.rule = .context(.sameDestination)
        return d
    }

    private func reply(_ decision: MatchDecision, offered: [String], askedAgain: Bool, matcher: IntentMatcher,
                       _ s: MatchScratch) -> MatchDecision {
        func pick(_ destination: String, _ rule: ContextRule) -> MatchDecision {
            var d = decision
            d.outcome = .route
            d.destination = destination
            d.intent = matcher.intentID(forDestination: destination)
            d.candidates = []
            d.confidence = 1
            d.rule = .context(rule)
            d.next = nil
            return d
        }
        if ContextCues.contains(ContextCues.rejection, in: s.text) || ContextCues.contains(ContextReplies.rejection, in: s.text) {
            // "都不是，我是来找厕所的": the offers rejected, and a new matter asked clearly.
            if decision.outcome == .route, case .clearWinner = decision.rule, let destination = decision.destination,
               !offered.contains(destination) {
                return decision
            }
            var d = decision
            (d.outcome, d.destination, d.intent, d.candidates, d.confidence) = (.fallback, nil, nil, [], 0)
            d.rule = .context(.rejectedAll)
            return d
        }
        // Asked back about the same offer ("就是那个卡" after "补卡"): that picks nothing.
        var repeatsOffer = false
        switch decision.outcome {
        case .route:
            if let destination = decision.destination, offered.contains(destination) { return pick(destination, .pickedByName) }
        case .clarify:
            let both = decision.candidates.filter(offered.contains)
            if both.count == 1 { return pick(both[0], .pickedByName) }
            // "医保……哦不对，是社保": the visitor corrected themself; the name after it stands.
            if both.count >= 2, let cut = ContextReplies.lastCorrection(in: s.text),
               let named = matcher.lastNamed(among: both, after: cut, s) {
                return pick(named, .pickedByName)
            }
            repeatsOffer = both.count >= 2
            // "轿车的过户" after "过户": the word repeats the offer, what is left describes one.
            if repeatsOffer, let described = matcher.describedBesidesOffer(among: both, s) {
                return pick(described, .pickedByDescription)
            }
        case .fallback:
            break
        }
        // "第一个……哎不对，第二个": the count after the self-correction stands.
        let counted = ContextReplies.lastCorrection(in: s.text).flatMap { ContextCues.ordinal(in: Array(s.text[$0...]), count: offered.count) }
        if let n = counted ?? ContextCues.ordinal(in: s.text, count: offered.count) {
            // "the second one, medical": the name is surer than the visitor's count.
            if let described = matcher.described(among: offered, s), described != offered[n - 1] {
                return pick(described, .pickedByDescription)
            }
            return pick(offered[n - 1], .pickedByOrdinal(n))
        }
        let unclear = ContextCues.contains(ContextCues.unclear, in: s.text) || ContextCues.isOnlyFillers(s.text)
        // "北门，我打车在那边下的": an offer named beats an out-of-scope word beside it (the taxi).
        if decision.rule == .outOfScope, let named = matcher.lastNamed(among: offered, after: 0, s) {
            return pick(named, .pickedByName)
        }
        if !repeatsOffer && !unclear {
            // A question about something else is answered as a new question.
            if decision.outcome == .route, case .clearWinner = decision.rule { return decision }
            if decision.outcome == .clarify || decision.rule == .outOfScope { return decision }
            if let described = matcher.described(among: offered, s) { return pick(described, .pickedByDescription) }
            if decision.outcome == .route { return decision }
        }
        var d = decision
        if askedAgain {
            (d.outcome, d.destination, d.intent, d.candidates, d.confidence) = (.fallback, nil, nil, [], 0)
            d.rule = .context(.gaveUp)
        } else {
            (d.outcome, d.destination, d.intent, d.candidates, d.confidence) = (.clarify, nil, nil, offered, 0)
            d.rule = .context(.askedAgain)
        }
        return d
    }
}

extension IntentMatcher {
    /// The destination among `candidates` whose keyword was said last, after `position`.
    func lastNamed(among candidates: [String], after position: Int, _ s: MatchScratch) -> String? {
        var best: (end: Int, destination: String)?
        for hit in s.hits where hit.start >= position && (hit.status == .counted || hit.status == .excluded) && !hit.viaPinyin {
            for k in facts.roleRange(hit.pattern) {
                guard case let .term(intent, weak) = facts.roles[k], !weak else { continue }
                let destination = destinations[Int(intent)]
                if candidates.contains(destination), best == nil || Int(hit.end) > best!.end { best = (Int(hit.end), destination) }
            }
        }
        return best?.destination
    }

    /// The best-scoring intent of another destination than `destination` in the last match,
    /// if it scored enough to route to.
    func bestScored(besides destination: String, _ s: MatchScratch) -> (destination: String, intent: String)? {
        var best = -1
        for i in s.scores.indices where destinations[i] != destination && s.scores[i] >= tuning.routeThreshold {
            if best < 0 || s.scores[i] > s.scores[best] { best = i }
        }
        return best < 0 ? nil : (destinations[best], intentIDs[best])
    }
}
