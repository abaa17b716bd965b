import HallModel
import IntentMatching
import Wayfinding

extension Hall {
    /// Answers one turn of a visitor's conversation as at `live.now` (hours and closures
    /// apply to a turn the context decided as to any other) and takes the decision into the
    /// context for the next turn.
    public func answer(_ query: String, in context: inout VisitorContext, from: String = "north-door",
                       profile: RouteProfile = .standard, live: LiveConditions,
                       scratch: inout MatchScratch) throws(AnswerError) -> Answer {
        var answer = try self.answer(query, from: from, profile: profile, live: live, scratch: &scratch, context: context)
        if case let .askedBack(offer, _) = context.last { answer.contextOffer = offer }
        context.remember(answer)
        return answer
    }

    /// Marks what the context decided, and says what comes next after a "先A，再B".
    func noteContext(_ decision: MatchDecision, in answer: inout Answer) {
        if case .context(let rule) = decision.rule { answer.contextRule = rule.code }
        guard answer.outcome == .route, let next = decision.next, next.destination != answer.destination else { return }
        answer.next = next.destination
        answer.answer = join([answer.answer, nextSentence(next, decision.language)], decision.language)
    }

    func nextSentence(_ next: MatchDecision.Next, _ language: Language) -> String {
        let said = next.intent.flatMap { intent($0)?.answer[language] }
        let name = map.place(next.destination)?.name[language] ?? next.destination
        switch language {
        case .zh: return "办完以后，下一步：\(said ?? "请到\(name)。")"
        case .en: return "Afterwards, next: \(said ?? "go to \(name).")"
        }
    }
}

extension VisitorContext {
    /// Takes in the answer the visitor was given (its outcome, offer and destination).
    public mutating func remember(_ answer: Answer) {
        remember(outcome: answer.outcome, candidates: answer.candidates, destination: answer.destination,
                 intent: answer.intent, askedAgain: answer.contextRule == ContextRule.askedAgain.code,
                 repeated: answer.contextRule == ContextRule.repeated.code)
    }
}
