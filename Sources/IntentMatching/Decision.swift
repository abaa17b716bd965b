import HallModel

extension IntentMatcher {
    /// Turns the scores into route, clarify or fallback.
    func decide(_ s: inout MatchScratch) -> MatchDecision {
        let usedHomophones = s.hits.contains { $0.viaPinyin && $0.status == .counted }
        func result(_ outcome: MatchDecision.Outcome, _ rule: MatchDecision.Rule, destination: String? = nil,
                    intent: String? = nil, candidates: [String] = [], confidence: Double) -> MatchDecision {
            MatchDecision(outcome: outcome, destination: destination, intent: intent, candidates: candidates,
                          confidence: confidence, language: s.language, rule: rule, usedHomophones: usedHomophones)
        }

        // The two best intents with distinct destinations, without sorting everything.
        var best = -1
        var second = -1
        for i in s.scores.indices where s.scores[i] > 0 {
            if best < 0 || s.scores[i] > s.scores[best] {
                if best >= 0 && place[best] != place[i] { second = best }
                best = i
            } else if place[i] != place[best] && (second < 0 || s.scores[i] > s.scores[second]) {
                second = i
            }
        }
        let top = best >= 0 ? s.scores[best] : 0

        if let window = s.window, top <= tuning.windowWeight {
            if let (a, b) = WindowAlternatives.find(in: s.text), window == a || window == b, windows.contains(a), windows.contains(b) {
                return result(.clarify, .windowAlternatives(a, b), candidates: ["window-\(a)", "window-\(b)"], confidence: 0.5)
            }
            if windows.contains(window) {
                return result(.route, .windowNumber(window), destination: "window-\(window)", confidence: 1)
            }
            return result(.fallback, .unknownWindow(window), confidence: 0)
        }
        if best < 0 {
            if s.outOfScope > 0 { return result(.fallback, .outOfScope, confidence: 0) }
            if s.negatedIntent.contains(true) { return result(.fallback, .onlyNegated, confidence: 0) }
            return result(.fallback, .nothingMatched, confidence: 0)
        }
        if s.outOfScope >= top { return result(.fallback, .outOfScope, confidence: 0) }

        let runnerUp = second >= 0 ? s.scores[second] : 0
        let confidence = Double(top / (top + runnerUp + s.outOfScope))
        if runnerUp >= top * tuning.clarifyRatio, !keywordBeatsAmbiguousWords(best, top, s) {
            // Every destination within the margin, best first, at most four.
            var close: [(Float, Int)] = []
            for i in s.scores.indices where s.scores[i] >= top * tuning.clarifyRatio {
                if !close.contains(where: { place[$0.1] == place[i] }) { close.append((s.scores[i], i)) }
            }
            close.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
            let onlyAmbiguous = !s.hits.contains { hit in
                hit.status == .counted && facts.has(hit.pattern, .term)
            }
            return result(.clarify, onlyAmbiguous ? .ambiguousTerm : .closeScores,
                          candidates: close.prefix(4).map { destinations[$0.1] }, confidence: confidence)
        }
        if top < tuning.routeThreshold { return result(.fallback, .tooWeak, confidence: confidence) }
        return result(.route, .clearWinner, destination: destinations[best], intent: intentIDs[best], confidence: confidence)
    }
}

extension IntentMatcher {
    /// "I need a notary for my documents": the best destination has a keyword of its own, and
    /// every other within the margin was scored only by words that fit several destinations
    /// (documents, apartment); the visitor named one matter, unless two were joined.
    func keywordBeatsAmbiguousWords(_ best: Int, _ top: Float, _ s: MatchScratch) -> Bool {
        guard !s.weakOnly[best], !ContextCues.contains(Self.conjunctions, in: s.text), !ContextCues.contains(Self.bothWords, in: s.text)
        else { return false }
        for i in s.scores.indices where i != best && place[i] != place[best] && s.scores[i] >= top * tuning.clarifyRatio {
            if s.hits.contains(where: { $0.status == .counted && isTerm($0.pattern, of: Int32(i)) }) { return false }
        }
        return true
    }
}
