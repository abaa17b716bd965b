import HallModel

/// Why the matcher decided what it did: for `hallctl explain` and staff reports.
public struct MatchExplanation: Sendable {
    public struct Hit: Sendable {
        public var keyword: String
        public var start: Int
        public var end: Int
        /// What the word means: "keyword of exit-entry", "negation", ...
        public var roles: [String]
        public var viaPinyin: Bool
        public var pinyin: String?
        public var status: KeywordHit.Status
        public var source: SourceLine
    }

    public var query: String
    public var normalized: String
    public var window: Int?
    public var hits: [Hit]
    /// Intents with a score, best first.
    public var scores: [(intent: String, destination: String, score: Double, negated: Bool, excluded: Bool)]
    public var outOfScope: Double
    public var decision: MatchDecision
}

extension IntentMatcher {
    public func explain(_ query: String) -> MatchExplanation {
        var s = MatchScratch()
        evaluate(query, &s)
        let decision = decideAll(&s)
        // A sequence was matched in parts: show the hits of the whole question.
        evaluate(query, &s)
        let hanzi = normalizer.hanzi
        let hits = s.hits.map { hit -> MatchExplanation.Hit in
            let pattern = patterns[Int(hit.pattern)]
            let roles = pattern.roles.map { role -> String in
                switch role {
                case let .term(intent, weak): "\(weak ? "weak hint" : "keyword") of \(intentIDs[Int(intent)])"
                case let .ambiguous(k): "ambiguous: \(ambiguousCandidates[Int(k)].map { destinations[Int($0)] }.joined(separator: "|"))"
                case .negation: "negation"
                case .notNegation: "not a negation"
                case .outOfScope: "out of scope"
                case let .exclusion(intent): "excludes \(intentIDs[Int(intent)])"
                }
            }
            let heard = TextNormalizer.string(s.text[hit.start..<hit.end])
            let pinyin = hit.viaPinyin ? hanzi.pinyin(of: heard).joined(separator: " ") : nil
            return .init(keyword: TextNormalizer.string(pattern.text), start: hit.start, end: hit.end, roles: roles,
                         viaPinyin: hit.viaPinyin, pinyin: pinyin, status: hit.status, source: pattern.source)
        }
        var scores: [(String, String, Double, Bool, Bool)] = []
        for i in intentIDs.indices where s.scores[i] > 0 || s.negatedIntent[i] || s.excludedIntent[i] {
            scores.append((intentIDs[i], destinations[i], Double(s.scores[i]), s.negatedIntent[i], s.excludedIntent[i]))
        }
        scores.sort { $0.2 > $1.2 }
        return MatchExplanation(query: query, normalized: TextNormalizer.string(s.text), window: s.window, hits: hits,
                                scores: scores, outOfScope: Double(s.outOfScope), decision: decision)
    }
}
