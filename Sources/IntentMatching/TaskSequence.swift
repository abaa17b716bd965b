import HallModel

/// Questions that name more than one task: "先A，再B" (A now, and the answer says what
/// comes next) and "A和B都想办" (both offered, the visitor picks where to start), and the
/// similarity stage for questions no keyword decides.
extension IntentMatcher {
    static let xian: UInt32 = 0x5148  // 先
    /// Where the second task begins after a "先": 再, 然后, 之后, 接着, 完了, 回头; "then" after "first".
    static let afterFirst = ContextCues.scalars(["然后", "之后", "接着", "完了", "回头", "再", "then", "after that", "afterwards"])
    /// Without a "先", only words that cannot be anything but a sequence.
    static let sequenceOnly = ContextCues.scalars(["然后再", "然后去", "然后办", "之后再", "之后去", "完了再", "完再去", "办完再", "办完了再",
                                                   "and then", "after that"])
    /// Between two tasks: they are both wanted.
    static let conjunctions: Set<UInt32> = Set("和跟与及还也同并加".unicodeScalars.map(\.value)).union([TextNormalizer.clauseBreak])
    static let bothWords = ContextCues.scalars(["都想", "都要", "都得", "都办", "两个", "两件", "两样", "both", "also", " and "])

    /// The whole decision for a question: the keyword decision, refined for several tasks
    /// and, when no keyword decided, by the labelled examples.
    func decideAll(_ s: inout MatchScratch, sequenceAllowed: Bool = true) -> MatchDecision {
        var decision = decide(&s)
        if sequenceAllowed, let split = sequenceSplit(s.text) {
            let first = Self.text(s.text[split.firstStart..<split.firstEnd])
            let then = Self.text(s.text[split.secondStart...])
            evaluate(then, &s)
            let second = decideAll(&s, sequenceAllowed: false)
            evaluate(first, &s)
            var now = decideAll(&s, sequenceAllowed: false)
            if now.outcome == .fallback && second.outcome == .route { return second }
            if second.outcome == .route, let next = second.destination, next != now.destination {
                now.next = .init(destination: next, intent: second.intent)
            }
            return now
        }
        if decision.outcome != .fallback, let both = severalTasks(s) {
            decision.outcome = .clarify
            (decision.destination, decision.intent, decision.candidates) = (nil, nil, both)
            decision.rule = .severalTasks
            return decision
        }
        if decision.outcome == .fallback, decision.rule == .nothingMatched || decision.rule == .tooWeak,
           s.outOfScope == 0, s.window == nil, let (example, _) = examples.nearest(s.text) {
            if example.intent < 0 {
                decision.rule = .similarOutOfScope(example.text)
                return decision
            }
            let i = Int(example.intent)
            // An example never routes against a negation of its own intent.
            guard !s.negatedIntent[i], !s.excludedIntent[i] else { return decision }
            decision.outcome = .route
            decision.destination = destinations[i]
            decision.intent = intentIDs[i]
            decision.confidence = 0.5
            decision.rule = .similarExample(example.text)
        }
        return decision
    }

    /// The normalised text back as a string that normalises to itself (clause breaks as "，").
    static func text(_ scalars: ArraySlice<UInt32>) -> String {
        var s = String.UnicodeScalarView()
        for c in scalars {
            if c == TextNormalizer.clauseBreak { s.append("，") } else if let u = Unicode.Scalar(c) { s.append(u) }
        }
        return String(s)
    }

    struct SequenceSplit {
        var firstStart: Int
        var firstEnd: Int
        var secondStart: Int
    }

    /// "先办护照再去社保": the first task's text and where the next one begins.
    func sequenceSplit(_ text: [UInt32]) -> SequenceSplit? {
        if let x = text.firstIndex(of: Self.xian) ?? ContextCues.find("first".unicodeScalars.map(\.value), in: text) {
            let from = x + (text[x] == Self.xian ? 1 : 5)
            let rest = Array(text[from...])
            var at: Int?
            for marker in Self.afterFirst {
                if let k = ContextCues.find(marker, in: rest), at == nil || k < at! { at = k }
            }
            if let at, at > 0 { return SequenceSplit(firstStart: 0, firstEnd: from + at, secondStart: from + at) }
            return nil
        }
        for marker in Self.sequenceOnly {
            if let k = ContextCues.find(marker, in: text), k > 0 { return SequenceSplit(firstStart: 0, firstEnd: k, secondStart: k) }
        }
        return nil
    }

    /// Two destinations each named by a keyword of its own, joined ("户口和社保", "办护照，
    /// 还有驾照") or said to be both wanted: the destinations in the order said.
    func severalTasks(_ s: MatchScratch) -> [String]? {
        var named: [(destination: String, start: Int, end: Int)] = []
        for hit in s.hits where hit.status == .counted && !hit.viaPinyin {
            for case let .term(intent, weak) in patterns[Int(hit.pattern)].roles where !weak {
                let i = Int(intent)
                guard !s.negatedIntent[i], !s.excludedIntent[i], s.scores[i] >= tuning.routeThreshold else { continue }
                if let k = named.firstIndex(where: { $0.destination == destinations[i] }) {
                    named[k].end = max(named[k].end, hit.end)
                } else {
                    named.append((destinations[i], hit.start, hit.end))
                }
            }
        }
        guard named.count == 2 else { return nil }
        named.sort { $0.start < $1.start }
        let between = named[0].end < named[1].start ? s.text[named[0].end..<named[1].start] : []
        let joined = between.contains(where: Self.conjunctions.contains)
        guard joined || ContextCues.contains(Self.bothWords, in: s.text) else { return nil }
        return named.map(\.destination)
    }
}
